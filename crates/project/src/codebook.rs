//! Finding and loading the codebook an operation codes with.

use std::path::{Path, PathBuf};

use verbatim_coder::{Problem, check_codebook};
use verbatim_model::Codebook;

use crate::config::Project;
use crate::error::{Error, IoContext, Result};

/// The codebook path: `explicit`, else the project's `codebook`.
pub fn codebook_path(project: Option<&Project>, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    match project.and_then(|p| p.config.codebook.as_ref().map(|c| p.resolve(c))) {
        Some(path) => Ok(path),
        None => Err(Error::Invalid(
            "no codebook: pass --codebook FILE or set `codebook` in verbatim.toml".into(),
        )),
    }
}

/// Loads and validates the codebook (see [`codebook_path`]); any problem is an error
/// listing them all, each with its line and column.
pub fn load_codebook(
    project: Option<&Project>,
    explicit: Option<&Path>,
) -> Result<(Codebook, PathBuf)> {
    let path = codebook_path(project, explicit)?;
    let text =
        std::fs::read_to_string(&path).io_context(|| format!("{}: cannot read", path.display()))?;
    let (codebook, problems) = check_codebook(&text, &path);
    match (codebook, problems.is_empty()) {
        (Some(codebook), true) => Ok((codebook, path)),
        _ => Err(Error::Invalid(describe_problems(&path, &problems))),
    }
}

/// One `path:line:column: message` line per problem.
pub fn describe_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{}:{}: {}", path.display(), p.line, p.column, p.message))
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_named_with_its_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("broken.toml");
        std::fs::write(&path, "[codebook]\nid = \"x\"\nname = \"X\"\n[[theme]]\nid = \"t\"\ncategory = \"nowhere\"\nname = \"T\"\n").expect("write");
        let error = load_codebook(None, Some(&path)).expect_err("broken");
        assert!(error.to_string().contains("broken.toml:"), "{error}");
        let missing = load_codebook(None, None).expect_err("no codebook");
        assert!(missing.to_string().starts_with("no codebook"), "{missing}");
    }
}
