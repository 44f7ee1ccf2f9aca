//! `verbatim codebook check|show`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use verbatim_coder::check_codebook;
use verbatim_project::{codebook_path, describe_problems, load_codebook};

use crate::context::Context;

#[derive(Debug, Args)]
pub struct CodebookArgs {
    #[command(subcommand)]
    command: CodebookCommand,
}

#[derive(Debug, Subcommand)]
enum CodebookCommand {
    /// Report every problem in a codebook, with line and column.
    Check(FileArgs),
    /// Print a codebook as a tree of categories and themes.
    Show(FileArgs),
}

#[derive(Debug, Args)]
struct FileArgs {
    /// The codebook (default: the project's).
    file: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &CodebookArgs) -> anyhow::Result<()> {
    match &args.command {
        CodebookCommand::Check(file) => check(context, file),
        CodebookCommand::Show(file) => show(context, file),
    }
}

fn check(context: &Context, args: &FileArgs) -> anyhow::Result<()> {
    let path = codebook_path(context.project.as_ref(), args.file.as_deref())?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let (codebook, problems) = check_codebook(&text, &path);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let problems: Vec<serde_json::Value> = problems
            .iter()
            .map(|p| serde_json::json!({"line": p.line, "column": p.column, "message": p.message}))
            .collect();
        let value = serde_json::json!({
            "codebook": path.display().to_string(),
            "ok": problems.is_empty(),
            "themes": codebook.as_ref().map(|c| c.themes.len()),
            "problems": problems,
        });
        writeln!(stdout, "{value}")?;
    } else if problems.is_empty()
        && let Some(codebook) = &codebook
        && !context.quiet
    {
        let rules: usize = codebook.themes.iter().map(|t| t.rules.len()).sum();
        writeln!(
            stdout,
            "{}: ok ({} categories, {} themes, {rules} rules)",
            path.display(),
            codebook.categories.len(),
            codebook.themes.len()
        )?;
    }
    if problems.is_empty() {
        Ok(())
    } else if args.json {
        bail!("{}: {} problem(s)", path.display(), problems.len())
    } else {
        bail!(
            "{} problem(s):\n{}",
            problems.len(),
            describe_problems(&path, &problems)
        )
    }
}

fn show(context: &Context, args: &FileArgs) -> anyhow::Result<()> {
    let (codebook, _) = load_codebook(context.project.as_ref(), args.file.as_deref())?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string(&codebook)?)?;
        return Ok(());
    }
    writeln!(
        stdout,
        "{}  {}",
        codebook.codebook.id, codebook.codebook.name
    )?;
    let categories = &codebook.categories;
    for (i, category) in categories.iter().enumerate() {
        let last_category = i + 1 == categories.len();
        let themes: Vec<_> = codebook
            .themes
            .iter()
            .filter(|t| t.category == category.id)
            .collect();
        let (branch, indent) = if last_category {
            ("└─", "   ")
        } else {
            ("├─", "│  ")
        };
        writeln!(
            stdout,
            "{branch} {}  {} ({} themes)",
            category.id,
            category.name,
            themes.len()
        )?;
        for (j, theme) in themes.iter().enumerate() {
            let twig = if j + 1 == themes.len() {
                "└─"
            } else {
                "├─"
            };
            let rules = theme.rules.len();
            writeln!(
                stdout,
                "{indent}{twig} {}  {} ({rules} rule{})",
                theme.id,
                theme.name,
                if rules == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}
