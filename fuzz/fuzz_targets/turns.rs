//! Plain-text and Markdown transcripts (speaker turns, front matter, headers, Otter.ai and
//! video-call names) through `verbatim_ingest::ingest`, the format forced to text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_ingest::Format;

fuzz_target!(|data: &[u8]| {
    verbatim_fuzz::ingest_and_check(data, "txt", Some(Format::Text));
});
