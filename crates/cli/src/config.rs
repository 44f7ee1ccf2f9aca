//! The project: `verbatim.toml` and where derived state lives.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// The configuration file that makes a folder a project.
pub const CONFIG_FILE: &str = "verbatim.toml";
/// Derived state (quotes, codings, index) inside a project.
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
    /// Round for sources that do not name one.
    pub round: Option<String>,
    /// Interviewer names, beside roster role `interviewer` and front matter.
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Longest quote in words.
    pub max_words: Option<usize>,
    /// Shortest quotation taken from a report, in words.
    pub min_quote_words: Option<usize>,
}

/// A source entry: a path or glob, optionally with its own round.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SourceSpec {
    /// `"corpus/*.txt"`.
    Path(String),
    /// `{ path = "corpus/2020", round = "2020" }`.
    Table {
        /// Path or glob.
        path: String,
        /// Round of every source it matches.
        round: Option<String>,
    },
}

impl SourceSpec {
    pub fn path(&self) -> &str {
        match self {
            SourceSpec::Path(path) | SourceSpec::Table { path, .. } => path,
        }
    }

    pub fn round(&self) -> Option<&str> {
        match self {
            SourceSpec::Path(_) => None,
            SourceSpec::Table { round, .. } => round.as_deref(),
        }
    }
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: ProjectConfig,
}

impl Project {
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read project configuration", path.display()))?;
        let file: ConfigFile = verbatim_model::parse_toml(&text, &path)?;
        Ok(Project {
            root: root.to_path_buf(),
            config: file.project,
        })
    }

    pub fn state_path(&self, name: &str) -> PathBuf {
        self.root.join(STATE_DIR).join(name)
    }

    pub fn resolve(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }
}

/// What every command runs in: the project, if any, and output preferences.
#[derive(Debug, Clone)]
pub struct Context {
    pub project: Option<Project>,
    pub quiet: bool,
}

impl Context {
    pub fn discover(explicit: Option<&Path>, quiet: bool) -> anyhow::Result<Self> {
        let project = match explicit {
            Some(dir) => {
                if !dir.join(CONFIG_FILE).is_file() {
                    bail!("{}: no {CONFIG_FILE} in this folder", dir.display());
                }
                Some(Project::load(dir)?)
            }
            None => {
                let cwd = std::env::current_dir().context("cannot read the current folder")?;
                match cwd.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()) {
                    Some(dir) => Some(Project::load(dir)?),
                    None => None,
                }
            }
        };
        Ok(Context { project, quiet })
    }
}
