//! `verbatim agree`: how far coders agree, per theme and overall, and where they differ.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use verbatim_model::{Coding, Origin, Quote, read_jsonl};
use verbatim_report::{Agreement, AgreementOptions, AgreementUnit, CoderCodings, agreement};

use verbatim_project::manual::verbs::Session;
use verbatim_project::{ReadOptions, Silent, quotes_of};

use crate::context::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum UnitArg {
    /// Each quote is a unit.
    Quote,
    /// Each character is a unit (NVivo's), so long quotes weigh more.
    Char,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim agree corpus/coding.jsonl verbatim --gold reference   # the coder against a key
  verbatim agree sam kim --unit char                             # two coders of the project
  verbatim agree sam.csv kim.csv --theme challenge.fatigue")]
pub struct AgreeArgs {
    /// Coders to compare (two or more): a codings file (JSONL as `code` writes, or CSV
    /// `quote,theme[,coder]`), or a coder's name in the project's codings (`verbatim` is
    /// the automatic coder). A coder who marks quotes reviewed with nothing applying (a
    /// JSON line `{"quote":"a:3","nothing_applies":true}`, a CSV row with an empty theme,
    /// `verbatim coding none`) is compared on exactly the quotes they decided on.
    #[arg(required = true, num_args = 2..)]
    coders: Vec<String>,
    /// Agreement over quotes or over characters.
    #[arg(long, value_enum, default_value = "quote")]
    unit: UnitArg,
    /// The coder taken as the standard: precision, recall, F1 and top-1 agreement of the others.
    #[arg(long, value_name = "CODER")]
    gold: Option<String>,
    /// Only this theme (repeatable).
    #[arg(long)]
    theme: Vec<String>,
    /// The quotes compared (default: the project's quotes).
    #[arg(long, value_name = "FILE")]
    quotes: Option<PathBuf>,
    /// Disagreements listed.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &AgreeArgs) -> anyhow::Result<()> {
    let coders: Vec<CoderCodings> = args
        .coders
        .iter()
        .map(|c| load_coder(context, c))
        .collect::<Result<_, _>>()?;
    let quotes = quotes(context, args, &coders)?;
    if args.quotes.is_some() || context.project.is_some() {
        check_quote_ids(&args.coders, &coders, &quotes)?;
    }
    let coders = match context
        .project
        .as_ref()
        .filter(|p| p.config.codebook.is_some())
    {
        Some(project) => {
            let (codebook, _) = verbatim_project::load_codebook(Some(project), None)?;
            check_themes(args, coders, &codebook)?
        }
        None => coders,
    };
    let gold = match &args.gold {
        Some(gold) => Some(
            args.coders
                .iter()
                .zip(&coders)
                .position(|(given, coder)| given == gold || coder.name == *gold)
                .with_context(|| format!("--gold {gold}: not one of the coders compared"))?,
        ),
        None => None,
    };
    let unit = match args.unit {
        UnitArg::Quote => AgreementUnit::Quote,
        UnitArg::Char => AgreementUnit::Char,
    };
    let result = agreement(
        &quotes,
        &coders,
        &AgreementOptions {
            unit,
            gold,
            themes: args.theme.clone(),
        },
    )?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string(&result)?)?;
    } else {
        stdout.write_all(render(&result, args.limit).as_bytes())?;
    }
    Ok(())
}

fn load_coder(context: &Context, given: &str) -> anyhow::Result<CoderCodings> {
    let path = Path::new(given);
    if path.is_file() {
        let (codings, reviewed) = read_codings(path)?;
        let names: BTreeSet<&str> = codings.iter().filter_map(|c| c.coder.as_deref()).collect();
        let name = match names.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => one.to_string(),
            _ => path
                .file_stem()
                .map_or(given.to_string(), |s| s.to_string_lossy().into_owned()),
        };
        return Ok(CoderCodings {
            name,
            codings,
            reviewed,
        });
    }
    let Some(project) = &context.project else {
        bail!("{given}: no such file, and no project whose codings could name that coder");
    };
    let stored = project.state_path("codings.jsonl");
    if !stored.exists() {
        bail!("{given}: no such file; the project has no codings yet (run `verbatim code`)");
    }
    let codings: Vec<Coding> = read_jsonl::<Coding>(&stored)?
        .into_iter()
        .filter(|c| c.coder.as_deref() == Some(given))
        .collect();
    if codings.is_empty() {
        bail!(
            "{given}: no such file, and no coder of that name in {}",
            stored.display()
        );
    }
    let session = Session::open(project, &Silent)?;
    Ok(CoderCodings {
        name: given.to_string(),
        codings,
        reviewed: session.reviewed_by(given)?,
    })
}

/// JSONL codings, or CSV with `quote,theme` and optionally `coder` columns; and, when the
/// file marks quotes as reviewed with nothing applying (a JSON line
/// `{"quote":"a:3","nothing_applies":true}`, a CSV row with an empty theme), the sample
/// of quotes it reviewed: those marked and those coded.
fn read_codings(path: &Path) -> anyhow::Result<(Vec<Coding>, Option<BTreeSet<String>>)> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let (codings, marked) = if is_csv {
        read_csv_codings(path)?
    } else {
        read_jsonl_codings(path)?
    };
    let reviewed = (!marked.is_empty()).then(|| {
        let mut sample = marked;
        sample.extend(codings.iter().map(|c| c.quote.clone()));
        sample
    });
    Ok((codings, reviewed))
}

/// A JSON line marking a quote reviewed with no theme applying.
#[derive(serde::Deserialize)]
struct NothingApplies {
    quote: String,
    nothing_applies: bool,
}

fn read_jsonl_codings(path: &Path) -> anyhow::Result<(Vec<Coding>, BTreeSet<String>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut codings = Vec::new();
    let mut marked = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Ok(mark) = serde_json::from_str::<NothingApplies>(line)
            && mark.nothing_applies
        {
            marked.insert(mark.quote);
            continue;
        }
        let coding: Coding =
            serde_json::from_str(line).map_err(|e| verbatim_model::Error::Parse {
                path: path.to_path_buf(),
                line: index + 1,
                column: Some(e.column()),
                message: e.to_string(),
            })?;
        codings.push(coding);
    }
    Ok((codings, marked))
}

fn read_csv_codings(path: &Path) -> anyhow::Result<(Vec<Coding>, BTreeSet<String>)> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(quote), Some(theme)) = (column("quote"), column("theme")) else {
        bail!(
            "{}:1: codings CSV needs `quote` and `theme` columns",
            path.display()
        );
    };
    let coder = column("coder");
    let mut codings = Vec::new();
    let mut marked = BTreeSet::new();
    for (row, record) in reader.records().enumerate() {
        let record =
            record.with_context(|| format!("{}:{}: unreadable row", path.display(), row + 2))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        if field(quote).is_empty() {
            bail!("{}:{}: empty quote", path.display(), row + 2);
        }
        if field(theme).is_empty() {
            // Reviewed, and no theme applies.
            marked.insert(field(quote));
            continue;
        }
        codings.push(Coding {
            quote: field(quote),
            theme: field(theme),
            score: None,
            origin: Origin::Manual,
            coder: coder.map(field).filter(|c| !c.is_empty()),
            evidence: Vec::new(),
        });
    }
    Ok((codings, marked))
}

/// The quotes compared: a file, the project's quotes (ingested now if needed), or, with
/// neither, the quotes the codings name (see [`quotes_named`]).
fn quotes(
    context: &Context,
    args: &AgreeArgs,
    coders: &[CoderCodings],
) -> anyhow::Result<Vec<Quote>> {
    if let Some(path) = &args.quotes {
        return Ok(read_jsonl(path)?);
    }
    if context.project.is_some() {
        return Ok(quotes_of(
            context.project.as_ref(),
            &[],
            &ReadOptions::default(),
            &Silent,
        )?);
    }
    if args.unit == UnitArg::Char {
        bail!("--unit char needs the quotes' offsets: pass --quotes FILE or run in a project");
    }
    Ok(quotes_named(coders))
}

/// Every quote a coder's file names must be among the quotes compared: an id with a slip
/// in it (or from another version of the sources) is an error offering the nearest ids,
/// rather than a coding silently left out of the comparison.
fn check_quote_ids(
    given: &[String],
    coders: &[CoderCodings],
    quotes: &[Quote],
) -> anyhow::Result<()> {
    let known: std::collections::HashSet<&str> = quotes.iter().map(|q| q.id.as_str()).collect();
    for (given, coder) in given.iter().zip(coders) {
        if let Some(missing) = coder
            .codings
            .iter()
            .find(|c| !known.contains(c.quote.as_str()))
        {
            let missing_count = coder
                .codings
                .iter()
                .filter(|c| !known.contains(c.quote.as_str()))
                .count();
            let hint = did_you_mean(&missing.quote, quotes.iter().map(|q| q.id.as_str()));
            bail!(
                "{given}: quote `{}` is not among the quotes compared ({} of {} codings name quotes that are not){hint}",
                missing.quote,
                missing_count,
                coder.codings.len()
            );
        }
    }
    Ok(())
}

/// In a project with a codebook, every theme a coder's file or `--theme` names must be
/// the codebook's (after `renamed_from`, whose codings move to the new id): a slip is an
/// error offering the nearest ids, not a theme on which the coders silently "agree".
fn check_themes(
    args: &AgreeArgs,
    coders: Vec<CoderCodings>,
    codebook: &verbatim_model::Codebook,
) -> anyhow::Result<Vec<CoderCodings>> {
    let ids: Vec<&str> = codebook.themes.iter().map(|t| t.id.as_str()).collect();
    for theme in &args.theme {
        if codebook.theme(theme).is_none() {
            bail!(verbatim_model::unknown_name("--theme", theme, &ids));
        }
    }
    let mut checked = Vec::with_capacity(coders.len());
    for (given, coder) in args.coders.iter().zip(coders) {
        let codings = codebook.migrate(coder.codings);
        let unknown: Vec<&Coding> = codings
            .iter()
            .filter(|c| codebook.theme(&c.theme).is_none())
            .collect();
        if let Some(first) = unknown.first() {
            let hint = did_you_mean(&first.theme, ids.iter().copied());
            bail!(
                "{given}: theme `{}` is not in the codebook ({} of {} codings name themes it lacks){hint}",
                first.theme,
                unknown.len(),
                codings.len()
            );
        }
        checked.push(CoderCodings {
            name: coder.name,
            codings,
            reviewed: coder.reviewed,
        });
    }
    Ok(checked)
}

/// `; did you mean a, b?` with the names nearest to `wanted`, or nothing.
fn did_you_mean<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let close = verbatim_model::nearest(wanted, names);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

/// The quotes the codings name, each in the source its id names (`doc:12` in `doc`), so
/// that, as in a project, a coder counts as having coded the quotes of the sources they
/// coded in and no others: coders of different sources share no quote.
fn quotes_named(coders: &[CoderCodings]) -> Vec<Quote> {
    let ids: std::collections::BTreeSet<&str> = coders
        .iter()
        .flat_map(|c| c.codings.iter().map(|x| x.quote.as_str()))
        .collect();
    ids.into_iter()
        .map(|id| {
            let source = id.rsplit_once(':').map_or(id, |(document, _)| document);
            Quote::new(id, source, " ")
        })
        .collect()
}

fn render(result: &Agreement, limit: usize) -> String {
    // A value that rounds to zero prints as 0.000, never -0.000.
    let number = |v: Option<f64>| {
        v.map_or("undefined".to_string(), |v| {
            format!("{:.3}", if v.abs() < 0.0005 { 0.0 } else { v })
        })
    };
    let share =
        |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{:.1}%", v * 100.0));
    let unit = match result.unit {
        AgreementUnit::Quote => "quote",
        AgreementUnit::Char => "character",
    };
    let mut out = format!(
        "agreement of {} on {} quotes (unit: {unit})\n\n",
        result.coders.join(", "),
        result.quotes
    );
    let gold_coder = result.gold.clone();
    let mut header: Vec<String> = vec!["theme".into()];
    header.extend(result.coders.iter().cloned());
    header.extend(["agree", "kappa", "alpha"].map(String::from));
    if gold_coder.is_some() {
        header.extend(["precision", "recall", "f1"].map(String::from));
    }
    let mut rows = vec![header];
    for theme in result.themes.iter().chain(std::iter::once(&result.overall)) {
        let mut row: Vec<String> = vec![theme.theme.clone()];
        row.extend(theme.coded.iter().map(|n| format!("{n:.0}")));
        row.extend([
            share(theme.percent),
            number(theme.kappa),
            number(theme.alpha),
        ]);
        if let Some(gold) = theme.gold.first() {
            row.extend([number(gold.precision), number(gold.recall), number(gold.f1)]);
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(
        "\ncounts per coder are units coded to the theme; kappa needs exactly two coders\n",
    );
    for (coder, top1) in &result.top1 {
        let gold = gold_coder.as_deref().unwrap_or("gold");
        out.push_str(&format!(
            "top-1 agreement with {gold}: {coder} {}\n",
            share(*top1)
        ));
    }
    if !result.disagreements.is_empty() && limit > 0 {
        out.push_str(&format!(
            "\ndisagreements (first {} of {}, most differences first):\n",
            limit.min(result.disagreements.len()),
            result.disagreements.len()
        ));
        for disagreement in result.disagreements.iter().take(limit) {
            let flat = disagreement
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let text: String = flat.chars().take(110).collect();
            out.push_str(&format!(
                "\n{}  {}{}\n",
                disagreement.quote,
                text,
                if flat.chars().count() > 110 {
                    "…"
                } else {
                    ""
                }
            ));
            for (index, (coder, themes)) in
                result.coders.iter().zip(&disagreement.themes).enumerate()
            {
                let evidence = disagreement.evidence.get(&index);
                let listed = match themes {
                    Some(themes) if themes.is_empty() => "(nothing)".to_string(),
                    Some(themes) => themes
                        .iter()
                        .map(|t| match evidence.and_then(|e| e.get(t)) {
                            Some(words) => format!("{t} [{}]", words.join(", ")),
                            None => t.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => "(not coded by this coder)".to_string(),
                };
                out.push_str(&format!("  {coder}: {listed}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coder(name: &str, quotes: &[&str]) -> CoderCodings {
        CoderCodings {
            name: name.to_string(),
            codings: quotes
                .iter()
                .map(|quote| Coding {
                    quote: quote.to_string(),
                    theme: "t.x".to_string(),
                    score: None,
                    origin: Origin::Manual,
                    coder: Some(name.to_string()),
                    evidence: Vec::new(),
                })
                .collect(),
            reviewed: None,
        }
    }

    #[test]
    fn quotes_named_by_codings_sit_in_the_source_their_ids_name() {
        let coders = [coder("jo", &["a:2", "a:6"]), coder("sam", &["b:2", "odd"])];
        let quotes = quotes_named(&coders);
        let placed: Vec<(&str, &str)> = quotes
            .iter()
            .map(|q| (q.id.as_str(), q.source.as_str()))
            .collect();
        assert_eq!(
            placed,
            [("a:2", "a"), ("a:6", "a"), ("b:2", "b"), ("odd", "odd")]
        );
    }

    #[test]
    fn coders_of_different_sources_share_no_quote() {
        let coders = [coder("jo", &["a:2"]), coder("sam", &["b:2"])];
        let options = AgreementOptions {
            unit: AgreementUnit::Quote,
            gold: None,
            themes: Vec::new(),
        };
        let error = agreement(&quotes_named(&coders), &coders, &options).expect_err("no overlap");
        assert!(
            error
                .to_string()
                .starts_with("no quotes overlap: jo and sam")
        );
        let same = [coder("jo", &["a:2"]), coder("sam", &["a:6"])];
        let result = agreement(&quotes_named(&same), &same, &options).expect("source a shared");
        assert_eq!(result.quotes, 2);
    }
}
