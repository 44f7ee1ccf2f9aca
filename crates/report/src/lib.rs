//! Reports on coded quotes: how often each theme comes up, where and for whom, with the
//! quotes behind every number.
//!
//! A [`Dataset`] joins quotes with their codings under a [`Filter`] and the counting rules
//! (a quote coded twice to one theme counts once); a [`Report`] holds every count; the
//! renderers turn it into Markdown, tidy or wide CSV, JSON or a self-contained HTML page.
//!
//! # Example
//!
//! ```
//! use verbatim_model::{Coding, Origin, Quote};
//! use verbatim_report::{Dataset, Filter, Report, ReportOptions, markdown};
//!
//! let quote: Quote = serde_json::from_str(r#"{"id":"a:1","source":"a.txt","start":0,"end":5,
//!     "line":1,"text":"Tired","context":null,"speaker":"Ann Lee","speaker_hint":null,
//!     "role":null,"organisation":null,"area":"Wigan","sector":"council","round":null,
//!     "section":null}"#)?;
//! let coding = Coding { quote: "a:1".into(), theme: "challenge.fatigue".into(), score: Some(1.0),
//!     origin: Origin::Auto, coder: None, evidence: vec![] };
//! let (quotes, codings) = ([quote], [coding]);
//! let data = Dataset::new(&quotes, &codings, None, &Filter::default());
//! let report = Report::new(&data, &ReportOptions::default());
//! assert_eq!(report.themes[0].quotes, 1);
//! assert_eq!(report.matrices[0].columns, ["Wigan"]);
//! assert!(markdown(&report).contains("| challenge.fatigue |"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod agree;
mod dataset;
mod html;
mod html_text;
mod markdown;
mod memo;
mod reliability;
mod report;
mod stats;
mod table;

pub use agree::{
    AgainstGold, Agreement, AgreementOptions, AgreementUnit, CoderCodings, Disagreement,
    ThemeAgreement, agreement,
};
pub use dataset::{
    ATTRIBUTES, COUNTING_RULES, Counted, Dataset, Filter, NO_VALUE, ThemeInfo, attribute_value,
};
pub use html::html;
pub use html_text::escape;
pub use markdown::{markdown, markdown_summary};
pub use memo::Memo;
pub use reliability::{
    Unit, cohen_kappa, krippendorff_alpha, percent_agreement, precision_recall_f1,
};
pub use report::{Report, ReportOptions};
pub use stats::{
    Cell, CoOccurrence, Frequency, Matrix, TopQuote, category_frequency, co_occurrence, matrix,
    theme_frequency, top_quotes,
};
pub use table::{frequency_csv, matrix_csv, tidy_csv, wide_csv};
