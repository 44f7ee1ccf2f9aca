//! The quote table (`.verbatim/table.bin`): `verbatim_model::QuoteTable::from_bytes`, then
//! every row's line, values and codes read, and the table written and read back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_model::QuoteTable;

fuzz_target!(|data: &[u8]| {
    let Some(table) = QuoteTable::from_bytes(data) else {
        return;
    };
    let columns = table.columns.len();
    for row in 0..table.rows().min(4096) {
        let _ = table.line(row);
        for column in 0..columns {
            let _ = table.value(row, column);
        }
        for code in table.codes(row) {
            let _ = table.theme_id(code.theme);
        }
    }
    let bytes = table.to_bytes();
    assert!(
        QuoteTable::from_bytes(&bytes).is_some(),
        "a table that read does not read back once written"
    );
});
