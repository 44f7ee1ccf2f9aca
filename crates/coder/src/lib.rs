//! The coder: a tantivy index over quotes and a codebook's rules compiled to queries, so
//! that every quote gets the themes it is evidence for, each with a calibrated score and
//! the words that fired, and every decision can be explained.
//!
//! # Example
//!
//! ```
//! use verbatim_coder::{Coder, QuoteIndex};
//! use verbatim_model::{Codebook, Quote};
//!
//! let codebook = Codebook::from_toml_str(r#"
//! [codebook]
//! id = "demo"
//! name = "Demo"
//! [[category]]
//! id = "challenge"
//! name = "Challenges"
//! [[theme]]
//! id = "challenge.fatigue"
//! category = "challenge"
//! name = "Fatigue"
//! [[theme.rules]]
//! any = ["tired", "exhausted", "running on empty"]
//! "#, "demo.toml")?;
//! let quote: Quote = serde_json::from_str(r#"{"id":"a:1","source":"a.txt","start":0,"end":28,
//!     "line":1,"text":"Staff are exhausted and tired","context":null,"speaker":null,
//!     "speaker_hint":null,"role":null,"organisation":null,"area":null,"sector":null,
//!     "round":null,"section":null}"#)?;
//! let index = QuoteIndex::in_memory(&[quote])?;
//! let codes = Coder::new(&codebook)?.code(&index)?;
//! assert_eq!(codes[0][0].theme, "challenge.fatigue");
//! assert_eq!(codes[0][0].evidence, ["tired", "exhausted"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analyzer;
mod check;
mod coding;
mod compile;
mod error;
mod example_words;
mod explain;
mod fusion;
mod hits;
mod index;
mod meaning;
mod query_depth;
mod rank;
mod rule_sets;
mod shared_words;
mod statistics;
mod stem_cache;
mod stem_catches;
mod suggest;

pub use analyzer::{ANALYZER, Token, analyzer, register, stem_family, tokens};
pub use check::{Problem, check_codebook};
pub use coding::{CONTEXT_FACTOR, Coder, NearMiss, RuleHit, ThemeEvidence, codes};
pub use compile::{
    CompiledRule, CompiledTheme, DEFAULT_THRESHOLD, Matcher, Near, compile, compile_theme,
};
pub use error::CoderError;
pub use example_words::{ExampleWords, NearestByWords, TextExample, codebook_examples};
pub use explain::{evidence_spans, highlight, mark, words_for_term};
pub use fusion::{
    APPLY_AT, Evidence, FEATURE_NAMES, FEATURES, Features, FusionWeights, RANKED, code_score,
    contributions, fit, fit_columns, score,
};
pub use hits::Matches;
pub use index::{Fields, IndexBuilder, Part, QuoteIndex, attribute};
pub use meaning::{Closeness, Example, ThemeVectors, cosine, definition_text};
pub use query_depth::MAX_NESTING;
pub use rank::{Meaning, PairEvidence};
pub use shared_words::{ThemeWords, theme_text};
pub use stem_catches::{StemCatch, stem_catches};
pub use suggest::{Suggestion, suggest_terms};
