//! The encoder against vectors computed independently (a numpy implementation of the
//! same model, `tests/reference/make_reference.py`), to 1e-4.
//!
//! Needs the installed all-MiniLM-L6-v2 (`verbatim model add`); `.ci/run` installs it and
//! sets `VERBATIM_REQUIRE_MODEL=1`, which turns a missing model into a failure. A plain
//! `cargo test` on a machine without the model says so and checks nothing else.

use verbatim_semantic::Encoder;
use verbatim_semantic::install::{KNOWN_NAME, find, models_dir};

fn encoder() -> Option<Encoder> {
    let required = std::env::var("VERBATIM_REQUIRE_MODEL").is_ok_and(|v| v == "1");
    let files = models_dir()
        .ok()
        .and_then(|dir| find(&dir, Some(KNOWN_NAME)).ok().flatten());
    match files {
        Some(files) => Some(Encoder::load(&files).expect("the installed model loads")),
        None if required => panic!("VERBATIM_REQUIRE_MODEL=1 but {KNOWN_NAME} is not installed"),
        None => {
            eprintln!("{KNOWN_NAME} not installed: reference vectors not compared");
            None
        }
    }
}

#[test]
fn vectors_match_an_independent_implementation() {
    let Some(encoder) = encoder() else { return };
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("reference/all-minilm-l6-v2.json")).expect("json");
    let sentences = reference["sentences"].as_array().expect("sentences");
    let texts: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().expect("text"))
        .collect();
    let vectors = encoder.embed(&texts).expect("embedding");
    for (sentence, vector) in sentences.iter().zip(&vectors) {
        let ids: Vec<u32> = sentence["token_ids"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|v| v.as_u64().expect("id") as u32)
            .collect();
        assert_eq!(
            encoder
                .token_ids(sentence["text"].as_str().expect("text"))
                .expect("ids"),
            ids
        );
        let want: Vec<f64> = sentence["vector"]
            .as_array()
            .expect("vector")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        assert_eq!(vector.len(), want.len());
        let worst = vector
            .iter()
            .zip(&want)
            .map(|(a, b)| (f64::from(*a) - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-4, "{}: off by {worst}", sentence["text"]);
    }
}

#[test]
fn a_text_gets_the_same_vector_alone_or_in_a_batch() {
    let Some(encoder) = encoder() else { return };
    let texts = [
        "Volunteers ran the food hub.",
        "We met every morning.",
        "Volunteers ran the food hub.",
        "Data sharing happened in days, not years.",
    ];
    let together = encoder.embed(&texts).expect("batch");
    for (text, vector) in texts.iter().zip(&together) {
        assert_eq!(&encoder.embed(&[text]).expect("alone")[0], vector, "{text}");
    }
}
