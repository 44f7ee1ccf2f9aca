//! The text of a project's sources by name, as quotes count characters in it: the
//! source list and the reader (with its roster) made once, for callers that ask for
//! one source after another (the web app's quote pages, a coding session).

use std::collections::HashMap;

use crate::config::Project;
use crate::error::{Error, Result};
use crate::observer::Silent;
use crate::read::{ReadOptions, SourceReader};
use crate::sources::{SourceFile, list_sources};

/// A project's sources, ready to be read by name.
pub struct SourceTexts {
    files: Vec<SourceFile>,
    by_name: HashMap<String, usize>,
    reader: SourceReader,
}

impl SourceTexts {
    /// Lists `project`'s sources and reads its roster once.
    pub fn open(project: &Project) -> Result<Self> {
        let files = list_sources(Some(project), &[], &Silent)?;
        let by_name = (files.iter().enumerate())
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        Ok(SourceTexts {
            files,
            by_name,
            reader: SourceReader::new(Some(project), &ReadOptions::default())?,
        })
    }

    /// The source called `name`, if the project lists it.
    pub fn file(&self, name: &str) -> Option<&SourceFile> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    /// Every listed source, in project order.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The text of the source called `name`, read now (so an edit since is seen).
    pub fn text(&self, name: &str) -> Result<String> {
        match self.file(name) {
            Some(file) => self.reader.text(file),
            None => Err(Error::Invalid(format!("no source {name} in the project"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_read_by_name_and_unknown_names_are_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("verbatim.toml"),
            "[project]\nsources = [\"*.txt\"]\n",
        )
        .expect("config");
        std::fs::write(dir.path().join("ann.txt"), "Ann: tired.\n").expect("source");
        let project = Project::load(dir.path()).expect("project");
        let texts = SourceTexts::open(&project).expect("open");
        assert_eq!(texts.files().len(), 1);
        assert_eq!(texts.text("ann.txt").expect("text"), "Ann: tired.\n");
        std::fs::write(dir.path().join("ann.txt"), "Ann: so tired.\n").expect("edit");
        assert_eq!(
            texts.text("ann.txt").expect("text"),
            "Ann: so tired.\n",
            "read now"
        );
        let error = texts.text("bob.txt").expect_err("unknown");
        assert!(error.to_string().contains("no source bob.txt"), "{error}");
    }
}
