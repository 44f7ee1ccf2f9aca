//! WebVTT captions through `verbatim_ingest::ingest`, the format forced to VTT.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_ingest::Format;

fuzz_target!(|data: &[u8]| {
    verbatim_fuzz::ingest_and_check(data, "vtt", Some(Format::Vtt));
});
