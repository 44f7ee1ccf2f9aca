//! Readers' search queries: `QuoteIndex::parse_search` (the nesting bound, then tantivy's
//! query parser with stemming), and the parsed query run over a small index of bundled
//! quotes (`matches`, then `best` among them).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(query) = verbatim_fuzz::text(data) else {
        return;
    };
    verbatim_fuzz::with_index(|index| {
        let Ok(parsed) = index.parse_search(query) else {
            return;
        };
        let Ok(matches) = index.matches(parsed.as_ref()) else {
            return;
        };
        let _ = index.best(parsed.as_ref(), 10, Some((&matches, &matches.rows)));
        let _ = index.best(parsed.as_ref(), 3, None);
    });
});
