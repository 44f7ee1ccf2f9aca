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
