//! REFI-QDA codebooks (`.qdc`): `verbatim_refi::read_codebook` on any bytes, then, for a
//! codebook that reads, written as `.qdc` and read back (with itself as the known codebook,
//! as an import into the project it came from): the same themes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_refi::{read_codebook, write_codebook};

fuzz_target!(|data: &[u8]| {
    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    let Ok(codebook) = read_codebook(text, "fuzz.qdc", None) else {
        return;
    };
    let Ok(written) = write_codebook(&codebook) else {
        return;
    };
    let again = read_codebook(&written, "written.qdc", Some(&codebook));
    match again {
        Ok(again) => assert_eq!(
            again.themes, codebook.themes,
            "a codebook written as .qdc reads back differently\n--- written ---\n{written}"
        ),
        Err(error) => panic!("a codebook written as .qdc does not read back: {error}\n{written}"),
    }
});
