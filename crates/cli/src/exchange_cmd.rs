//! `verbatim export` and `verbatim import`: the codebook to and from REFI-QDA `.qdc`, and
//! the whole project to and from `.qdpx`, the exchange formats of NVivo, ATLAS.ti, MAXQDA
//! and QualCoder.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use verbatim_model::write_atomic;
use verbatim_project::exchange::{
    ExportOptions, ImportOptions, Imported, export_project, import_project, read_project_archive,
    source_paths_by_guid,
};
use verbatim_project::load_codebook;
use verbatim_refi::{read_codebook, write_codebook, write_qdpx};

use crate::context::Context;

/// Largest codebook `import` reads: REFI codebooks are kilobytes.
const LARGEST_IMPORT: u64 = 64 * 1024 * 1024;
/// Largest project archive `import` reads (its entries are capped again as they unpack).
const LARGEST_ARCHIVE: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The codebook as a REFI-QDA codebook (`.qdc`).
    Qdc,
    /// The whole project as a REFI-QDA project (`.qdpx`): sources, roster as cases,
    /// codings and memos.
    Qdpx,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim export --format qdc --out codebook.qdc     # the project's codebook for NVivo, MAXQDA...
  verbatim export --format qdc --codebook codebooks/seizing-the-moment-2020.toml
  verbatim export --format qdpx --out study.qdpx      # the project, with its codings, for NVivo...
  verbatim export --format qdpx --automatic --out study.qdpx   # automatic codes too")]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Where to write it (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Codebook TOML (default: the project's; `.qdc` only).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// `.qdpx` only: also the coder's automatic codes, as codings by the user
    /// "Verbatim automatic coder" (import leaves them for the coder to make again).
    #[arg(long)]
    automatic: bool,
    /// Print a JSON summary (with --out).
    #[arg(long)]
    json: bool,
}

pub fn run_export(context: &Context, args: &ExportArgs) -> anyhow::Result<()> {
    if args.format == ExportFormat::Qdpx {
        return export_archive(context, args);
    }
    if args.automatic {
        bail!("--automatic is for --format qdpx: a codebook holds no codings");
    }
    let (codebook, path) = load_codebook(context.project.as_ref(), args.codebook.as_deref())?;
    let qdc = write_codebook(&codebook).with_context(|| format!("{}", path.display()))?;
    match &args.out {
        Some(out) => {
            context.check_output(out)?;
            write_atomic(out, |w| w.write_all(qdc.as_bytes()))?;
            if args.json {
                let summary = serde_json::json!({
                    "written": out.display().to_string(), "format": "qdc",
                    "categories": codebook.categories.len(), "themes": codebook.themes.len(),
                });
                println!("{summary}");
            } else if !context.quiet {
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

fn export_archive(context: &Context, args: &ExportArgs) -> anyhow::Result<()> {
    let Some(project) = &context.project else {
        bail!(
            "`export --format qdpx` exports a project: run it in a folder with verbatim.toml, \
             or give --project"
        );
    };
    if args.codebook.is_some() {
        bail!("--codebook is for --format qdc; a project exports with its own codebook");
    }
    let out = match &args.out {
        Some(out) => Some(out),
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            bail!("a .qdpx is a ZIP archive: name a file with --out, or redirect the output")
        }
        None => None,
    };
    let options = ExportOptions {
        automatic: args.automatic,
    };
    let exchange = export_project(project, &options, &context.reporter())?;
    let bytes = write_qdpx(&exchange)?;
    let counts = exchange.counts();
    let Some(out) = out else {
        std::io::stdout().lock().write_all(&bytes)?;
        return Ok(());
    };
    context.check_output(out)?;
    write_atomic(out, |w| w.write_all(&bytes))?;
    if args.json {
        let summary = serde_json::json!({
            "written": out.display().to_string(), "format": "qdpx",
            "sources": counts.sources, "codes": counts.codes, "cases": counts.cases,
            "selections": counts.selections, "codings": counts.codings,
            "notes": counts.notes, "users": counts.users,
        });
        println!("{summary}");
    } else if !context.quiet {
        eprintln!(
            "wrote {} ({} sources, {} codes, {} cases, {} selections with {} codings, {} notes)",
            out.display(),
            counts.sources,
            counts.codes,
            counts.cases,
            counts.selections,
            counts.codings,
            counts.notes
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim import other-tool.qdc                      # writes other-tool.toml here
  verbatim import other-tool.qdc --out codebooks/new.toml --json
  verbatim import study.qdpx --out study          # a project folder: sources, roster, codebook, codings")]
pub struct ImportArgs {
    /// A REFI-QDA codebook (`.qdc`) or project (`.qdpx`).
    file: PathBuf,
    /// Where to write: the codebook TOML for a `.qdc` (default: the file's name with
    /// `.toml`, here), the project folder for a `.qdpx` (default: the file's name, here).
    #[arg(long, value_name = "PATH")]
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
        Some(e) if e == "qdpx" => return import_archive(context, args),
        _ => bail!("{shown}: not a REFI codebook (.qdc) or project (.qdpx)"),
    }
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("{shown}: cannot read"))?
        .len();
    if size > LARGEST_IMPORT {
        bail!("{shown}: {size} bytes, more than a codebook holds ({LARGEST_IMPORT} at most)");
    }
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("{shown}: cannot read as UTF-8 text"))?;
    let codebook = read_codebook(&text, &shown, project_codebook(context).as_ref())?;
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

fn import_archive(context: &Context, args: &ImportArgs) -> anyhow::Result<()> {
    let shown = args.file.display().to_string();
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("{shown}: cannot read"))?
        .len();
    if size > LARGEST_ARCHIVE {
        bail!("{shown}: {size} bytes, more than Verbatim imports ({LARGEST_ARCHIVE} at most)");
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("{shown}: cannot read"))?;
    let exchange = read_project_archive(&bytes, &shown, project_codebook(context).as_ref())?;
    let folder = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(args.file.file_stem().unwrap_or_else(|| "imported".as_ref()))
    });
    let options = ImportOptions {
        force: args.force,
        source_paths: match &context.project {
            Some(project) => source_paths_by_guid(project).unwrap_or_default(),
            None => Default::default(),
        },
    };
    let imported = import_project(&exchange, &folder, &shown, &options)?;
    if args.json {
        println!("{}", serde_json::to_string(&imported)?);
    } else if !context.quiet {
        tell_imported(&imported, &shown);
    }
    Ok(())
}

fn tell_imported(imported: &Imported, shown: &str) {
    for skipped in &imported.skipped {
        eprintln!("warning: {shown}: {skipped}");
    }
    eprintln!(
        "imported {shown} into {}/: {} sources, {} cases, {} themes, {} selections with {} \
         codings, {} notes; {} decisions in codings.jsonl",
        imported.folder.display(),
        imported.sources,
        imported.cases,
        imported.themes,
        imported.selections,
        imported.codings,
        imported.notes,
        imported.decisions
    );
    if imported.automatic > 0 {
        eprintln!(
            "{} automatic codings left for the coder to make again (`verbatim run` there)",
            imported.automatic
        );
    }
}

/// The codebook of the project the command runs in: codes it exports keep their ids and
/// rules on import.
fn project_codebook(context: &Context) -> Option<verbatim_model::Codebook> {
    let project = context.project.as_ref()?;
    load_codebook(Some(project), None)
        .ok()
        .map(|(codebook, _)| codebook)
}

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or("imported".into(), |s| s.to_os_string());
    PathBuf::from(stem).with_extension("toml")
}
