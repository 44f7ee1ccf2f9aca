//! What the fuzz targets share: the bundled roster, a small index over the bundled corpus,
//! a scratch folder for the readers that take a path, and the checks every ingest result
//! must pass (the quote contract of `design.md`).
//!
//! Only the library crates' public APIs are used, as a caller would use them.

use std::path::PathBuf;
use std::sync::OnceLock;

use verbatim_coder::QuoteIndex;
use verbatim_ingest::{Format, IngestOptions, Ingested, Source, ingest, read_transcript};
use verbatim_model::{Quote, Roster};

/// The roster of the bundled corpus, read once.
pub fn roster() -> &'static Roster {
    static ROSTER: OnceLock<Roster> = OnceLock::new();
    ROSTER.get_or_init(|| {
        Roster::from_csv_str(include_str!("../../corpus/roster.csv"), "corpus/roster.csv")
            .expect("the bundled roster reads")
    })
}

/// Quotes of a few bundled interviews, read once: what the index and agreement targets
/// search and compare over.
pub fn corpus_quotes() -> &'static [Quote] {
    static QUOTES: OnceLock<Vec<Quote>> = OnceLock::new();
    QUOTES.get_or_init(|| {
        let sources: [(&str, &str, &[u8]); 3] = [
            (
                "corpus/bradford-council-ceo.txt",
                "bradford-council-ceo",
                include_bytes!("../../corpus/bradford-council-ceo.txt"),
            ),
            (
                "corpus/ni-police.vtt",
                "ni-police",
                include_bytes!("../../corpus/ni-police.vtt"),
            ),
            (
                "corpus/hounslow-hub.md",
                "hounslow-hub",
                include_bytes!("../../corpus/hounslow-hub.md"),
            ),
        ];
        let mut quotes = Vec::new();
        for (name, id, bytes) in sources {
            let source = Source {
                name,
                id,
                extension: name.rsplit('.').next(),
                bytes,
            };
            let ingested = ingest(&source, Some(roster()), &IngestOptions::default())
                .expect("a bundled interview reads");
            quotes.extend(ingested.quotes);
        }
        assert!(!quotes.is_empty(), "the bundled interviews hold quotes");
        quotes
    })
}

/// An in-memory index over [`corpus_quotes`], built once per process (per thread, as
/// libFuzzer runs one input at a time on one thread).
pub fn with_index<R>(f: impl FnOnce(&QuoteIndex) -> R) -> R {
    thread_local! {
        static INDEX: QuoteIndex = QuoteIndex::in_memory(corpus_quotes())
            .expect("the corpus index builds");
    }
    INDEX.with(f)
}

/// A scratch folder of this process, for readers that take a path.
pub fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("verbatim-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// Options derived from the input itself (its length), so the seeds stay plain files
/// while the fuzzer still reaches the other settings: short quotes split at sentence
/// ends, interviewer turns kept, the document's own roster preferred.
pub fn options_for(bytes: &[u8], format: Option<Format>) -> IngestOptions {
    // Built on the defaults, so options added to the library later keep theirs.
    let n = bytes.len();
    let mut options = IngestOptions {
        format,
        ..IngestOptions::default()
    };
    if n % 3 == 0 {
        options.max_words = 12;
    }
    options.keep_interviewer = n % 5 == 0;
    options.keep_smalltalk = n % 2 == 0;
    if n % 7 == 0 {
        options.interviewers = vec!["Q".into(), "Interviewer".into()];
    }
    if n % 4 == 0 {
        options.min_quote_words = 1;
    }
    options.prefer_document_roster = n % 2 == 1;
    if n % 11 == 0 {
        options
            .facts
            .push(("interviewee".into(), "Margaret Okonkwo-Reid".into()));
    }
    options
}

/// Ingests `bytes` as `format` (with the bundled roster for inputs of even length,
/// without one for odd) and checks the quote contract: offsets within the text quote
/// offsets count in, ordered, and for transcripts (every format but reports, whose quote
/// text is the spoken words cleaned) the text exactly the characters the offsets cover.
pub fn ingest_and_check(bytes: &[u8], extension: &str, format: Option<Format>) {
    let options = options_for(bytes, format);
    let source = Source {
        name: "fuzz-input",
        id: "fuzz",
        extension: Some(extension),
        bytes,
    };
    let roster = (bytes.len() % 2 == 0).then(roster);
    let Ok(ingested) = ingest(&source, roster, &options) else {
        return;
    };
    check_quotes(&source, &options, &ingested);
}

fn check_quotes(source: &Source<'_>, options: &IngestOptions, ingested: &Ingested) {
    if ingested.quotes.is_empty() {
        return;
    }
    let (transcript, format, _, _) = read_transcript(source, options, &|_| false)
        .expect("a source that ingested reads as a transcript");
    let chars: Vec<char> = transcript.text.chars().collect();
    for quote in &ingested.quotes {
        assert!(
            quote.start <= quote.end && quote.end <= chars.len(),
            "quote {} spans {}..{} of a text of {} chars",
            quote.id,
            quote.start,
            quote.end,
            chars.len()
        );
        assert!(quote.line >= 1, "quote {} on line 0", quote.id);
        if format != Format::Report && ingested.format != Format::Report {
            let span: String = chars[quote.start..quote.end].iter().collect();
            assert_eq!(
                span, quote.text,
                "quote {}: the text is not the characters its offsets cover",
                quote.id
            );
        }
    }
}

/// The input as text, if it is UTF-8 (the text readers take `&str`).
pub fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}
