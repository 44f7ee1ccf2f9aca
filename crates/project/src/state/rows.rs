//! The new table's rows: attribute values and codes, kept rows copied from the old table
//! and new ones from the quotes just read.

use verbatim_model::{Code, QuoteTable, Remap};

use super::plan::Plan;

/// Fills the table's attribute columns and codes, row by row: kept rows from the old
/// table, new ones from `fresh_rows` with the applied codes of `fresh_codes`; `line_ends`
/// has every row's.
pub(crate) fn fill_rows(
    table: &mut QuoteTable,
    plan: &Plan<'_>,
    line_ends: &[u64],
    fresh_rows: &QuoteTable,
    fresh_codes: &[Vec<Code>],
) {
    let mut row = 0;
    let mut fresh_row = 0;
    let mut remap = Remap::default();
    let mut fresh_remap = Remap::default();
    let counts: Vec<usize> = table.sources.iter().map(|s| s.rows as usize).collect();
    for (entry, count) in plan.reused.iter().zip(counts) {
        match (entry, plan.old) {
            (Some(entry), Some(old)) => {
                let first = entry.first_row as usize;
                let ends = &line_ends[row..row + count];
                table.append_rows(old, first..first + count, ends, &mut remap);
            }
            _ => {
                for at in fresh_row..fresh_row + count {
                    let end = &line_ends[row + at - fresh_row..][..1];
                    table.append_rows(fresh_rows, at..at + 1, end, &mut fresh_remap);
                    // The table holds the codes that count; suggestions live in the
                    // codings file only.
                    for code in fresh_codes[at].iter().filter(|c| c.origin.applies()) {
                        table.push_code(row + at - fresh_row, &code.theme, code.score, code.origin);
                    }
                }
                fresh_row += count;
            }
        }
        row += count;
    }
}
