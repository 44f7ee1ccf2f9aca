//! The quote table's attribute columns, and a table made in memory for quotes that are not
//! a project's.

use verbatim_coder::attribute;
use verbatim_model::{CodedQuote, Quote, QuoteTable};

/// Attribute columns of the quote table, in order.
pub const TABLE_COLUMNS: [&str; 8] = [
    "speaker",
    "role",
    "organisation",
    "area",
    "sector",
    "source",
    "round",
    "speaker_hint",
];

/// A quote's value for a table column.
pub fn column_value<'q>(quote: &'q Quote, column: &str) -> Option<&'q str> {
    match column {
        "speaker_hint" => quote.speaker_hint.as_deref(),
        name => attribute(quote, name),
    }
}

/// A table of coded quotes held in memory (row `i` is quote `i`; line offsets count rows).
pub fn table_of(coded: &[CodedQuote]) -> QuoteTable {
    let mut table = QuoteTable::new(&TABLE_COLUMNS);
    for (row, coded) in coded.iter().enumerate() {
        let values: Vec<Option<&str>> = TABLE_COLUMNS
            .iter()
            .map(|name| column_value(&coded.quote, name))
            .collect();
        table.push_row(row as u64 + 1, &values);
        for code in &coded.codes {
            table.push_code(row, &code.theme, code.score, code.origin);
        }
    }
    table
}
