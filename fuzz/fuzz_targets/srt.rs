//! SubRip captions through `verbatim_ingest::ingest`, the format forced to SRT.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_ingest::Format;

fuzz_target!(|data: &[u8]| {
    verbatim_fuzz::ingest_and_check(data, "srt", Some(Format::Srt));
});
