//! What every command runs in: the project found (if any) and the output preferences.

use std::path::Path;

use verbatim_project::Project;

use crate::progress::Reporter;

#[derive(Debug, Clone)]
pub struct Context {
    pub project: Option<Project>,
    pub quiet: bool,
}

impl Context {
    pub fn discover(explicit: Option<&Path>, quiet: bool) -> anyhow::Result<Self> {
        Ok(Context {
            project: Project::discover(explicit)?,
            quiet,
        })
    }

    /// Shows the engine's progress and warnings unless quiet.
    pub fn reporter(&self) -> Reporter {
        Reporter::new(self.quiet)
    }
}
