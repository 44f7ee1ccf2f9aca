//! Rendering results for people (tables) and scripts (JSON Lines).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use verbatim_model::{Quote, write_jsonl_to};

use verbatim_project::{SourceSummary, unknown_speakers};

use crate::failure::Internal;

/// Writes values as JSON Lines, treating a closed pipe (`| head`) as a normal end.
pub fn write_json_lines<T: serde::Serialize>(
    writer: &mut dyn Write,
    values: &[T],
) -> anyhow::Result<()> {
    match write_jsonl_to(writer, values) {
        Ok(()) => Ok(writer.flush()?),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(error.into()),
    }
}

pub fn print_jsonl<'a>(quotes: impl Iterator<Item = &'a Quote>) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match write_jsonl_to(&mut stdout, quotes) {
        Ok(()) => Ok(stdout.flush()?),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::Other => {
            Err(Internal(error.to_string()).into())
        }
        Err(error) => Err(error.into()),
    }
}

/// Renders the human summary of an ingestion: one row per source, then totals and the
/// speakers the roster (`roster`, as the user named it) does not know. `written` is the
/// quotes file written and the project's name, for a project run.
pub fn summary(
    sources: &[SourceSummary],
    roster: Option<&Path>,
    written: Option<&(PathBuf, Option<String>)>,
) -> String {
    let mut rows = vec![[
        "file".to_string(),
        "format".to_string(),
        "encoding".to_string(),
        "quotes".to_string(),
        "speakers".to_string(),
    ]];
    let mut speakers = BTreeSet::new();
    let mut quotes = 0;
    for source in sources {
        rows.push([
            source.name.clone(),
            source.format.name().to_string(),
            source.encoding.to_string(),
            source.quotes.to_string(),
            source.speakers.len().to_string(),
        ]);
        speakers.extend(source.speakers.iter().cloned());
        quotes += source.quotes;
    }
    let mut out = table(&rows, &[false, false, false, true, true]);
    let unknown = unknown_speakers(sources);
    out.push_str(&format!(
        "\n{} files, {} quotes, {} speakers",
        sources.len(),
        quotes,
        speakers.len()
    ));
    match roster {
        Some(roster) if unknown.is_empty() => {
            out.push_str(&format!(", all in the roster ({})\n", roster.display()));
        }
        Some(roster) => {
            out.push_str(&format!(
                ", {} not in the roster ({})\n\nunknown speakers (quotes kept, speaker null):\n",
                unknown.len(),
                roster.display()
            ));
            for (name, places) in &unknown {
                let places: Vec<String> = places
                    .iter()
                    .map(|(file, n)| {
                        format!("{file} ({n} quote{})", if *n == 1 { "" } else { "s" })
                    })
                    .collect();
                out.push_str(&format!("  {name}: {}\n", places.join(", ")));
            }
        }
        None => out.push_str(" (no roster: speakers named as the sources write them)\n"),
    }
    let smalltalk: usize = sources.iter().map(|s| s.smalltalk).sum();
    if smalltalk > 0 {
        out.push_str(&format!(
            "{} set aside as small talk (greetings, thanks, call logistics): not coded or counted; --keep-smalltalk or `keep_smalltalk = true` keeps them\n",
            verbatim_model::counted(smalltalk, "turn")
        ));
    }
    if let Some((path, name)) = written {
        let project = name
            .as_deref()
            .map(|n| format!(" (project: {n})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "\nwrote {quotes} quotes to {}{project}\n",
            path.display()
        ));
    }
    out
}

pub fn print_summary(
    sources: &[SourceSummary],
    roster: Option<&Path>,
    written: Option<&(PathBuf, Option<String>)>,
) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(summary(sources, roster, written).as_bytes())?;
    Ok(())
}

/// Left- or right-aligned columns separated by two spaces.
pub fn table<const N: usize>(rows: &[[String; N]], right_align: &[bool; N]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let pad = widths[i] - cell.chars().count();
                if right_align[i] {
                    format!("{}{cell}", " ".repeat(pad))
                } else if i + 1 == N {
                    cell.clone()
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
