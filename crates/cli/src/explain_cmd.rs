//! `verbatim explain QUOTE_ID`: every theme with evidence in one quote, its score and
//! threshold, the words that fired, and why a near miss was not applied.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use verbatim_coder::{Coder, QuoteIndex, ThemeEvidence, evidence_spans, mark, words_for_term};
use verbatim_model::Quote;
use verbatim_project::manual::memos::project_memos;
use verbatim_project::manual::place::{QuoteSpan, project_examples};
use verbatim_project::{ThemeRank, explain_ranking, load_codebook, quotes_of};
use verbatim_report::Memo;

use crate::context::Context;
use crate::ingest_cmd::SourceArgs;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The quote's id (as `verbatim ingest --json` prints it).
    quote: String,
    #[command(flatten)]
    sources: SourceArgs,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &ExplainArgs) -> anyhow::Result<()> {
    let (codebook, _) = load_codebook(context.project.as_ref(), args.codebook.as_deref())?;
    let coder = Coder::new(&codebook)?;
    let quotes = quotes_of(
        context.project.as_ref(),
        &args.sources.paths,
        &args.sources.read_options(),
        &context.reporter(),
    )?;
    let Some(position) = quotes.iter().position(|q| q.id == args.quote) else {
        bail!(
            "no quote with id `{}` among {} quotes",
            args.quote,
            quotes.len()
        );
    };
    // A quote's evidence never depends on other quotes: an index of this one suffices.
    let index = QuoteIndex::in_memory(std::slice::from_ref(&quotes[position]))?;
    let mut found = coder.evidence(&index)?.swap_remove(0);
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.theme.cmp(&b.theme))
    });
    let quote = &quotes[position];
    let (examples, memos) = match (&context.project, args.sources.paths.is_empty()) {
        (Some(project), true) => (
            project_examples(project, &codebook, &quotes)?,
            project_memos(project, |sources| {
                Ok(quotes
                    .iter()
                    .filter(|q| sources.contains(&q.source))
                    .map(|q| QuoteSpan::of(q.clone()))
                    .collect())
            })?,
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let themes: Vec<&str> = found.iter().map(|e| e.theme.as_str()).collect();
    let memos: Vec<&Memo> = memos
        .iter()
        .filter(|m| m.concerns(&quote.id, &quote.source, &themes))
        .collect();
    let (ranking, model) = explain_ranking(
        &codebook,
        quote,
        &examples,
        context.model.as_deref(),
        &context.reporter(),
    )?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let themes: Vec<serde_json::Value> =
            found.iter().map(|e| theme_json(&coder, quote, e)).collect();
        writeln!(
            stdout,
            "{}",
            serde_json::json!({
                "quote": quote.id,
                "text": quote.text,
                "model": model,
                "ranking": ranking,
                "themes": themes,
                "memos": memos,
            })
        )?;
        return Ok(());
    }
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    writeln!(
        stdout,
        "{}  {}",
        quote.id,
        quote
            .speaker
            .as_deref()
            .or(quote.speaker_hint.as_deref())
            .unwrap_or("(unknown speaker)")
    )?;
    writeln!(stdout, "{}\n", quote.text)?;
    for memo in &memos {
        let by = memo
            .coder
            .as_deref()
            .map_or(String::new(), |c| format!(" ({c})"));
        writeln!(stdout, "memo on {}{by}: {}", memo.about(), memo.text)?;
    }
    if !memos.is_empty() {
        writeln!(stdout)?;
    }
    write_ranking(&mut stdout, &ranking, model.as_deref())?;
    if found.is_empty() {
        writeln!(
            stdout,
            "no theme of {} found any evidence in this quote",
            codebook.codebook.id
        )?;
    }
    for evidence in &found {
        let verdict = if evidence.applies() {
            "applied"
        } else {
            "not applied"
        };
        writeln!(
            stdout,
            "{}  score {:.2} / threshold {:.2}  {verdict}",
            evidence.theme, evidence.score, evidence.threshold
        )?;
        for hit in &evidence.hits {
            let place = if hit.in_context {
                " (in the question before the quote)"
            } else {
                ""
            };
            let rule = match hit.rule {
                0 => "category cues".to_string(),
                number => format!("rule {number}"),
            };
            let theme = coder.themes().iter().find(|t| t.id == evidence.theme);
            let terms: Vec<String> = hit
                .terms
                .iter()
                .map(|term| {
                    let words = theme
                        .filter(|_| !hit.in_context && hit.rule > 0)
                        .map(|t| words_for_term(t, hit.rule, term, &quote.text))
                        .unwrap_or_default();
                    match words.as_slice() {
                        [] => term.clone(),
                        [one] if one.eq_ignore_ascii_case(term) => format!("\"{one}\""),
                        _ => format!("\"{}\" (term `{term}`)", words.join("\", \"")),
                    }
                })
                .collect();
            writeln!(
                stdout,
                "  {rule}: +{:.2} for {}{place}",
                hit.strength,
                terms.join(", ")
            )?;
        }
        for miss in &evidence.near_misses {
            writeln!(
                stdout,
                "  rule {}: did not fire ({}): {}",
                miss.rule,
                miss.terms.join(", "),
                miss.reason
            )?;
        }
        if !evidence.applies() && evidence.near_misses.is_empty() {
            writeln!(
                stdout,
                "  below the threshold by {:.2}",
                evidence.threshold - evidence.score
            )?;
        }
        if let Some(theme) = coder.themes().iter().find(|t| t.id == evidence.theme) {
            let spans = evidence_spans(theme, evidence, &quote.text);
            if !spans.is_empty() {
                writeln!(stdout, "  {}", mark(&quote.text, &spans, open, close))?;
            }
        }
        writeln!(stdout)?;
    }
    Ok(())
}

/// The best themes with the evidence behind each score.
fn write_ranking(
    out: &mut impl Write,
    ranking: &[ThemeRank],
    model: Option<&str>,
) -> anyhow::Result<()> {
    let how = model.map_or("words alone".to_string(), |m| {
        format!("words and meaning ({m})")
    });
    writeln!(out, "ranking by {how}:")?;
    for rank in ranking.iter().take(verbatim_coder::RANKED.max(5)) {
        let verdict = if rank.origin.applies() {
            "applied"
        } else {
            "suggested"
        };
        writeln!(out, "  {:<36} {:.3}  {verdict}", rank.theme, rank.score)?;
        let because: Vec<String> = rank
            .because
            .iter()
            .map(|(name, value)| format!("{name} {value:+.2}"))
            .collect();
        if !because.is_empty() {
            writeln!(out, "      because: {}", because.join(", "))?;
        }
        let mut closest = Vec::new();
        if let Some(definition) = rank.definition {
            closest.push(format!("definition {definition:.2}"));
        }
        if let Some((label, similarity)) = &rank.nearest {
            closest.push(format!("{label} {similarity:.2}"));
        }
        if let Some((label, similarity)) = &rank.nearest_by_words {
            closest.push(format!("{label} by words {similarity:.2}"));
        }
        if !closest.is_empty() {
            writeln!(out, "      closest: {}", closest.join("; "))?;
        }
        if !rank.shared_words.is_empty() {
            writeln!(
                out,
                "      its words here: {}",
                rank.shared_words.join(", ")
            )?;
        }
    }
    writeln!(out, "\nrules:")?;
    Ok(())
}

fn theme_json(coder: &Coder, quote: &Quote, evidence: &ThemeEvidence) -> serde_json::Value {
    let spans = coder
        .themes()
        .iter()
        .find(|t| t.id == evidence.theme)
        .map(|t| evidence_spans(t, evidence, &quote.text))
        .unwrap_or_default();
    serde_json::json!({
        "theme": evidence.theme,
        "score": evidence.score,
        "threshold": evidence.threshold,
        "applied": evidence.applies(),
        "evidence": evidence.evidence(),
        "rules": evidence.hits.iter().map(|h| serde_json::json!({
            "rule": h.rule, "terms": h.terms, "strength": h.strength, "in_context": h.in_context,
        })).collect::<Vec<_>>(),
        "near_misses": evidence.near_misses.iter().map(|m| serde_json::json!({
            "rule": m.rule, "terms": m.terms, "reason": m.reason,
        })).collect::<Vec<_>>(),
        "highlighted": mark(&quote.text, &spans, "[", "]"),
    })
}
