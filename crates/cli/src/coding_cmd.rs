//! `verbatim coding add|remove|reject|accept|list|import` and `verbatim memo
//! add|list|remove`: the researcher's decisions, kept in the project's codings file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use verbatim_model::{Decision, ManualCoding, Target};
use verbatim_project::Project;
use verbatim_project::manual::verbs::{Outcome, Session, Signature, Subject};

use crate::context::Context;
use crate::output::table;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim coding add leeds-ceo:4 challenge.fatigue --memo \"tired of the second wave\"
  verbatim coding add interviews/leeds-ceo.txt:1200-1388 challenge.fatigue
  verbatim coding reject leeds-ceo:7 challenge.financial-pressures
  verbatim coding accept leeds-ceo:9 action.nurture-relationships
  verbatim coding remove leeds-ceo:4 challenge.fatigue
  verbatim coding list --theme challenge.fatigue
  verbatim coding list --orphaned --json
  verbatim coding import colleague.csv --coder sam
  verbatim coding none leeds-ceo:11 --coder sam      # reviewed: no theme applies

Decisions live in codings.jsonl beside verbatim.toml (or the file `codings` names in
[project]): keep it with the sources. Each is anchored to its text, so it follows that text
when a transcript is edited; text that is gone leaves the decision orphaned, never moved.")]
pub struct CodingArgs {
    #[command(subcommand)]
    command: CodingCommand,
}

#[derive(Debug, Subcommand)]
enum CodingCommand {
    /// Code a quote (`doc:N`) or any span of a source (`source:start-end`, in chars) to a
    /// theme by hand. A manual code always counts and ranks first.
    Add(DecideArgs),
    /// Take out your manual codes and rejections of a theme on a quote or span.
    Remove(TargetArgs),
    /// Reject an automatic or suggested code: it stays dropped on every later run.
    Reject(DecideArgs),
    /// Make an automatic or suggested code a manual one.
    Accept(DecideArgs),
    /// Mark a quote reviewed with no theme applying (for agreement on a sample: `agree`
    /// then compares a coder who marks any quote so on the quotes they decided on only).
    None(NoneArgs),
    /// List decisions: codes, rejections and memos, with the quotes they fall on now.
    List(ListArgs),
    /// Add the decisions of a file: JSON Lines as codings.jsonl, or CSV with `theme` and
    /// `quote` (or `source`, `start`, `end`) columns and optional `kind`, `coder`, `memo`.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
struct DecideArgs {
    /// A quote id (`leeds-ceo:4`) or a span (`interviews/leeds-ceo.txt:1200-1388`).
    target: String,
    /// The theme's id.
    theme: String,
    /// Why (kept with the decision).
    #[arg(long)]
    memo: Option<String>,
    /// Who decides (default: $VERBATIM_CODER, else your login name).
    #[arg(long)]
    coder: Option<String>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct NoneArgs {
    /// The quote's id.
    quote: String,
    /// Who reviewed it.
    #[arg(long)]
    coder: Option<String>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct TargetArgs {
    /// A quote id or a span `source:start-end`.
    target: String,
    /// The theme's id.
    theme: String,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only decisions on this theme (repeatable).
    #[arg(long)]
    theme: Vec<String>,
    /// Only this coder's decisions.
    #[arg(long)]
    coder: Option<String>,
    /// Only decisions whose text is no longer in their source.
    #[arg(long)]
    orphaned: bool,
    /// Only codes, rejections or memos.
    #[arg(long, value_parser = ["code", "reject", "memo"])]
    kind: Option<String>,
    /// JSON output (one object per line).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The file (.csv or .jsonl).
    file: PathBuf,
    /// The coder of rows that name none.
    #[arg(long)]
    coder: Option<String>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &CodingArgs) -> anyhow::Result<()> {
    let project = need_project(context)?;
    let reporter = context.reporter();
    let session = Session::open(project, &reporter)?;
    let signature = |a: &DecideArgs| Signature {
        coder: a.coder.clone(),
        memo: a.memo.clone(),
    };
    let (outcome, json) = match &args.command {
        CodingCommand::Add(a) => (
            session.add(&Subject::parse(&a.target), &a.theme, &signature(a))?,
            a.json,
        ),
        CodingCommand::Remove(a) => (
            session.remove(&Subject::parse(&a.target), &a.theme)?,
            a.json,
        ),
        CodingCommand::Reject(a) => (session.reject(&a.target, &a.theme, &signature(a))?, a.json),
        CodingCommand::Accept(a) => (session.accept(&a.target, &a.theme, &signature(a))?, a.json),
        CodingCommand::None(a) => {
            let signature = Signature {
                coder: a.coder.clone(),
                memo: None,
            };
            (session.nothing_applies(&a.quote, &signature)?, a.json)
        }
        CodingCommand::Import(a) => {
            let signature = Signature {
                coder: a.coder.clone(),
                memo: None,
            };
            (session.import(&a.file, &signature)?, a.json)
        }
        CodingCommand::List(a) => return list(&session, a),
    };
    print_outcome(&outcome, json)
}

/// The project every decision belongs to.
pub fn need_project(context: &Context) -> anyhow::Result<&Project> {
    context.project.as_ref().context(
        "no project here: decisions are kept in a project's codings file (run in a folder \
         with verbatim.toml, or pass --project DIR)",
    )
}

pub fn print_outcome(outcome: &Outcome, json: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(stdout, "{}", serde_json::to_string(outcome)?)?;
    } else {
        writeln!(stdout, "{}", outcome.message)?;
        if !outcome.quotes.is_empty() && !outcome.written.is_empty() {
            writeln!(stdout, "quotes: {}", outcome.quotes.join(", "))?;
        }
    }
    Ok(())
}

fn list(session: &Session<'_>, args: &ListArgs) -> anyhow::Result<()> {
    for theme in &args.theme {
        session.theme(theme)?;
    }
    let kind = args.kind.as_deref().map(|k| match k {
        "reject" => Decision::Reject,
        "memo" => Decision::Memo,
        _ => Decision::Code,
    });
    let listed: Vec<(ManualCoding, Vec<String>)> = session
        .listed()?
        .into_iter()
        .filter(|(c, _)| {
            (args.theme.is_empty()
                || c.theme.as_deref().is_some_and(|t| {
                    args.theme
                        .iter()
                        .any(|w| session.codebook.current_id(w) == t)
                }))
                && args
                    .coder
                    .as_ref()
                    .is_none_or(|w| c.coder.as_ref() == Some(w))
                && (!args.orphaned || c.orphaned)
                && kind.is_none_or(|k| c.kind == k)
        })
        .collect();
    let mut stdout = std::io::stdout().lock();
    if args.json {
        for (coding, quotes) in &listed {
            let mut value = serde_json::to_value(coding)?;
            value["quotes"] = serde_json::json!(quotes);
            writeln!(stdout, "{value}")?;
        }
        return Ok(());
    }
    if listed.is_empty() {
        writeln!(stdout, "no decisions")?;
        return Ok(());
    }
    let mut rows = vec![[
        "kind".to_string(),
        "theme".to_string(),
        "quotes".to_string(),
        "where".to_string(),
        "coder".to_string(),
        "text".to_string(),
    ]];
    for (coding, quotes) in &listed {
        let kind = match (coding.kind, coding.orphaned) {
            (_, true) => "orphaned",
            (Decision::Code, _) if coding.nothing_applies => "none",
            (Decision::Code, _) => "code",
            (Decision::Reject, _) => "reject",
            (Decision::Memo, _) => "memo",
        };
        let place = match coding.target() {
            Some(Target::Span {
                source, start, end, ..
            }) => format!("{source}:{start}-{end}"),
            Some(Target::Quote(id)) => id.to_string(),
            Some(Target::Source(source)) => source.to_string(),
            Some(Target::Theme(_)) | None => String::new(),
        };
        let text = match coding.kind {
            Decision::Memo => coding.memo.clone().unwrap_or_default(),
            _ => coding.text.clone().unwrap_or_default(),
        };
        rows.push([
            kind.to_string(),
            coding.theme.clone().unwrap_or_default(),
            quotes.join(" "),
            place,
            coding.coder.clone().unwrap_or_default(),
            excerpt(&text, 60),
        ]);
    }
    stdout.write_all(table(&rows, &[false; 6]).as_bytes())?;
    Ok(())
}

/// The first `chars` chars of `text` on one line, with an ellipsis if cut.
fn excerpt(text: &str, chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= chars {
        return flat;
    }
    let cut: String = flat.chars().take(chars - 1).collect();
    format!("{cut}…")
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim memo add leeds-ceo:4 \"ask about the volunteers' rota\"
  verbatim memo add challenge.fatigue \"includes volunteers' tiredness since round 2\"
  verbatim memo add interviews/leeds-ceo.txt \"poor audio after minute 40\"
  verbatim memo list
  verbatim memo remove challenge.fatigue

A memo is about a quote, a span (source:start-end), a theme or a whole source; it is shown
by explain, in reports and in exports.")]
pub struct MemoArgs {
    #[command(subcommand)]
    command: MemoCommand,
}

#[derive(Debug, Subcommand)]
enum MemoCommand {
    /// Write a memo on a quote, a span, a theme or a source.
    Add(MemoAddArgs),
    /// List memos.
    List(MemoListArgs),
    /// Take out the memos on a quote, a span, a theme or a source.
    Remove(MemoRemoveArgs),
}

#[derive(Debug, Args)]
struct MemoAddArgs {
    /// A quote id, a span `source:start-end`, a theme id or a source.
    about: String,
    /// The memo.
    text: String,
    /// Who writes it.
    #[arg(long)]
    coder: Option<String>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct MemoListArgs {
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct MemoRemoveArgs {
    /// A quote id, a span, a theme id or a source.
    about: String,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run_memo(context: &Context, args: &MemoArgs) -> anyhow::Result<()> {
    let project = need_project(context)?;
    let reporter = context.reporter();
    let session = Session::open(project, &reporter)?;
    match &args.command {
        MemoCommand::Add(a) => {
            let signature = Signature {
                coder: a.coder.clone(),
                memo: None,
            };
            print_outcome(&session.memo(&a.about, &a.text, &signature)?, a.json)
        }
        MemoCommand::Remove(a) => print_outcome(&session.remove_memos(&a.about)?, a.json),
        MemoCommand::List(a) => list(
            &session,
            &ListArgs {
                theme: Vec::new(),
                coder: None,
                orphaned: false,
                kind: Some("memo".to_string()),
                json: a.json,
            },
        ),
    }
}
