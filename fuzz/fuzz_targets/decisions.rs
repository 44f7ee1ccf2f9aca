//! A project's codings file and its anchors: `verbatim_model::read_manual_codings`, the
//! decisions placed on the corpus's quotes and written back (the text written must read
//! back as the same decisions), and `find_span` finding a span of the input again after
//! part of it is cut out: whatever it answers must be text the edited source has there.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_model::{manual_codings_text, read_manual_codings};
use verbatim_project::manual::anchor::{Found, char_slice, find_span};
use verbatim_project::manual::place::{QuoteSpan, place};

fuzz_target!(|data: &[u8]| {
    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    let path = std::path::Path::new("codings.jsonl");
    if let Ok(mut codings) = read_manual_codings(text, path) {
        let quotes: Vec<QuoteSpan> = verbatim_fuzz::corpus_quotes()
            .iter()
            .map(|q| QuoteSpan::of(q.clone()))
            .collect();
        let _ = place(&mut codings, &quotes, &|theme| theme.to_string());
        let written = manual_codings_text(&codings);
        let again = read_manual_codings(&written, path).expect("written decisions read back");
        assert_eq!(again, codings, "decisions round trip");
    }

    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if n < 2 {
        return;
    }
    let start = usize::from(data[0]) * 7 % n;
    let end = start + 1 + usize::from(data[data.len() - 1]) % (n - start);
    let span: String = chars[start..end.min(n)].iter().collect();
    let cut = usize::from(data[data.len() / 2]) * 13 % n;
    let cut_len = usize::from(data[1]) % 9;
    let edited: String = chars[..cut]
        .iter()
        .chain(chars.get(cut + cut_len..).unwrap_or(&[]))
        .collect();
    let span_chars = span.chars().count();
    match find_span(&edited, &span, start) {
        Found::InPlace => {
            assert_eq!(char_slice(&edited, start, start + span_chars), Some(span.as_str()));
        }
        Found::Moved { start, end } => {
            assert_eq!(char_slice(&edited, start, end), Some(span.as_str()));
        }
        Found::Edited { start, end, text } => {
            assert_eq!(char_slice(&edited, start, end), Some(text.as_str()));
        }
        Found::Lost => {}
    }
});
