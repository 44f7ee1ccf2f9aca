//! Sentence embeddings for coding: which model a run uses, the themes' vectors, and the
//! quotes' vectors, computed once per distinct text and kept in `.verbatim/`.
//!
//! The cache is addressed by content (a digest of the model's name and the text), so a
//! quote keeps its vector when its source is edited elsewhere, moved or rebuilt, and a
//! rebuild reuses every vector the previous run computed: only new texts reach the model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use verbatim_coder::{Example, TextExample, ThemeVectors, codebook_examples, definition_text};
use verbatim_model::{Codebook, write_atomic};
use verbatim_semantic::install::{self, ModelFiles};
use verbatim_semantic::{Embedder, EmbedderKind};

use crate::error::{Error, IoContext, Result};
use crate::observer::{Observer, Progress};

/// The value of `model` (configuration or `--model`) that turns the model off.
pub const NO_MODEL: &str = "none";

/// Ending of a model's name that asks for the static embedding distilled from it.
pub const STATIC_SUFFIX: &str = "-static";

/// A model chosen for a run, verified but not loaded.
#[derive(Debug, Clone)]
pub struct ChosenModel {
    /// The model's files.
    pub files: ModelFiles,
    /// The transformer, or the static embedding distilled from it.
    pub kind: EmbedderKind,
}

impl ChosenModel {
    /// The embedding's name, as [`Embedder::name`] will give it.
    pub fn name(&self) -> String {
        match self.kind {
            EmbedderKind::Transformer => self.files.name.clone(),
            EmbedderKind::Distilled => format!("{}{STATIC_SUFFIX}", self.files.name),
        }
    }

    /// Loads it (distilling the static embedding on first use).
    pub fn load(&self) -> Result<Embedder> {
        Embedder::load(&self.files, self.kind).map_err(semantic)
    }
}

/// Texts embedded per progress step.
const STEP: usize = 256;

/// First bytes of a cache file, with its format version.
const MAGIC: &[u8; 8] = b"VBEMB001";

/// The model a run codes with, loaded: see [`choose_model`].
pub fn load_model(choice: Option<&str>, observer: &dyn Observer) -> Result<Option<Embedder>> {
    choose_model(choice, observer)?
        .map(|chosen| chosen.load())
        .transpose()
}

/// The model a run codes with, verified but not loaded: `choice` names one (a name ending
/// in [`STATIC_SUFFIX`] asks for its distilled static embedding), or is [`NO_MODEL`];
/// unset, the installed model if there is one, run as the transformer. Without one the
/// run codes by words alone and says so once.
pub fn choose_model(choice: Option<&str>, observer: &dyn Observer) -> Result<Option<ChosenModel>> {
    if choice == Some(NO_MODEL) {
        return Ok(None);
    }
    let (name, kind) = match choice.and_then(|c| c.strip_suffix(STATIC_SUFFIX)) {
        Some(base) => (Some(base), EmbedderKind::Distilled),
        None => (choice, EmbedderKind::Transformer),
    };
    let dir = install::models_dir().map_err(semantic)?;
    match install::find(&dir, name).map_err(semantic)? {
        Some(files) => Ok(Some(ChosenModel { files, kind })),
        None => {
            observer.warning(&format!(
                "no sentence model installed in {}: coding by words alone \
                 (install one with `verbatim model add PATH`)",
                dir.display()
            ));
            Ok(None)
        }
    }
}

/// Vectors of texts, remembered by content in a file of the project's state.
pub struct VectorCache {
    path: Option<PathBuf>,
    model: String,
    dimensions: usize,
    vectors: HashMap<[u8; 16], Vec<f32>>,
    used: HashMap<[u8; 16], ()>,
    added: usize,
}

impl VectorCache {
    /// The cache at `path` for `encoder`'s model. A missing, damaged or foreign file
    /// starts an empty cache: it only ever saves work, so it is rebuilt rather than
    /// trusted.
    pub fn open(path: Option<&Path>, encoder: &Embedder) -> Self {
        let mut cache = VectorCache {
            path: path.map(Path::to_path_buf),
            model: encoder.name().to_string(),
            dimensions: encoder.dimensions(),
            vectors: HashMap::new(),
            used: HashMap::new(),
            added: 0,
        };
        if let Some(bytes) = path.and_then(|p| std::fs::read(p).ok()) {
            cache.vectors = parse(&bytes, cache.dimensions).unwrap_or_default();
        }
        cache
    }

    /// How many vectors this run had to compute.
    pub fn computed(&self) -> usize {
        self.added
    }

    /// The vectors of `texts`, in order: remembered ones looked up, the rest computed in
    /// batches on every core.
    pub fn vectors(
        &mut self,
        encoder: &Embedder,
        texts: &[&str],
        observer: &dyn Observer,
    ) -> Result<Vec<Vec<f32>>> {
        let keys: Vec<[u8; 16]> = texts.iter().map(|t| self.key(t)).collect();
        let mut missing: Vec<usize> = Vec::new();
        let mut asked: std::collections::HashSet<&[u8; 16]> = std::collections::HashSet::new();
        for (i, key) in keys.iter().enumerate() {
            if !self.vectors.contains_key(key) && asked.insert(key) {
                missing.push(i);
            }
        }
        if !missing.is_empty() {
            observer.progress(Progress::Start {
                task: "embedding quotes",
                total: Some(missing.len() as u64),
            });
            for chunk in missing.chunks(STEP) {
                let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                let computed = encoder.embed(&batch).map_err(semantic)?;
                for (&i, vector) in chunk.iter().zip(computed) {
                    self.vectors.insert(keys[i], vector);
                }
                self.added += chunk.len();
                observer.progress(Progress::Advance(chunk.len() as u64));
            }
            observer.progress(Progress::Finish);
        }
        keys.iter()
            .map(|key| {
                self.used.insert(*key, ());
                self.vectors
                    .get(key)
                    .cloned()
                    .ok_or_else(|| Error::Internal("an embedding went missing".into()))
            })
            .collect()
    }

    /// Writes the cache (atomically) with the vectors used by this run and those of
    /// earlier runs still on file, when anything was added.
    pub fn save(&self) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.added == 0 {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .io_context(|| format!("{}: cannot create", parent.display()))?;
        }
        let mut keys: Vec<&[u8; 16]> = self.vectors.keys().collect();
        keys.sort();
        write_atomic(path, |w| {
            w.write_all(MAGIC)?;
            w.write_all(&(self.dimensions as u32).to_le_bytes())?;
            for key in keys {
                w.write_all(key)?;
                for x in &self.vectors[key] {
                    w.write_all(&x.to_le_bytes())?;
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    fn key(&self, text: &str) -> [u8; 16] {
        let digest = Sha256::new()
            .chain_update(self.model.as_bytes())
            .chain_update([0xff])
            .chain_update(text.as_bytes())
            .finalize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        key
    }
}

/// The cache file's records, or `None` when it is not a cache of this shape.
fn parse(bytes: &[u8], dimensions: usize) -> Option<HashMap<[u8; 16], Vec<f32>>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (stored, rest) = rest.split_at_checked(4)?;
    if u32::from_le_bytes(stored.try_into().ok()?) as usize != dimensions {
        return None;
    }
    let record = 16 + 4 * dimensions;
    if rest.len() % record != 0 {
        return None;
    }
    Some(
        rest.chunks_exact(record)
            .filter_map(|chunk| {
                let key: [u8; 16] = chunk[..16].try_into().ok()?;
                let vector = chunk[16..]
                    .chunks_exact(4)
                    .filter_map(|b| b.try_into().ok().map(f32::from_le_bytes))
                    .collect();
                Some((key, vector))
            })
            .collect(),
    )
}

/// The themes' vectors: each definition, and as examples the codebook's example sentences
/// and the `coded` quotes a researcher coded.
pub fn theme_vectors(
    encoder: &Embedder,
    cache: &mut VectorCache,
    codebook: &Codebook,
    coded: &[TextExample],
    observer: &dyn Observer,
) -> Result<ThemeVectors> {
    let definitions: Vec<String> = codebook
        .themes
        .iter()
        .map(|theme| definition_text(codebook, theme))
        .collect();
    let mut examples = codebook_examples(codebook);
    examples.extend(coded.iter().cloned());
    let mut texts: Vec<&str> = definitions.iter().map(String::as_str).collect();
    texts.extend(examples.iter().map(|e| e.text.as_str()));
    let mut vectors = cache.vectors(encoder, &texts, observer)?.into_iter();
    let mut themes = ThemeVectors {
        definitions: vectors.by_ref().take(definitions.len()).collect(),
        examples: vec![Vec::new(); codebook.themes.len()],
    };
    for (example, vector) in examples.into_iter().zip(vectors) {
        if let Some(slot) = themes.examples.get_mut(example.theme) {
            slot.push(Example {
                label: example.label,
                vector,
            });
        }
    }
    Ok(themes)
}

/// Each text's vector and the themes' vectors (with `coded` quotes as examples), ready for
/// [`verbatim_coder::Coder::rank`].
pub fn embed_for_coding(
    encoder: &Embedder,
    cache: &mut VectorCache,
    codebook: &Codebook,
    coded: &[TextExample],
    texts: &[&str],
    observer: &dyn Observer,
) -> Result<(ThemeVectors, Vec<Vec<f32>>)> {
    let themes = theme_vectors(encoder, cache, codebook, coded, observer)?;
    let quotes = cache.vectors(encoder, texts, observer)?;
    cache.save()?;
    Ok((themes, quotes))
}

fn semantic(error: verbatim_semantic::SemanticError) -> Error {
    Error::Invalid(error.to_string())
}
