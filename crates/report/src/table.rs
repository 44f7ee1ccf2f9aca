//! Reports as CSV for R and pandas: tidy (one row per quote and theme) and wide (one row
//! per quote, a 0/1 column per theme); and a report's own tables (theme frequency, a
//! matrix) as a spreadsheet would show them.

use std::collections::BTreeSet;

use crate::dataset::{ATTRIBUTES, Dataset, attribute_value};
use crate::memo::Memo;
use crate::report::Report;

/// One row per (quote, theme): the code (theme, category, score, origin, and the
/// evidence that fired it, joined by ` | `), every attribute (the fixed ones, then each
/// roster column and front-matter key any quote has, sorted), where the quote stands
/// (`start` and `end` chars, `line`), its text, and the memos on the quote and its theme
/// (`memos`, joined by ` | `).
pub fn tidy_csv(data: &Dataset<'_>, memos: &[Memo]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["quote", "theme", "category", "score", "origin", "evidence"];
    header.extend(ATTRIBUTES);
    let free: BTreeSet<&str> = loaded(data)
        .flat_map(|(quote, _)| quote.attributes.keys().map(String::as_str))
        .filter(|key| !TIDY_COLUMNS.contains(key) && !ATTRIBUTES.contains(key))
        .collect();
    header.extend(free.iter().copied());
    header.extend(["start", "end", "line", "text", "memos"]);
    let _ = writer.write_record(&header);
    for (quote, codes) in loaded(data) {
        for code in codes {
            let category = data
                .themes
                .iter()
                .find(|t| t.id == code.theme)
                .map_or("", |t| t.category.as_str());
            let score = if code.score.is_finite() {
                format!("{}", code.score)
            } else {
                String::new()
            };
            let origin = match code.origin {
                verbatim_model::Origin::Manual => "manual",
                verbatim_model::Origin::Auto => "auto",
                verbatim_model::Origin::Suggested => "suggested",
            };
            let mut row: Vec<String> = vec![
                quote.id.clone(),
                code.theme.clone(),
                category.to_string(),
                score,
                origin.to_string(),
                code.evidence.join(" | "),
            ];
            row.extend(
                ATTRIBUTES
                    .iter()
                    .map(|a| blank_none(attribute_value(quote, a))),
            );
            row.extend(
                free.iter()
                    .map(|key| quote.attributes.get(*key).cloned().unwrap_or_default()),
            );
            row.extend([
                quote.start.to_string(),
                quote.end.to_string(),
                quote.line.to_string(),
                quote.text.clone(),
            ]);
            let notes: Vec<&str> = memos
                .iter()
                .filter(|m| m.concerns(&quote.id, &quote.source, &[code.theme.as_str()]))
                .map(|m| m.text.as_str())
                .collect();
            row.push(notes.join(" | "));
            let _ = writer.write_record(&row);
        }
    }
    finish(writer)
}

/// The tidy CSV's own columns, which a free attribute of the same name does not repeat.
const TIDY_COLUMNS: [&str; 11] = [
    "quote", "theme", "category", "score", "origin", "evidence", "start", "end", "line", "text",
    "memos",
];

/// One row per quote, its attributes, and a 0/1 column per theme.
pub fn wide_csv(data: &Dataset<'_>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["quote".to_string()];
    header.extend(ATTRIBUTES.iter().map(|a| a.to_string()));
    header.extend(data.themes.iter().map(|t| t.id.clone()));
    let _ = writer.write_record(&header);
    for (quote, codes) in loaded(data) {
        let mut row: Vec<String> = vec![quote.id.clone()];
        row.extend(
            ATTRIBUTES
                .iter()
                .map(|a| blank_none(attribute_value(quote, a))),
        );
        row.extend(data.themes.iter().map(|t| {
            if codes.iter().any(|c| c.theme == t.id) {
                "1"
            } else {
                "0"
            }
            .to_string()
        }));
        let _ = writer.write_record(&row);
    }
    finish(writer)
}

/// The report's theme frequency: one row per theme with its quotes, speakers, sources
/// and share of all quotes.
pub fn frequency_csv(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "theme", "name", "category", "quotes", "speakers", "sources", "share",
    ]);
    for theme in &report.themes {
        let _ = writer.write_record([
            theme.id.clone(),
            theme.name.clone(),
            theme.category.clone(),
            theme.quotes.to_string(),
            theme.speakers.to_string(),
            theme.sources.to_string(),
            format!("{:.4}", theme.share),
        ]);
    }
    finish(writer)
}

/// The report's matrix of themes by `attribute`: one row per theme, a column per value
/// (quotes coded, or shares of the column's quotes when the report is normalised) and the
/// theme's total; `None` when the report has no such matrix.
pub fn matrix_csv(report: &Report, attribute: &str) -> Option<String> {
    let matrix = report.matrices.iter().find(|m| m.attribute == attribute)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["theme".to_string(), "name".to_string()];
    header.extend(matrix.columns.iter().cloned());
    header.push("total".to_string());
    let _ = writer.write_record(&header);
    for (theme, (cells, total)) in
        (matrix.rows.iter()).zip(matrix.cells.iter().zip(&matrix.row_totals))
    {
        let mut row = vec![theme.clone(), report.theme_name(theme).to_string()];
        row.extend(cells.iter().map(|cell| {
            if report.normalised {
                format!("{:.4}", cell.share)
            } else {
                cell.quotes.to_string()
            }
        }));
        row.push(total.to_string());
        let _ = writer.write_record(&row);
    }
    Some(finish(writer))
}

/// The quotes the dataset holds, with their codes.
fn loaded<'d>(
    data: &'d Dataset<'_>,
) -> impl Iterator<Item = (&'d verbatim_model::Quote, &'d Vec<crate::Counted>)> {
    (0..data.len()).filter_map(|i| data.quote(i).map(|q| (q, &data.codes[i])))
}

fn blank_none(value: &str) -> String {
    if value == crate::dataset::NO_VALUE {
        String::new()
    } else {
        value.to_string()
    }
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    // Writing to memory cannot fail; an empty string is the only possible fallback.
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Filter;
    use crate::report::ReportOptions;
    use verbatim_model::{Coding, Origin, Quote};

    fn quote(id: &str, area: Option<&str>) -> Quote {
        Quote {
            speaker: Some(format!("speaker of {id}")),
            area: area.map(str::to_string),
            ..Quote::new(id, "a.txt", format!("words of {id}"))
        }
    }

    fn coding(quote: &str, theme: &str) -> Coding {
        Coding {
            quote: quote.into(),
            theme: theme.into(),
            score: Some(1.0),
            origin: Origin::Auto,
            coder: None,
            evidence: vec![format!("rule 1: {theme}")],
        }
    }

    #[test]
    fn tidy_rows_carry_every_attribute_offsets_and_evidence() {
        let mut first = quote("a:1", Some("Wigan"));
        first
            .attributes
            .insert("staff_group".into(), "nurses".into());
        first
            .attributes
            .insert("text".into(), "a column named like ours".into());
        first.start = 40;
        first.end = 51;
        first.line = 3;
        let quotes = vec![first, quote("a:2", None)];
        let codings = vec![coding("a:1", "c.fatigue"), coding("a:2", "c.money")];
        let data = Dataset::new(&quotes, &codings, None, &Filter::default());
        let csv = tidy_csv(&data, &[]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "quote,theme,category,score,origin,evidence,area,sector,role,organisation,\
                 round,speaker,source,staff_group,start,end,line,text,memos"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "a:1,c.fatigue,c,1,auto,rule 1: c.fatigue,Wigan,,,,,speaker of a:1,a.txt,\
                 nurses,40,51,3,words of a:1,"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "a:2,c.money,c,1,auto,rule 1: c.money,,,,,,speaker of a:2,a.txt,,0,12,1,\
                 words of a:2,"
            )
        );
    }

    fn report(normalise: bool) -> Report {
        let quotes = vec![
            quote("a:1", Some("Wigan")),
            quote("a:2", Some("Leeds")),
            quote("a:3", Some("Wigan")),
            quote("a:4", None),
        ];
        let codings = vec![
            coding("a:1", "c.fatigue"),
            coding("a:2", "c.fatigue"),
            coding("a:3", "c.money"),
            coding("a:4", "c.money"),
        ];
        let data = Dataset::new(&quotes, &codings, None, &Filter::default());
        let options = ReportOptions {
            by: vec!["area".into()],
            normalise,
            ..ReportOptions::default()
        };
        Report::new(&data, &options)
    }

    #[test]
    fn a_matrix_as_csv_has_a_column_per_value_and_the_total() {
        let csv = matrix_csv(&report(false), "area").expect("an area matrix");
        assert_eq!(
            csv,
            "theme,name,Leeds,Wigan,(none),total\n\
             c.fatigue,c.fatigue,1,1,0,2\n\
             c.money,c.money,0,1,1,2\n"
        );
        let shares = matrix_csv(&report(true), "area").expect("an area matrix");
        assert!(
            shares.contains("c.fatigue,c.fatigue,1.0000,0.5000,0.0000,2\n"),
            "{shares}"
        );
        assert_eq!(matrix_csv(&report(false), "sector"), None);
    }

    #[test]
    fn frequency_as_csv_has_a_row_per_theme() {
        let csv = frequency_csv(&report(false));
        assert_eq!(
            csv,
            "theme,name,category,quotes,speakers,sources,share\n\
             c.fatigue,c.fatigue,c,2,2,1,0.5000\n\
             c.money,c.money,c,2,2,1,0.5000\n"
        );
    }
}
