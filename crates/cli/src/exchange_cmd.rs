//! `verbatim export` and `verbatim import`: the codebook to and from REFI-QDA `.qdc`, the
//! exchange format of NVivo, ATLAS.ti, MAXQDA and QualCoder.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use verbatim_model::write_atomic;
use verbatim_project::load_codebook;
use verbatim_refi::{read_codebook, write_codebook};

use crate::context::Context;

/// Largest file `import` reads: REFI codebooks are kilobytes.
const LARGEST_IMPORT: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The codebook as a REFI-QDA codebook (`.qdc`).
    Qdc,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim export --format qdc --out codebook.qdc     # the project's codebook for NVivo, MAXQDA...
  verbatim export --format qdc --codebook codebooks/seizing-the-moment-2020.toml")]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Where to write it (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
}

pub fn run_export(context: &Context, args: &ExportArgs) -> anyhow::Result<()> {
    let (codebook, path) = load_codebook(context.project.as_ref(), args.codebook.as_deref())?;
    let qdc = match args.format {
        ExportFormat::Qdc => {
            write_codebook(&codebook).with_context(|| format!("{}", path.display()))?
        }
    };
    match &args.out {
        Some(out) => {
            context.check_output(out)?;
            write_atomic(out, |w| w.write_all(qdc.as_bytes()))?;
            if !context.quiet {
                eprintln!(
                    "wrote {} ({} categories, {} themes)",
                    out.display(),
                    codebook.categories.len(),
                    codebook.themes.len()
                );
            }
        }
        None => std::io::stdout().lock().write_all(qdc.as_bytes())?,
    }
    Ok(())
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim import other-tool.qdc                      # writes other-tool.toml here
  verbatim import other-tool.qdc --out codebooks/new.toml --json")]
pub struct ImportArgs {
    /// A REFI-QDA codebook (`.qdc`).
    file: PathBuf,
    /// Where to write the codebook TOML (default: the file's name with `.toml`, here).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// Print a JSON summary.
    #[arg(long)]
    json: bool,
}

pub fn run_import(context: &Context, args: &ImportArgs) -> anyhow::Result<()> {
    let shown = args.file.display().to_string();
    match args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(e) if e == "qdc" => {}
        Some(e) if e == "qdpx" => {
            bail!("{shown}: a whole REFI project (.qdpx); `import` reads codebooks (.qdc) so far")
        }
        _ => bail!("{shown}: not a REFI codebook (.qdc)"),
    }
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("{shown}: cannot read"))?
        .len();
    if size > LARGEST_IMPORT {
        bail!("{shown}: {size} bytes, more than a codebook holds ({LARGEST_IMPORT} at most)");
    }
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("{shown}: cannot read as UTF-8 text"))?;
    // Codes this project's codebook exports keep their ids and rules.
    let known = context
        .project
        .as_ref()
        .and_then(|p| load_codebook(Some(p), None).ok())
        .map(|(codebook, _)| codebook);
    let codebook = read_codebook(&text, &shown, known.as_ref())?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.file));
    if out.exists() && !args.force {
        bail!(
            "{}: exists; give --force to replace it, or --out another file",
            out.display()
        );
    }
    context.check_output(&out)?;
    let toml = codebook.to_toml_string()?;
    let header = format!(
        "# Imported by `verbatim import` from {shown}. Themes new to this project have one\n\
         # rule, their name as a phrase: edit the rules before coding with them.\n\n"
    );
    write_atomic(&out, |w| {
        w.write_all(header.as_bytes())?;
        w.write_all(toml.as_bytes())
    })?;
    if args.json {
        let summary = serde_json::json!({
            "file": shown, "written": out.display().to_string(),
            "codebook": codebook.codebook.id,
            "categories": codebook.categories.len(), "themes": codebook.themes.len(),
        });
        println!("{summary}");
    } else if !context.quiet {
        eprintln!(
            "wrote {} ({} categories, {} themes) from {shown}",
            out.display(),
            codebook.categories.len(),
            codebook.themes.len()
        );
    }
    Ok(())
}

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or("imported".into(), |s| s.to_os_string());
    PathBuf::from(stem).with_extension("toml")
}
