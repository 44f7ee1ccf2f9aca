//! A static embedding distilled from the sentence model, as model2vec does: one vector per
//! WordPiece token, computed once by the transformer, and a sentence vector that is the
//! weighted mean of its tokens' vectors. No transformer runs at embedding time: on two
//! cores it embeds about 33,000 quotes a second against the transformer's 65 (a million
//! quotes in half a minute rather than four hours), at some cost in quality.
//!
//! Distillation runs every token of the vocabulary through the transformer as
//! `[CLS] token [SEP]` and keeps the raw mean-pooled output (not normalised: its length
//! says how much the token moves a sentence). The vectors are then centred on their mean,
//! which is what model2vec's PCA does before it reduces anything; we keep all dimensions,
//! so the PCA's rotation would change no cosine and is left out. Each token is weighted
//! by SIF, `a / (a + p)`, with its probability `p` estimated by Zipf's law from its rank
//! among the kept tokens in id order (WordPiece vocabularies list frequent words first),
//! so common words such as "the" count less than rare ones.
//!
//! The recipe was chosen by agreement with the transformer: the Spearman correlation of
//! all pairwise cosines, on 48 interview sentences on eight themes / on 400 sentences of
//! the project's corpus. Centred, no weighting gave 0.43 / 0.25, `ln(1 + rank)` 0.45 /
//! 0.29, SIF with model2vec's a = 1e-4 0.48 / 0.31, and SIF with a = 3e-5 0.49 / 0.34, the
//! best of the a tried (1e-3 to 1e-5). Centring raised the first figure by about 0.05 and
//! lowered the second by 0.01 to 0.03, but it raised the share of corpus sentences whose
//! nearest neighbour is the transformer's from 70 to 88 of 400, and it spreads the
//! cosines (mean 0.32 rather than 0.81), so it stays.
//!
//! The table is saved as `distilled.bin` in the model's folder: a header (magic, format
//! version, vocabulary size, dimensions, the source model's name and weights size), the
//! token weights and vectors as little-endian f32, and a sha256 of all of it, so a
//! damaged, truncated or foreign file is refused rather than silently used.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::SemanticError;
use crate::encoder::{Encoder, normalised};
use crate::install::ModelFiles;

/// The table's file name inside the model's folder.
const FILE_NAME: &str = "distilled.bin";
const MAGIC: [u8; 8] = *b"VBSTATIC";
/// Bumped whenever the layout or the recipe changes, so an old table is re-made.
const VERSION: u32 = 1;
/// Magic, version, vocabulary size, dimensions, weights size and name length.
const FIXED_HEADER: usize = 8 + 4 + 4 + 4 + 8 + 4;
const CHECKSUM: usize = 32;
/// Longer names are not ours: installed names are short folder names.
const MAX_NAME: usize = 1024;
/// Refuses before reading a file that could not be a table (30k × 384 floats is 47 MB).
const MAX_FILE_BYTES: u64 = 4 << 30;
/// Single-token inputs all have three ids, so large batches need no padding.
const DISTIL_BATCH: usize = 256;
/// SIF's `a`: the probability at which a token's weight halves. model2vec uses 1e-4; 3e-5
/// agreed better with the transformer on our interview sentences (see the module docs).
const SIF_A: f64 = 3e-5;

/// A static embedding distilled from a sentence model: a vector and a weight per token.
pub struct Distilled {
    tokenizer: Tokenizer,
    /// The source model's name, as installed.
    source: String,
    /// `<source>-static`.
    name: String,
    dimensions: usize,
    /// Size of the source's `model.safetensors`, a cheap fingerprint of the weights.
    source_bytes: u64,
    /// One weight per token id; 0 for tokens that never count (padding, `[CLS]`, …).
    weights: Vec<f32>,
    /// `weights.len()` rows of `dimensions` floats.
    vectors: Vec<f32>,
}

impl std::fmt::Debug for Distilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Distilled")
            .field("name", &self.name)
            .field("vocabulary", &self.weights.len())
            .field("dimensions", &self.dimensions)
            .finish()
    }
}

impl Distilled {
    /// Distils a static embedding from `encoder`, which must be the model in `files`: every
    /// kept token of the vocabulary goes through the transformer once (20 to 50 s for
    /// all-MiniLM-L6-v2's 29,524 kept tokens in a release build on two cores, about 30
    /// times that unoptimised).
    pub fn distil(encoder: &Encoder, files: &ModelFiles) -> Result<Self, SemanticError> {
        let (ids, raw) = distil_raw(encoder, files)?;
        let tokenizer = load_tokenizer(files)?;
        let (weights, vectors) = finish(&ids, &raw, files.vocab_size, files.hidden_size);
        let bytes = source_bytes(files)?;
        Self::from_parts(tokenizer, &files.name, bytes, weights, vectors, &files.dir)
    }

    /// Where the table of the model in `files` is kept: `distilled.bin` in its folder.
    pub fn path(files: &ModelFiles) -> PathBuf {
        files.dir.join(FILE_NAME)
    }

    /// The table saved for the model in `files`, or `None` when there is none.
    ///
    /// A table that is damaged, from another format version, or made from another model
    /// (name, vocabulary, dimensions or weights size differ) is an error.
    pub fn load(files: &ModelFiles) -> Result<Option<Self>, SemanticError> {
        let path = Self::path(files);
        let len = match fs::metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            metadata => metadata.map_err(|e| io_err(&path, e))?.len(),
        };
        if len > MAX_FILE_BYTES {
            return Err(invalid(
                &path,
                format!("is {len} bytes, too big for a table"),
            ));
        }
        let bytes = fs::read(&path).map_err(|e| io_err(&path, e))?;
        let table = decode(&bytes).map_err(|message| invalid(&path, message))?;
        let expected = (
            files.name.as_str(),
            files.vocab_size,
            files.hidden_size,
            source_bytes(files)?,
        );
        let found = (
            table.source.as_str(),
            table.weights.len(),
            table.dimensions,
            table.source_bytes,
        );
        if found != expected {
            return Err(invalid(
                &path,
                format!(
                    "was distilled from {found:?} (name, vocabulary, dimensions, weights \
                     bytes), not from this model {expected:?}; delete it to distil again"
                ),
            ));
        }
        let Table {
            source,
            source_bytes,
            weights,
            vectors,
            ..
        } = table;
        let tokenizer = load_tokenizer(files)?;
        Self::from_parts(tokenizer, &source, source_bytes, weights, vectors, &path).map(Some)
    }

    /// Writes the table to `path` atomically: a temporary file in the same folder, synced,
    /// then renamed over `path`, so a reader never sees half a table and a crash leaves
    /// at worst a stray temporary file.
    pub fn save(&self, path: &Path) -> Result<(), SemanticError> {
        let bytes = self.encode();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let temporary = temporary_path(dir, path);
        let written = File::create_new(&temporary)
            .and_then(|mut file| {
                file.write_all(&bytes)?;
                file.sync_all()
            })
            .and_then(|()| fs::rename(&temporary, path));
        if let Err(e) = written {
            // Best effort: the error worth reporting is the write's, not the clean-up's.
            let _ = fs::remove_file(&temporary);
            return Err(io_err(path, e));
        }
        // Best effort: makes the rename itself durable; the table can always be re-made.
        let _ = File::open(dir).and_then(|d| d.sync_all());
        Ok(())
    }

    /// `<model>-static`, e.g. `all-minilm-l6-v2-static`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Length of every vector (the source model's hidden size).
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// One unit vector per text, in order: the weighted mean of its tokens' vectors. Texts
    /// are embedded in parallel, each by one thread in a fixed order, so a text gets the
    /// same vector bit for bit however it is batched. A text with no tokens (empty, or
    /// only characters the tokenizer drops) gets the zero vector.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, SemanticError> {
        texts
            .par_iter()
            .with_min_len(16)
            .map(|text| {
                // Character offsets are not needed, so the encoding that skips them will do.
                let encoding = self
                    .tokenizer
                    .encode_fast(*text, false)
                    .map_err(|e| SemanticError::Tokenizer(e.to_string()))?;
                Ok(weighted_mean(
                    encoding.get_ids(),
                    &self.weights,
                    &self.vectors,
                    self.dimensions,
                ))
            })
            .collect()
    }

    /// Assembles a table after checking its parts fit together; `origin` names where they
    /// came from in messages.
    fn from_parts(
        mut tokenizer: Tokenizer,
        source: &str,
        source_bytes: u64,
        weights: Vec<f32>,
        vectors: Vec<f32>,
        origin: &Path,
    ) -> Result<Self, SemanticError> {
        let dimensions = vectors.len().checked_div(weights.len()).unwrap_or(0);
        // The header stores the sizes as u32 and names at most MAX_NAME bytes.
        let fits = u32::try_from(weights.len()).is_ok()
            && u32::try_from(dimensions).is_ok()
            && source.len() <= MAX_NAME;
        if dimensions == 0 || dimensions * weights.len() != vectors.len() || !fits {
            return Err(invalid(
                origin,
                format!(
                    "{} floats for {} tokens of model {source:?} do not make a table",
                    vectors.len(),
                    weights.len()
                ),
            ));
        }
        // The transformer's length limit does not apply: every token of a long quote counts.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| SemanticError::Tokenizer(e.to_string()))?;
        Ok(Self {
            tokenizer,
            source: source.to_owned(),
            name: format!("{source}-static"),
            dimensions,
            source_bytes,
            weights,
            vectors,
        })
    }

    /// The file's bytes: header, weights, vectors, checksum.
    fn encode(&self) -> Vec<u8> {
        let floats = self.weights.len() + self.vectors.len();
        let mut out = Vec::with_capacity(FIXED_HEADER + self.source.len() + 4 * floats + CHECKSUM);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        // Sizes were checked to fit when the table was made or read.
        out.extend_from_slice(&(self.weights.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.dimensions as u32).to_le_bytes());
        out.extend_from_slice(&self.source_bytes.to_le_bytes());
        out.extend_from_slice(&(self.source.len() as u32).to_le_bytes());
        out.extend_from_slice(self.source.as_bytes());
        for x in self.weights.iter().chain(&self.vectors) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        out
    }
}

/// A decoded file, before it is matched against a model.
struct Table {
    source: String,
    source_bytes: u64,
    dimensions: usize,
    weights: Vec<f32>,
    vectors: Vec<f32>,
}

/// Parses a table file, refusing anything that is not exactly one whole, intact table.
fn decode(bytes: &[u8]) -> Result<Table, String> {
    if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err("is not a distilled table (no VBSTATIC header)".to_owned());
    }
    let body_len = bytes.len().checked_sub(CHECKSUM);
    let Some(body_len) = body_len.filter(|&n| n >= FIXED_HEADER) else {
        return Err(format!(
            "is {} bytes, too short for a table: truncated",
            bytes.len()
        ));
    };
    let (body, checksum) = bytes.split_at(body_len);
    let mut reader = Reader { bytes: &body[8..] };
    let version = reader.u32()?;
    if version != VERSION {
        return Err(format!(
            "is format version {version}, this program reads {VERSION}; delete it to distil again"
        ));
    }
    let vocabulary = reader.u32()? as usize;
    let dimensions = reader.u32()? as usize;
    let source_bytes = reader.u64()?;
    let name_len = reader.u32()? as usize;
    if name_len > MAX_NAME {
        return Err(format!("names a model of {name_len} bytes"));
    }
    let source = std::str::from_utf8(reader.take(name_len)?)
        .map_err(|_| "names its model in invalid UTF-8".to_owned())?
        .to_owned();
    let floats = vocabulary
        .checked_mul(dimensions)
        .and_then(|n| n.checked_add(vocabulary))
        .filter(|_| vocabulary > 0 && dimensions > 0);
    let expected = floats.and_then(|n| n.checked_mul(4));
    if expected != Some(reader.bytes.len()) {
        return Err(format!(
            "is {} bytes but its header describes {vocabulary} tokens of {dimensions} \
             dimensions: truncated or corrupt",
            bytes.len()
        ));
    }
    // Checked after the sizes so a truncated file is reported as truncated.
    if Sha256::digest(body).as_slice() != checksum {
        return Err("fails its checksum: the file is damaged".to_owned());
    }
    let mut values = Vec::with_capacity(reader.bytes.len() / 4);
    for chunk in reader.bytes.chunks_exact(4) {
        let value = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        if !value.is_finite() {
            return Err("holds a value that is not a finite number".to_owned());
        }
        values.push(value);
    }
    let vectors = values.split_off(vocabulary);
    Ok(Table {
        source,
        source_bytes,
        dimensions,
        weights: values,
        vectors,
    })
}

/// Reads little-endian numbers off the front of a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.bytes.len() {
            return Err("ends inside its header: truncated".to_owned());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut word = [0; 4];
        word.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(word))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut word = [0; 8];
        word.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(word))
    }
}

/// The kept token ids, ascending, and the transformer's raw mean-pooled output for each
/// as `[CLS] token [SEP]`, one row of `hidden_size` floats per id.
fn distil_raw(
    encoder: &Encoder,
    files: &ModelFiles,
) -> Result<(Vec<u32>, Vec<f32>), SemanticError> {
    if encoder.name() != files.name || encoder.dimensions() != files.hidden_size {
        return Err(invalid(
            &files.dir,
            format!(
                "the encoder is {} ({} dimensions), not this model ({} dimensions)",
                encoder.name(),
                encoder.dimensions(),
                files.hidden_size
            ),
        ));
    }
    // The ids the encoder wraps every text in, whatever the model calls them.
    let wrap = encoder.token_ids("")?;
    let &[cls, sep] = wrap.as_slice() else {
        return Err(invalid(
            &files.tokenizer,
            format!("wraps a text in {wrap:?}, not in [CLS] and [SEP]"),
        ));
    };
    let tokenizer = load_tokenizer(files)?;
    let ids = kept_tokens(&tokenizer, files.vocab_size, &[cls, sep]);
    let inputs: Vec<[u32; 3]> = ids.iter().map(|&id| [cls, id, sep]).collect();
    let batches: Vec<&[[u32; 3]]> = inputs.chunks(DISTIL_BATCH).collect();
    let pooled: Vec<Vec<Vec<f32>>> = batches
        .par_iter()
        .map(|batch| encoder.pooled(batch.iter().map(|input| input.as_slice())))
        .collect::<Result<_, _>>()?;
    let raw: Vec<f32> = pooled.into_iter().flatten().flatten().collect();
    if raw.len() != ids.len() * files.hidden_size {
        return Err(invalid(
            &files.weights,
            "the transformer's output does not have hidden_size dimensions",
        ));
    }
    Ok((ids, raw))
}

/// The ids worth a vector, ascending: every token of the vocabulary below `vocabulary`
/// except padding, the wrapping and masking tokens, and the `[unusedN]` placeholders,
/// which never occur in text. `[UNK]` is kept: it stands for words the vocabulary lacks.
fn kept_tokens(tokenizer: &Tokenizer, vocabulary: usize, wrap: &[u32]) -> Vec<u32> {
    let skipped = |token: &str| {
        matches!(token, "[PAD]" | "[CLS]" | "[SEP]" | "[MASK]")
            || (token.starts_with("[unused") && token.ends_with(']'))
    };
    let mut ids: Vec<u32> = tokenizer
        .get_vocab(true)
        .into_iter()
        .filter(|(token, id)| (*id as usize) < vocabulary && !wrap.contains(id) && !skipped(token))
        .map(|(_, id)| id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// model2vec's post-processing of the raw rows of `ids`: centred on their mean, weighted by
/// SIF with Zipf-estimated probabilities. Returns one weight per token id below
/// `vocabulary` (0 for tokens not kept) and the matching rows of vectors (0 likewise).
fn finish(ids: &[u32], raw: &[f32], vocabulary: usize, dimensions: usize) -> (Vec<f32>, Vec<f32>) {
    let mut mean = vec![0f64; dimensions];
    for row in raw.chunks_exact(dimensions) {
        for (m, &x) in mean.iter_mut().zip(row) {
            *m += f64::from(x);
        }
    }
    let count = ids.len().max(1) as f64;
    mean.iter_mut().for_each(|m| *m /= count);
    let weights_by_rank = sif_weights(ids.len());
    let mut weights = vec![0f32; vocabulary];
    let mut vectors = vec![0f32; vocabulary * dimensions];
    for ((&id, row), weight) in ids
        .iter()
        .zip(raw.chunks_exact(dimensions))
        .zip(weights_by_rank)
    {
        let id = id as usize;
        weights[id] = weight;
        let out = &mut vectors[id * dimensions..(id + 1) * dimensions];
        for ((o, &x), m) in out.iter_mut().zip(row).zip(&mean) {
            *o = (f64::from(x) - m) as f32;
        }
    }
    (weights, vectors)
}

/// SIF weights `a / (a + p)` for tokens of rank 1..=n, `p` by Zipf's law: proportional to
/// 1 / rank, normalised over the vocabulary.
fn sif_weights(n: usize) -> Vec<f32> {
    let harmonic: f64 = (1..=n).map(|rank| 1.0 / rank as f64).sum();
    (1..=n)
        .map(|rank| {
            let p = 1.0 / (rank as f64 * harmonic);
            (SIF_A / (SIF_A + p)) as f32
        })
        .collect()
}

/// The weighted mean of the rows of `ids`, normalised to length 1. Ids without a row or
/// with weight 0 do not count; with nothing counted the result is the zero vector.
fn weighted_mean(ids: &[u32], weights: &[f32], vectors: &[f32], dimensions: usize) -> Vec<f32> {
    let mut sum = vec![0f32; dimensions];
    let mut total = 0f32;
    for &id in ids {
        let id = id as usize;
        let (Some(&weight), Some(row)) = (
            weights.get(id),
            vectors.get(id * dimensions..(id + 1) * dimensions),
        ) else {
            continue;
        };
        if weight == 0.0 {
            continue;
        }
        for (s, &x) in sum.iter_mut().zip(row) {
            *s += weight * x;
        }
        total += weight;
    }
    if total > 0.0 {
        sum.iter_mut().for_each(|s| *s /= total);
    }
    normalised(sum)
}

/// The tokenizer the table's ids come from: the model's own.
fn load_tokenizer(files: &ModelFiles) -> Result<Tokenizer, SemanticError> {
    Tokenizer::from_file(&files.tokenizer).map_err(|e| invalid(&files.tokenizer, e))
}

/// Size of the model's weights file: changes when the weights are replaced.
fn source_bytes(files: &ModelFiles) -> Result<u64, SemanticError> {
    fs::metadata(&files.weights)
        .map(|m| m.len())
        .map_err(|e| io_err(&files.weights, e))
}

/// A fresh hidden name next to `path`: the process id, the clock and a counter keep two
/// writers, in one process or several, from sharing a temporary file.
fn temporary_path(dir: &Path, path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stem = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(
        ".{stem}-{}-{nanos}-{count}.tmp",
        std::process::id()
    ))
}

fn io_err(path: &Path, source: io::Error) -> SemanticError {
    SemanticError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid(path: &Path, message: impl ToString) -> SemanticError {
    SemanticError::Invalid {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

#[cfg(test)]
#[path = "distilled_tests.rs"]
mod tests;
