//! Word documents' XML: the input becomes `word/document.xml` of a well-formed zip archive
//! (stored or deflated, by input length), so the fuzzer works on the paragraph reader
//! rather than on zip headers; read through `verbatim_ingest::ingest` with format
//! detection.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

fuzz_target!(|data: &[u8]| {
    let method = if data.len() % 2 == 0 {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    writer
        .start_file("word/document.xml", options)
        .expect("zip entry");
    writer.write_all(data).expect("zip write");
    let bytes = writer.finish().expect("zip finish").into_inner();
    verbatim_fuzz::ingest_and_check(&bytes, "docx", None);
});
