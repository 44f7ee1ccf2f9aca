//! Word documents as raw bytes (the zip archive itself) through `verbatim_ingest::ingest`,
//! the format forced to docx; and through format detection, which also decides between a
//! transcript and a report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_ingest::Format;

fuzz_target!(|data: &[u8]| {
    verbatim_fuzz::ingest_and_check(data, "docx", Some(Format::Docx));
    verbatim_fuzz::ingest_and_check(data, "docx", None);
});
