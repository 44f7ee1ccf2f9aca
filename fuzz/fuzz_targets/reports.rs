//! Written reports (prose quoting interviewees, PDFs pasted as text): the write-up
//! extraction of `verbatim_ingest` (`ingest` with the format forced to report; quotation
//! spans, attribution, pull quotes, page furniture) and its "Interviewees" list read as a
//! roster (`interviewee_list`), plus area and sector inference on the input's first line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_ingest::{Format, infer_area, infer_sector, interviewee_list};

fuzz_target!(|data: &[u8]| {
    verbatim_fuzz::ingest_and_check(data, "txt", Some(Format::Report));
    if let Some(text) = verbatim_fuzz::text(data) {
        if let Some(speakers) = interviewee_list(text) {
            // A list read as a roster is a valid roster.
            let _ = verbatim_model::Roster::new(speakers, std::path::Path::new("report.txt"));
        }
        let line = text.lines().next().unwrap_or("");
        let _ = infer_sector(line);
        let _ = infer_area(line);
    }
});
