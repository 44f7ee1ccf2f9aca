//! Codebook TOML: `verbatim_coder::check_codebook` (which parses with
//! `verbatim_model::Codebook::from_toml_str`), then the rules compiled
//! (`verbatim_coder::compile`, raw `query` strings through the bounded query parser), a
//! `Coder` built and run over a small index of bundled quotes, and the codebook saved and
//! read back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_coder::{Coder, check_codebook, compile};
use verbatim_model::Codebook;

fuzz_target!(|data: &[u8]| {
    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    let (codebook, _problems) = check_codebook(text, std::path::Path::new("codebook.toml"));
    let Some(codebook) = codebook else {
        return;
    };
    let _ = compile(&codebook);
    if let Ok(coder) = Coder::new(&codebook) {
        verbatim_fuzz::with_index(|index| {
            let _ = coder.code(index);
        });
    }
    if let Ok(saved) = codebook.to_toml_string() {
        let again = Codebook::from_toml_str(&saved, "saved.toml");
        assert!(
            again.is_ok(),
            "a codebook that read does not read back once saved: {:?}\n--- saved ---\n{saved}",
            again.err()
        );
    }
});
