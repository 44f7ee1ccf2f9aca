//! Which files to read: paths named by the user, or the project's source list.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobMatcher};
use verbatim_ingest::Format;

use crate::config::{CONFIG_FILE, Project};
use crate::error::{Error, IoContext, Result};
use crate::observer::Observer;

/// A file to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How quotes and messages name it (forward slashes, relative where possible).
    pub name: String,
    /// Round given by the project for this source.
    pub round: Option<String>,
    /// Facts the project gives this source (interviewee, interviewer, date, attributes).
    pub facts: Vec<(String, String)>,
}

/// The files an operation reads: `paths` when any are given, else the project's sources.
/// What was skipped or deserves a look (entries that match nothing, links to nothing,
/// files outside the project) is told to `observer` as warnings.
pub fn list_sources(
    project: Option<&Project>,
    paths: &[PathBuf],
    observer: &dyn Observer,
) -> Result<Vec<SourceFile>> {
    let (files, warnings) = if !paths.is_empty() {
        from_paths(paths)?
    } else if let Some(project) = project {
        from_project(project)?
    } else {
        return Err(Error::Invalid(format!(
            "no paths given and no {CONFIG_FILE} here or above; name files or folders to ingest"
        )));
    };
    for warning in warnings {
        observer.warning(&warning);
    }
    Ok(files)
}

/// Files found, and warnings about what was skipped or deserves a look.
type Found = (Vec<SourceFile>, Vec<String>);

/// Expands paths given by the user: files as given, folders recursively (transcript
/// extensions only, hidden entries skipped, sorted by name).
pub fn from_paths(paths: &[PathBuf]) -> Result<Found> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        for found in expand(path, &mut warnings)? {
            files.push(SourceFile {
                name: display_name(&found),
                path: found,
                round: None,
                facts: Vec::new(),
            });
        }
    }
    Ok((dedupe(files), warnings))
}

/// Expands the project's `sources` (paths, folders or globs relative to its root). A file
/// that lies outside the project folder (by `..` or through a link) is read, but said.
pub fn from_project(project: &Project) -> Result<Found> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if project.config.sources.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: [project] lists no sources",
            project.root.join(CONFIG_FILE).display()
        )));
    }
    let root = project.root.canonicalize().ok();
    for spec in &project.config.sources {
        let pattern = spec.path();
        let found = if is_glob(pattern) {
            glob(&project.root, pattern, &mut warnings)?
        } else {
            expand(&project.root.join(pattern), &mut warnings)?
        };
        if found.is_empty() {
            warnings.push(format!("source `{pattern}` matches no files"));
        }
        for path in found {
            let relative = path
                .strip_prefix(&project.root)
                .unwrap_or(&path)
                .to_path_buf();
            let name = display_name(&relative);
            if let Some(outside) = outside(root.as_deref(), &path) {
                warnings.push(format!(
                    "{name}: outside the project folder (it is {}); read all the same",
                    outside.display()
                ));
            }
            files.push(SourceFile {
                name,
                path,
                round: spec.round().map(str::to_string),
                facts: spec.facts(),
            });
        }
    }
    Ok((dedupe(files), warnings))
}

/// Where `path` really is, when that is not inside `root`.
fn outside(root: Option<&Path>, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    (!real.starts_with(root?)).then_some(real)
}

/// One file read whole, ready to hand to a reader as a [`verbatim_ingest::Source`].
pub struct LoadedFile {
    /// How messages name it.
    pub name: String,
    /// Its extension, for format detection.
    pub extension: Option<String>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl LoadedFile {
    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = read_source(path, &path.display().to_string())?;
        Ok(LoadedFile {
            name: path.display().to_string(),
            extension: path.extension().map(|e| e.to_string_lossy().into_owned()),
            bytes,
        })
    }

    /// The file as a reader takes it.
    pub fn source(&self) -> verbatim_ingest::Source<'_> {
        verbatim_ingest::Source {
            name: &self.name,
            id: "source",
            extension: self.extension.as_deref(),
            bytes: &self.bytes,
        }
    }
}

fn expand(path: &Path, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>> {
    let metadata =
        std::fs::metadata(path).io_context(|| format!("{}: cannot open", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    walk(
        path,
        &|candidate: &Path| has_transcript_extension(candidate),
        warnings,
    )
}

/// The files under `root` that `keep` takes, following links. A link to nothing or a
/// link that loops back is skipped with a warning: one stale shortcut in a folder of
/// transcripts must not stop the run. A folder that cannot be read is an error.
fn walk(
    root: &Path,
    keep: &dyn Fn(&Path) -> bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root);
                let shown = path.display();
                if error.loop_ancestor().is_some() {
                    warnings.push(format!("{shown}: a link that loops back; skipped"));
                    continue;
                }
                let dangling = std::fs::symlink_metadata(path)
                    .is_ok_and(|m| m.file_type().is_symlink())
                    && std::fs::metadata(path).is_err();
                if dangling {
                    warnings.push(format!("{shown}: a link to nothing; skipped"));
                    continue;
                }
                let reason = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                return Err(Error::Invalid(format!(
                    "{shown}: cannot read folder ({reason})"
                )));
            }
        };
        if entry.file_type().is_file() && keep(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn glob(root: &Path, pattern: &str, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>> {
    let matcher: GlobMatcher = Glob::new(pattern)
        .map_err(|error| Error::Damaged {
            what: format!("invalid source pattern `{pattern}`"),
            source: Box::new(error),
        })?
        .compile_matcher();
    let literal: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let base = root.join(&literal);
    if !base.exists() {
        return Ok(Vec::new());
    }
    walk(
        &base,
        &|candidate: &Path| {
            candidate
                .strip_prefix(root)
                .is_ok_and(|relative| matcher.is_match(relative))
        },
        warnings,
    )
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

/// Largest source file read: far above any transcript or report (a long interview is a few
/// hundred kilobytes), far below what would exhaust memory.
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a source file whole, named `shown` in messages. Only regular files are read (a
/// FIFO would block forever, `/dev/zero` never end), and none larger than
/// [`MAX_SOURCE_BYTES`], checked as it is read in case it grows.
pub fn read_source(path: &Path, shown: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).io_context(|| format!("{shown}: cannot read"))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "a special file (FIFO, device or socket)"
        };
        return Err(Error::Invalid(format!(
            "{shown}: is {what}, not a regular file; not read"
        )));
    }
    let too_large = || {
        Error::Invalid(format!(
            "{shown}: larger than {} MB; a source file may not be that large",
            MAX_SOURCE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).io_context(|| format!("{shown}: cannot read"))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .io_context(|| format!("{shown}: cannot read"))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
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
        let (files, warnings) = from_paths(&[dir.path().to_path_buf()]).expect("expand");
        assert!(warnings.is_empty(), "{warnings:?}");
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

    #[cfg(unix)]
    #[test]
    fn links_to_nothing_or_back_are_skipped_with_a_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("interviews");
        std::fs::create_dir(&folder).expect("mkdir");
        std::fs::write(folder.join("a.txt"), "Jo: hi").expect("write");
        std::os::unix::fs::symlink(folder.join("gone.txt"), folder.join("b.txt")).expect("link");
        std::os::unix::fs::symlink(&folder, folder.join("loop")).expect("link");
        let (files, warnings) = from_paths(std::slice::from_ref(&folder)).expect("expand");
        let names: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(names, [folder.join("a.txt")]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.ends_with("b.txt: a link to nothing; skipped"))
        );
        assert!(warnings.iter().any(|w| w.contains("loops back")));
    }

    #[cfg(unix)]
    #[test]
    fn project_sources_outside_the_folder_are_read_and_said() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project_dir = dir.path().join("project");
        std::fs::create_dir_all(project_dir.join("interviews")).expect("mkdir");
        std::fs::write(dir.path().join("elsewhere.txt"), "Jo: hi").expect("write");
        std::fs::write(project_dir.join("interviews/a.txt"), "Jo: hi").expect("write");
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere.txt"),
            project_dir.join("interviews/linked.txt"),
        )
        .expect("link");
        std::fs::write(
            project_dir.join(CONFIG_FILE),
            "[project]\nsources = [\"interviews\", \"../elsewhere.txt\"]\n",
        )
        .expect("config");
        let project = Project::load(&project_dir).expect("project");
        let (files, warnings) = from_project(&project).expect("expand");
        let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "interviews/a.txt",
                "interviews/linked.txt",
                "../elsewhere.txt"
            ]
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("interviews/linked.txt: outside the project folder"));
        assert!(warnings[1].starts_with("../elsewhere.txt: outside the project folder"));
    }
}
