//! The project: `verbatim.toml`, found at or above a folder, and where derived state lives.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, IoContext, Result};

/// The configuration file that makes a folder a project.
pub const CONFIG_FILE: &str = "verbatim.toml";
/// Derived state (quotes, codings, table, index) inside a project.
pub const STATE_DIR: &str = ".verbatim";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    project: ProjectConfig,
}

/// The `[project]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// Human name of the project.
    pub name: Option<String>,
    /// Sources: paths, folders or globs relative to the project folder.
    #[serde(default)]
    pub sources: Vec<SourceSpec>,
    /// Roster CSV.
    pub roster: Option<PathBuf>,
    /// Codebook TOML.
    pub codebook: Option<PathBuf>,
    /// The researcher's decisions (manual codes, rejections, memos): project data, to be
    /// tracked; `codings.jsonl` beside `verbatim.toml` unless named here.
    pub codings: Option<PathBuf>,
    /// Round for sources that do not name one.
    pub round: Option<String>,
    /// Interviewer names, beside roster role `interviewer` and front matter.
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Longest quote in words.
    pub max_words: Option<usize>,
    /// Shortest quotation taken from a report, in words.
    pub min_quote_words: Option<usize>,
    /// Keep small talk (greetings, thanks, call logistics) as quotes to code and count;
    /// by default it is set aside.
    #[serde(default)]
    pub keep_smalltalk: bool,
    /// The sentence model to code with: an installed model's name, or `"none"` to code
    /// by words alone; unset, the installed model if there is one.
    pub model: Option<String>,
}

/// A source entry: a path or glob, optionally with facts about the sources it matches.
#[derive(Debug, Clone)]
pub enum SourceSpec {
    /// `"corpus/*.txt"`.
    Path(String),
    /// `{ path = "corpus/2020", round = "2020", interviewee = "Ann Lee" }`.
    Table(SourceTable),
}

/// A source entry written as a table. Unknown keys are errors: a misspelt `interviewe`
/// must not be dropped without a word.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    /// Path or glob.
    pub path: String,
    /// Round of every source it matches.
    pub round: Option<String>,
    /// Who is interviewed (what `A:`/`Respondent:` turns resolve to).
    pub interviewee: Option<String>,
    /// Who interviews (whose turns become context, not quotes).
    pub interviewer: Option<String>,
    /// When the interview took place.
    pub date: Option<String>,
    /// Further attributes of its quotes (`role`, `organisation`, `area`, `sector` fill
    /// those fields; any other key becomes an attribute).
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
}

/// A source entry is a string or a table. Read with a visitor rather than an untagged
/// enum, so that a mistake inside a table (an unknown key) is reported by the TOML reader
/// at that key's own line and column.
impl<'de> Deserialize<'de> for SourceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Entry;

        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = SourceSpec;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a path or glob, or a table such as { path = \"corpus/2020\", round = \"2020\" }")
            }

            fn visit_str<E: serde::de::Error>(
                self,
                path: &str,
            ) -> std::result::Result<SourceSpec, E> {
                Ok(SourceSpec::Path(path.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<SourceSpec, A::Error> {
                SourceTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(SourceSpec::Table)
            }
        }

        deserializer.deserialize_any(Entry)
    }
}

impl SourceSpec {
    /// The path or glob.
    pub fn path(&self) -> &str {
        match self {
            SourceSpec::Path(path) => path,
            SourceSpec::Table(table) => &table.path,
        }
    }

    /// The round it gives its sources, if any.
    pub fn round(&self) -> Option<&str> {
        match self {
            SourceSpec::Path(_) => None,
            SourceSpec::Table(table) => table.round.as_deref(),
        }
    }

    /// The facts it gives its sources, as front-matter keys and values.
    pub fn facts(&self) -> Vec<(String, String)> {
        let SourceSpec::Table(table) = self else {
            return Vec::new();
        };
        let mut facts: Vec<(String, String)> = [
            ("interviewee", &table.interviewee),
            ("interviewer", &table.interviewer),
            ("date", &table.date),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.clone().map(|v| (key.to_string(), v)))
        .collect();
        facts.extend(
            table
                .attributes
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.clone())),
        );
        facts
    }
}

/// A loaded project: its folder and configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `verbatim.toml`.
    pub root: PathBuf,
    /// The `[project]` table.
    pub config: ProjectConfig,
}

impl Project {
    /// Reads the project whose folder is `root`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path)
            .io_context(|| format!("{}: cannot read project configuration", path.display()))?;
        let file: ConfigFile = verbatim_model::parse_toml(&text, &path)?;
        Ok(Project {
            root: root.to_path_buf(),
            config: file.project,
        })
    }

    /// The project in `explicit` (which must hold `verbatim.toml`), else the nearest one at
    /// or above the current folder, if any.
    pub fn discover(explicit: Option<&Path>) -> Result<Option<Self>> {
        match explicit {
            Some(dir) => {
                if !dir.join(CONFIG_FILE).is_file() {
                    return Err(Error::Invalid(format!(
                        "{}: no {CONFIG_FILE} in this folder",
                        dir.display()
                    )));
                }
                Ok(Some(Project::load(dir)?))
            }
            None => {
                let cwd = std::env::current_dir()
                    .io_context(|| "cannot read the current folder".into())?;
                match cwd.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()) {
                    Some(dir) => Ok(Some(Project::load(dir)?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// A file or folder of the derived state.
    pub fn state_path(&self, name: &str) -> PathBuf {
        self.root.join(STATE_DIR).join(name)
    }

    /// Refuses an output file inside the project's state folder (`report --out
    /// .verbatim/codings.jsonl` would replace the manual codings): only Verbatim writes
    /// there. Links and `..` are resolved before comparing.
    pub fn check_output(&self, path: &Path) -> Result<()> {
        let state = self.root.join(STATE_DIR);
        let Ok(state) = state.canonicalize() else {
            return Ok(());
        };
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| Error::Invalid(format!("the current folder: {e}")))?
                .join(path)
        };
        // `..` is taken lexically first (`missing/..` is where the file will be written),
        // then links are resolved on the nearest folder that exists.
        let mut lexical = PathBuf::new();
        for part in absolute.components() {
            match part {
                std::path::Component::ParentDir => {
                    lexical.pop();
                }
                std::path::Component::CurDir => {}
                other => lexical.push(other),
            }
        }
        let mut folder = lexical.parent().map(Path::to_path_buf);
        while let Some(candidate) = folder {
            if let Ok(real) = candidate.canonicalize() {
                if real.starts_with(&state) {
                    return Err(Error::Invalid(format!(
                        "{}: inside the project's state folder {}; write outputs elsewhere",
                        path.display(),
                        state.display()
                    )));
                }
                break;
            }
            folder = candidate.parent().map(Path::to_path_buf);
        }
        Ok(())
    }

    /// A path of the configuration, relative to the project folder.
    pub fn resolve(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }

    /// `path` as the user knows it: relative to the project folder when inside it.
    pub fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_is_its_folder_and_configuration() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[project]\nname = \"Study\"\nsources = [\"a\", { path = \"b\", round = \"2020\" }]\n",
        )
        .expect("write");
        let project = Project::discover(Some(dir.path()))
            .expect("loads")
            .expect("a project");
        assert_eq!(project.config.name.as_deref(), Some("Study"));
        assert_eq!(project.config.sources[1].round(), Some("2020"));
        assert_eq!(
            project.shown(&project.state_path("quotes.jsonl")),
            Path::new(".verbatim/quotes.jsonl")
        );
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let error = Project::discover(Some(elsewhere.path())).expect_err("no project there");
        assert!(
            error
                .to_string()
                .ends_with("no verbatim.toml in this folder"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_key_names_the_file_and_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(CONFIG_FILE), "[project]\nsourcez = []\n").expect("write");
        let error = Project::load(dir.path()).expect_err("unknown key");
        assert!(error.to_string().contains("verbatim.toml:2"), "{error}");
    }
}
