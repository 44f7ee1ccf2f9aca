//! Roster CSV (`verbatim_model::Roster::from_csv_str`), every name of the input resolved
//! against it, and a saved roster read back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_model::{Resolution, Roster, normalise_name, strip_titles};

fuzz_target!(|data: &[u8]| {
    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    // Names as a transcript writes them: each line's first field, also against the
    // bundled roster (name matching is the reader's other half).
    let names: Vec<&str> = text
        .lines()
        .take(64)
        .map(|line| line.split(',').next().unwrap_or(line))
        .collect();
    for name in &names {
        let _ = normalise_name(name);
        let _ = strip_titles(name);
        let _ = verbatim_fuzz::roster().resolve(name);
    }
    let Ok(roster) = Roster::from_csv_str(text, "roster.csv") else {
        return;
    };
    for name in &names {
        if let Resolution::Matched(speaker) = roster.resolve(name) {
            let _ = &speaker.name;
        }
    }
    for speaker in roster.speakers() {
        let _ = roster.resolve(&speaker.name);
    }
    let saved = roster.to_csv_string();
    let again = Roster::from_csv_str(&saved, "saved.csv");
    assert!(
        again.is_ok(),
        "a roster that read does not read back once saved: {:?}\n--- saved ---\n{saved}",
        again.err()
    );
});
