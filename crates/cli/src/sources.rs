//! Which files to read: paths from the command line, or the project's source list.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use globset::{Glob, GlobMatcher};
use verbatim_ingest::Format;

use crate::config::Project;

/// A file to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How quotes and messages name it (forward slashes, relative where possible).
    pub name: String,
    /// Round given by the project for this source.
    pub round: Option<String>,
}

/// Expands command-line paths: files as given, folders recursively (transcript
/// extensions only, hidden entries skipped, sorted by name).
pub fn from_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    for path in paths {
        for found in expand(path)? {
            files.push(SourceFile {
                name: display_name(&found),
                path: found,
                round: None,
            });
        }
    }
    Ok(dedupe(files))
}

/// Expands the project's `sources` (paths, folders or globs relative to its root).
pub fn from_project(project: &Project) -> anyhow::Result<(Vec<SourceFile>, Vec<String>)> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if project.config.sources.is_empty() {
        bail!(
            "{}: [project] lists no sources",
            project.root.join(crate::config::CONFIG_FILE).display()
        );
    }
    for spec in &project.config.sources {
        let pattern = spec.path();
        let found = if is_glob(pattern) {
            glob(&project.root, pattern)?
        } else {
            expand(&project.root.join(pattern))?
        };
        if found.is_empty() {
            warnings.push(format!("source `{pattern}` matches no files"));
        }
        for path in found {
            let relative = path
                .strip_prefix(&project.root)
                .unwrap_or(&path)
                .to_path_buf();
            files.push(SourceFile {
                name: display_name(&relative),
                path,
                round: spec.round().map(str::to_string),
            });
        }
    }
    Ok((dedupe(files), warnings))
}

/// One file read whole, ready to hand to a reader as a [`Source`].
pub struct LoadedFile {
    pub name: String,
    pub extension: Option<String>,
    pub bytes: Vec<u8>,
}

impl LoadedFile {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        Ok(LoadedFile {
            name: path.display().to_string(),
            extension: path.extension().map(|e| e.to_string_lossy().into_owned()),
            bytes,
        })
    }

    pub fn source(&self) -> verbatim_ingest::Source<'_> {
        verbatim_ingest::Source {
            name: &self.name,
            id: "source",
            extension: self.extension.as_deref(),
            bytes: &self.bytes,
        }
    }
}

fn expand(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("{}: cannot open", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    walk(path, &|candidate: &Path| {
        has_transcript_extension(candidate)
    })
}

fn walk(root: &Path, keep: &dyn Fn(&Path) -> bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).display().to_string();
            let reason = error
                .io_error()
                .map_or_else(|| error.to_string(), ToString::to_string);
            anyhow::anyhow!("{path}: cannot read folder ({reason})")
        })?;
        if entry.file_type().is_file() && keep(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn glob(root: &Path, pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    let matcher: GlobMatcher = Glob::new(pattern)
        .with_context(|| format!("invalid source pattern `{pattern}`"))?
        .compile_matcher();
    let literal: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let base = root.join(&literal);
    if !base.exists() {
        return Ok(Vec::new());
    }
    walk(&base, &|candidate: &Path| {
        candidate
            .strip_prefix(root)
            .is_ok_and(|relative| matcher.is_match(relative))
    })
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn has_transcript_extension(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| Format::EXTENSIONS.contains(&e.as_str()))
}

fn display_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/")
}

fn dedupe(files: Vec<SourceFile>) -> Vec<SourceFile> {
    let mut seen = BTreeSet::new();
    files
        .into_iter()
        .filter(|f| seen.insert(f.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_use_forward_slashes_without_dot() {
        assert_eq!(display_name(Path::new("./corpus/a.txt")), "corpus/a.txt");
        assert_eq!(display_name(Path::new("/tmp/x/a.txt")), "/tmp/x/a.txt");
    }

    #[test]
    fn folders_recurse_in_name_order_and_skip_hidden_and_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [
            "b.txt",
            "a.vtt",
            "sub/c.md",
            ".hidden/d.txt",
            "roster.csv",
            "e.DOCX",
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x").expect("write");
        }
        let files = from_paths(&[dir.path().to_path_buf()]).expect("expand");
        let names: Vec<_> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(dir.path())
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a.vtt", "b.txt", "e.DOCX", "sub/c.md"]);
    }
}
