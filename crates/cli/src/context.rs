//! What every command runs in: the project found (if any) and the output preferences.

use std::path::Path;

use verbatim_project::Project;

use crate::progress::Reporter;

#[derive(Debug, Clone)]
pub struct Context {
    pub project: Option<Project>,
    pub quiet: bool,
    /// The sentence model asked for (`--model`, else the project's `model`).
    pub model: Option<String>,
}

impl Context {
    /// Refuses an output path inside the project's state folder (see
    /// [`Project::check_output`]); outside a project every path is the user's to choose.
    pub fn check_output(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(project) = &self.project {
            project.check_output(path)?;
        }
        Ok(())
    }

    pub fn discover(
        explicit: Option<&Path>,
        quiet: bool,
        model: Option<String>,
    ) -> anyhow::Result<Self> {
        let mut project = Project::discover(explicit)?;
        if let (Some(project), Some(model)) = (project.as_mut(), &model) {
            project.config.model = Some(model.clone());
        }
        let model = model.or_else(|| project.as_ref().and_then(|p| p.config.model.clone()));
        Ok(Context {
            project,
            quiet,
            model,
        })
    }

    /// Shows the engine's progress and warnings unless quiet.
    pub fn reporter(&self) -> Reporter {
        Reporter::new(self.quiet)
    }
}
