//! Codings JSON Lines: `verbatim_model::read_jsonl_str::<Coding>`, then codes per quote
//! merged and sorted as the engine does, agreement between the coders it names
//! (`verbatim_report::agreement`, on quotes and on characters, with a gold), and the
//! engine's reading of a codings file's manual codings (with a torn last line) through
//! `verbatim_project::state::manual_codings`.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use verbatim_model::{
    Coding, Origin, Quote, codes_by_quote, merge_codes, read_jsonl_str, sort_codes,
};
use verbatim_report::{AgreementOptions, AgreementUnit, CoderCodings, agreement};

fuzz_target!(|data: &[u8]| {
    let path = verbatim_fuzz::scratch().join("codings.jsonl");
    std::fs::write(&path, data).expect("write codings");
    let _ = verbatim_project::state::manual_codings(&path, None, &verbatim_project::Silent);

    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    let Ok(codings) = read_jsonl_str::<Coding>(text, std::path::Path::new("codings.jsonl")) else {
        return;
    };
    let by_quote = codes_by_quote(&codings);
    for codes in by_quote.values() {
        let manual: Vec<_> = codes
            .iter()
            .filter(|c| c.origin == Origin::Manual)
            .cloned()
            .collect();
        let auto: Vec<_> = codes
            .iter()
            .filter(|c| c.origin != Origin::Manual)
            .cloned()
            .collect();
        let mut merged = merge_codes(Some(&manual), auto);
        sort_codes(&mut merged);
    }
    // Coders as `verbatim agree` groups them: by the coder named, automatic ones as one.
    let mut coders: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
    for coding in &codings {
        let name = coding
            .coder
            .clone()
            .unwrap_or_else(|| verbatim_model::AUTO_CODER.to_string());
        coders.entry(name).or_default().push(coding.clone());
    }
    let coders: Vec<CoderCodings> = coders
        .into_iter()
        .map(|(name, codings)| CoderCodings {
            name,
            codings,
            reviewed: None,
        })
        .collect();
    // The quotes: every quote named, in sources by the id's prefix, and the corpus's.
    let mut quotes: Vec<Quote> = verbatim_fuzz::corpus_quotes().to_vec();
    let mut named: Vec<&str> = codings.iter().map(|c| c.quote.as_str()).collect();
    named.sort_unstable();
    named.dedup();
    for id in named {
        let source = id.rsplit_once(':').map_or(id, |(s, _)| s);
        quotes.push(Quote::new(id, source, format!("words of {id}")));
    }
    for (unit, gold) in [(AgreementUnit::Quote, None), (AgreementUnit::Char, Some(0))] {
        let options = AgreementOptions {
            unit,
            gold: gold.filter(|_| !coders.is_empty()),
            themes: Vec::new(),
        };
        let _ = agreement(&quotes, &coders, &options);
    }
});
