//! Reports as CSV for R and pandas: tidy (one row per quote and theme) and wide (one row
//! per quote, a 0/1 column per theme).

use crate::dataset::{ATTRIBUTES, Dataset, attribute_value};
use crate::memo::Memo;

/// One row per (quote, theme) with every attribute, the text, and the memos on the quote
/// and its theme (`memos`, joined by ` | `).
pub fn tidy_csv(data: &Dataset<'_>, memos: &[Memo]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["quote", "theme", "category", "score", "origin"];
    header.extend(ATTRIBUTES);
    header.push("text");
    header.push("memos");
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
            ];
            row.extend(
                ATTRIBUTES
                    .iter()
                    .map(|a| blank_none(attribute_value(quote, a))),
            );
            row.push(quote.text.clone());
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
