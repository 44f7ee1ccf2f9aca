//! The report as Markdown: what the terminal shows and what pastes into a write-up.

use std::fmt::Write;
use verbatim_model::counted;

use crate::report::Report;
use crate::stats::{Frequency, Matrix};

/// Renders a report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let coded_share = percent(report.coded_quotes, report.quotes);
    let _ = writeln!(out, "# {}\n", report.title);
    let _ = writeln!(
        out,
        "{}, {} coded ({coded_share}), {}.",
        counted(report.quotes, "quote"),
        report.coded_quotes,
        counted(report.codes, "code")
    );
    if !report.filters.is_empty() {
        let _ = writeln!(out, "Filters: {}.", report.filters.join("; "));
    }
    out.push_str("\n## Categories\n\n");
    frequency_table(&mut out, &report.categories, "category");
    out.push_str("\n## Themes\n\n");
    frequency_table(&mut out, &report.themes, "theme");
    for matrix in &report.matrices {
        let _ = writeln!(out, "\n## Themes by {}\n", matrix.attribute);
        matrix_table(&mut out, report, matrix);
    }
    let pairs = report.top_pairs(15);
    if !pairs.is_empty() {
        out.push_str(
            "\n## Themes coded together\n\n| theme | coded with | quotes |\n|---|---|---:|\n",
        );
        for (a, b, n) in pairs {
            let _ = writeln!(out, "| {a} | {b} | {n} |");
        }
    }
    // With `--top 0`, or no coded quote at all, there is no section to head.
    if report.top_quotes.values().any(|quotes| !quotes.is_empty()) {
        out.push_str("\n## Top quotes\n");
    }
    for theme in &report.themes {
        let quotes = report
            .top_quotes
            .get(&theme.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if quotes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {}: {}\n", theme.id, theme.name);
        for quote in quotes {
            let score = quote
                .score
                .map_or("manual".to_string(), |s| format!("{s:.2}"));
            let _ = writeln!(
                out,
                "> {}\n>\n> — {} ({}, {score})\n",
                cell(&quote.text),
                quote.attribution(),
                quote.id
            );
        }
    }
    if !report.memos.is_empty() {
        out.push_str("\n## Memos\n\n");
        for memo in &report.memos {
            let by = memo
                .coder
                .as_deref()
                .map_or(String::new(), |c| format!(" ({c})"));
            let _ = writeln!(out, "- **{}**{by}: {}", memo.about(), cell(&memo.text));
        }
    }
    out.push_str("\n---\n\nHow this report counts:\n\n");
    for rule in &report.counting_rules {
        let _ = writeln!(out, "- {rule}");
    }
    out
}

/// The short form printed by `verbatim run`: counts, categories and themes.
pub fn markdown_summary(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n\n{}, {} coded ({}), {}.\n\n## Categories\n",
        report.title,
        counted(report.quotes, "quote"),
        report.coded_quotes,
        percent(report.coded_quotes, report.quotes),
        counted(report.codes, "code")
    );
    frequency_table(&mut out, &report.categories, "category");
    out.push_str("\n## Themes\n\n");
    frequency_table(&mut out, &report.themes, "theme");
    out
}

fn frequency_table(out: &mut String, rows: &[Frequency], what: &str) {
    let _ = writeln!(
        out,
        "| {what} | name | quotes | speakers | sources | share |\n|---|---|---:|---:|---:|---:|"
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1}% |",
            row.id,
            cell(&row.name),
            row.quotes,
            row.speakers,
            row.sources,
            row.share * 100.0
        );
    }
}

fn matrix_table(out: &mut String, report: &Report, matrix: &Matrix) {
    let header: Vec<String> = matrix.columns.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| theme | {} | total |", header.join(" | "));
    let _ = writeln!(out, "|---|{}---:|", "---:|".repeat(matrix.columns.len()));
    for (r, theme) in matrix.rows.iter().enumerate() {
        let cells: Vec<String> = matrix.cells[r]
            .iter()
            .map(|c| match (report.normalised, c.quotes) {
                (_, 0) => "·".to_string(),
                (true, _) => format!("{:.0}%", c.share * 100.0),
                (false, q) => format!("{q} ({})", c.speakers),
            })
            .collect();
        let _ = writeln!(
            out,
            "| {theme} | {} | {} |",
            cells.join(" | "),
            matrix.row_totals[r]
        );
    }
    let totals: Vec<String> = matrix
        .column_totals
        .iter()
        .map(ToString::to_string)
        .collect();
    let _ = writeln!(
        out,
        "| **total** | {} | {} |",
        totals.join(" | "),
        matrix.total
    );
    let quotes: Vec<String> = matrix
        .column_quotes
        .iter()
        .map(ToString::to_string)
        .collect();
    let _ = writeln!(
        out,
        "| *quotes* | {} | {} |",
        quotes.join(" | "),
        matrix.column_quotes.iter().sum::<usize>()
    );
    if !report.normalised {
        out.push_str("\nCells: quotes coded (distinct speakers).\n");
    }
}

fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0%".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}
