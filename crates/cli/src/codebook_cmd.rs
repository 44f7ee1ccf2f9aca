//! `verbatim codebook check|show|suggest|diff`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use verbatim_coder::check_codebook;
use verbatim_project::{Observer, codebook_path, describe_problems, load_codebook};

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
    /// Propose rule terms for a theme from the quotes coded to it: the words that set
    /// them apart from the other quotes, with counts (nothing is changed).
    Suggest(SuggestArgs),
    /// What changed between two codebooks: themes added, removed, renamed (by
    /// `renamed_from`) or merged (by `merged_into`), whose codings move to the new id,
    /// and changed (which fields).
    ///
    /// Example: `verbatim codebook diff codebooks/2020.toml codebooks/2021.toml`
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The earlier codebook.
    old: PathBuf,
    /// The later codebook.
    new: PathBuf,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SuggestArgs {
    /// The theme's id.
    theme: String,
    /// Codings to learn from (JSONL); default: the project's manual codings.
    #[arg(long, value_name = "FILE")]
    codings: Option<PathBuf>,
    /// Only this coder's codings.
    #[arg(long)]
    coder: Option<String>,
    /// A word must be in at least this many coded quotes.
    #[arg(long, default_value_t = 2)]
    min_count: usize,
    /// How many words to propose.
    #[arg(long, default_value_t = 15)]
    limit: usize,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    json: bool,
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
        CodebookCommand::Suggest(suggest) => suggest_cmd(context, suggest),
        CodebookCommand::Diff(diff) => diff_cmd(diff),
    }
}

fn diff_cmd(args: &DiffArgs) -> anyhow::Result<()> {
    let (old, _) = load_codebook(None, Some(&args.old))?;
    let (new, _) = load_codebook(None, Some(&args.new))?;
    let diff = verbatim_model::diff_codebooks(&old, &new);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string(&diff)?)?;
        return Ok(());
    }
    if diff.is_empty() {
        writeln!(stdout, "the two codebooks define the same themes alike")?;
        return Ok(());
    }
    let mut out = String::new();
    for (old_id, new_id) in &diff.merged {
        out.push_str(&format!(
            "merged   {old_id} -> {new_id} (its codings move; it is no longer coded)\n"
        ));
    }
    for (old_id, new_id) in &diff.renamed {
        out.push_str(&format!(
            "renamed  {old_id} -> {new_id} (its codings move)\n"
        ));
    }
    for id in &diff.added {
        out.push_str(&format!("added    {id}\n"));
    }
    for id in &diff.removed {
        out.push_str(&format!(
            "removed  {id} (its codings no longer count; add renamed_from to a theme to keep them)\n"
        ));
    }
    for (id, fields) in &diff.changed {
        out.push_str(&format!("changed  {id}: {}\n", fields.join(", ")));
    }
    stdout.write_all(out.as_bytes())?;
    Ok(())
}

fn suggest_cmd(context: &Context, args: &SuggestArgs) -> anyhow::Result<()> {
    let reporter = context.reporter();
    let (codebook, _) = load_codebook(context.project.as_ref(), args.codebook.as_deref())?;
    let Some(theme) = verbatim_coder::compile(&codebook)?
        .into_iter()
        .find(|t| t.id == args.theme)
    else {
        bail!(
            "no theme `{}` in codebook {}",
            args.theme,
            codebook.codebook.id
        );
    };
    let codings: Vec<verbatim_model::Coding> = match (&args.codings, &context.project) {
        (Some(path), _) => verbatim_model::read_jsonl(path)?,
        (None, Some(project)) => codebook.migrate(verbatim_project::state::manual_codings(
            &verbatim_project::state::StatePaths::of(project).codings,
            None,
            &reporter,
        )?),
        (None, None) => bail!("no project: name the codings with --codings FILE"),
    };
    let coded_ids: std::collections::BTreeSet<&str> = codings
        .iter()
        .filter(|c| c.theme == args.theme && c.origin == verbatim_model::Origin::Manual)
        .filter(|c| args.coder.is_none() || c.coder == args.coder)
        .map(|c| c.quote.as_str())
        .collect();
    let quotes = verbatim_project::quotes_of(
        context.project.as_ref(),
        &[],
        &verbatim_project::ReadOptions::default(),
        &reporter,
    )?;
    let (coded, others): (Vec<&verbatim_model::Quote>, Vec<&verbatim_model::Quote>) = quotes
        .iter()
        .partition(|q| coded_ids.contains(q.id.as_str()));
    if coded.is_empty() {
        bail!(
            "no quote is coded to `{}` by hand: nothing to learn from",
            args.theme
        );
    }
    let coded_texts: Vec<&str> = coded.iter().map(|q| q.text.as_str()).collect();
    let other_texts: Vec<&str> = others.iter().map(|q| q.text.as_str()).collect();
    let mut found =
        verbatim_coder::suggest_terms(&theme, &coded_texts, &other_texts, args.min_count);
    found.truncate(args.limit);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "theme": args.theme,
            "coded_quotes": coded.len(),
            "other_quotes": others.len(),
            "suggestions": found,
        });
        writeln!(stdout, "{value}")?;
        return Ok(());
    }
    writeln!(
        stdout,
        "{}: words of its {} coded quotes, against {} others (not yet in its rules)\n",
        args.theme,
        coded.len(),
        others.len()
    )?;
    writeln!(
        stdout,
        "{:<20} {:>7} {:>7} {:>7}",
        "word", "coded", "others", "score"
    )?;
    for s in &found {
        writeln!(
            stdout,
            "{:<20} {:>7} {:>7} {:>7.2}",
            s.word, s.in_coded, s.in_others, s.score
        )?;
    }
    if !found.is_empty() {
        let words: Vec<String> = found.iter().map(|s| format!("{:?}", s.word)).collect();
        writeln!(
            stdout,
            "\nto accept, add to {} in the codebook:\n[[theme.rules]]\nany = [{}]",
            args.theme,
            words.join(", ")
        )?;
    }
    Ok(())
}

fn check(context: &Context, args: &FileArgs) -> anyhow::Result<()> {
    let path = codebook_path(context.project.as_ref(), args.file.as_deref())?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let (codebook, problems) = check_codebook(&text, &path);
    let catches = match (&codebook, &context.project) {
        (Some(codebook), Some(project)) if problems.is_empty() => {
            let quotes = verbatim_project::quotes_of(
                Some(project),
                &[],
                &verbatim_project::ReadOptions::default(),
                &context.reporter(),
            )?;
            let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
            verbatim_coder::stem_catches(&verbatim_coder::compile(codebook)?, &texts)
        }
        _ => Vec::new(),
    };
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
            "stem_catches": catches,
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
        let reporter = context.reporter();
        for c in &catches {
            reporter.warning(&format!(
                "{} rule {}: `{}` is matched by its stem, so it also fires on `{}` \
                 ({} quotes of the project, more than `{}` itself); give the rule \
                 `exact = true` to match the word only as written, or guard it with `near`, \
                 `all` or `veto`",
                c.theme, c.rule, c.term, c.word, c.quotes, c.term
            ));
        }
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
