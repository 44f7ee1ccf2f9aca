//! `verbatim`: code qualitative interviews from the command line.
//!
//! A thin layer over the library crates: argument parsing, conversion of flags to the
//! engine's options (`verbatim-project`), progress display, output formats and exit codes
//! (0 success, 1 a problem with the user's input, 2 an internal error).

mod agree_cmd;
mod code_cmd;
mod codebook_cmd;
mod coding_cmd;
mod context;
mod eval_cmd;
mod exchange_cmd;
mod explain_cmd;
mod failure;
mod generate_cmd;
mod ingest_cmd;
mod model_cmd;
mod output;
mod progress;
mod report_cmd;
mod review_cmd;
mod roster_cmd;
mod search_cmd;
mod serve_cmd;
mod text_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Verbatim: ingest, code and report on qualitative interviews.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, about, propagate_version = true)]
struct Cli {
    /// Project folder (holding verbatim.toml); default: the nearest one at or above the
    /// current folder.
    #[arg(long, global = true, value_name = "DIR")]
    project: Option<PathBuf>,
    /// No progress bars, summaries or warnings; errors only.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Sentence model to code with: an installed model's name, or `none` for words alone
    /// (default: the project's `model`, else the installed model if there is one).
    #[arg(long, global = true, value_name = "NAME", env = "VERBATIM_MODEL")]
    model: Option<String>,
    /// Treat warnings (a source without quotes, an unknown speaker, a guessed interviewer)
    /// as errors: exit 1 after the run if there were any.
    #[arg(long, global = true)]
    strict: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read transcripts into quotes (writes .verbatim/quotes.jsonl for a project).
    Ingest(ingest_cmd::IngestArgs),
    /// Code every quote against a codebook (writes .verbatim/codings.jsonl for a project).
    Code(code_cmd::CodeArgs),
    /// Theme frequency, matrices by attribute, co-occurrence and top quotes.
    Report(report_cmd::ReportArgs),
    /// Ingest, code and report the project: writes report.html and prints a summary.
    Run(report_cmd::RunArgs),
    /// Search quotes by words, themes and attributes.
    Search(search_cmd::SearchArgs),
    /// Show why each theme was or was not applied to one quote.
    Explain(explain_cmd::ExplainArgs),
    /// How far coders agree (percent, Cohen's kappa, Krippendorff's alpha, against a gold).
    Agree(agree_cmd::AgreeArgs),
    /// Check or show a codebook.
    Codebook(codebook_cmd::CodebookArgs),
    /// Code by hand: add, remove, reject or accept codes; list and import decisions.
    Coding(coding_cmd::CodingArgs),
    /// Memos on quotes, spans, themes and sources.
    Memo(coding_cmd::MemoArgs),
    /// Accept or reject a theme's or a source's automatic codes, one key each.
    Review(review_cmd::ReviewArgs),
    /// A local web app for reading and coding the project, with a JSON API.
    Serve(serve_cmd::ServeArgs),
    /// Write the codebook for other QDA tools (REFI-QDA .qdc).
    Export(exchange_cmd::ExportArgs),
    /// Read a codebook from other QDA tools (REFI-QDA .qdc) into codebook TOML.
    Import(exchange_cmd::ImportArgs),
    /// Write a deterministic synthetic interview round (for benchmarks).
    #[command(hide = true)]
    Generate(generate_cmd::GenerateArgs),
    /// Print the text a source's quote offsets point into.
    Text(text_cmd::TextArgs),
    /// Work with rosters (the people of a study and their attributes).
    Roster(roster_cmd::RosterArgs),
    /// Install and list sentence models (for coding by meaning).
    Model(model_cmd::ModelArgs),
    /// Score the coder on the gold sets of benches/quality/gold (and refit its weights).
    #[command(hide = true)]
    Eval(eval_cmd::EvalArgs),
}

fn main() -> ExitCode {
    // Usage errors exit 1 like every other user error (clap's own default is 2, which the
    // README keeps for internal errors); help and version print and exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 1 } else { 0 };
            // Printing can only fail on a closed stream; the exit code still tells.
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let strict = cli.strict;
    let quiet = cli.quiet;
    let json = std::env::args_os().any(|arg| arg == "--json");
    if json {
        progress::warnings_as_json();
    }
    let outcome = std::panic::catch_unwind(|| run(cli));
    if matches!(outcome, Ok(Ok(()))) && !quiet && !json && progress::warnings_given() > 0 {
        eprintln!(
            "{} above",
            verbatim_model::counted(progress::warnings_given(), "warning")
        );
    }
    match outcome {
        Ok(Ok(())) if strict && progress::warnings_given() > 0 => {
            eprintln!(
                "error: {} and --strict",
                verbatim_model::counted(progress::warnings_given(), "warning")
            );
            ExitCode::from(1)
        }
        Ok(Ok(())) => ExitCode::SUCCESS,
        // A reader that stopped reading (`verbatim search x | head`) is not an error.
        Ok(Err(error)) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("error: {}", message(&error));
            failure::exit_code(&error)
        }
        Err(_) => {
            eprintln!("error: internal error (a bug in verbatim); please report it with the input");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let context = context::Context::discover(cli.project.as_deref(), cli.quiet, cli.model)?;
    match cli.command {
        Command::Ingest(args) => ingest_cmd::run(&context, &args),
        Command::Code(args) => code_cmd::run(&context, &args),
        Command::Explain(args) => explain_cmd::run(&context, &args),
        Command::Search(args) => search_cmd::run(&context, &args),
        Command::Report(args) => report_cmd::run(&context, &args),
        Command::Run(args) => report_cmd::run_project(&context, &args),
        Command::Codebook(args) => codebook_cmd::run(&context, &args),
        Command::Agree(args) => agree_cmd::run(&context, &args),
        Command::Coding(args) => coding_cmd::run(&context, &args),
        Command::Memo(args) => coding_cmd::run_memo(&context, &args),
        Command::Review(args) => review_cmd::run(&context, &args),
        Command::Serve(args) => serve_cmd::run(&context, &args),
        Command::Export(args) => exchange_cmd::run_export(&context, &args),
        Command::Import(args) => exchange_cmd::run_import(&context, &args),
        Command::Text(args) => text_cmd::run(&context, &args),
        Command::Generate(args) => generate_cmd::run(&context, &args),
        Command::Roster(args) => roster_cmd::run(&context, &args),
        Command::Model(args) => model_cmd::run(&context, &args),
        Command::Eval(args) => eval_cmd::run(&context, &args),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, each cause once: a cause that an earlier message
/// already quotes (`missing.csv: No such file` then `No such file`) is not repeated.
fn message(error: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
