use serde::{Deserialize, Serialize};

use crate::Quote;

/// Who made a coding decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A person; never replaced by automatic coding.
    Manual,
    /// Verbatim's coder.
    Auto,
}

/// One stored coding decision: a quote coded to a theme (a line of `codings.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coding {
    /// Id of the quote.
    pub quote: String,
    /// Id of the theme.
    pub theme: String,
    /// Calibrated strength of the evidence (manual codings may leave it out).
    #[serde(default)]
    pub score: Option<f64>,
    /// Manual or automatic.
    pub origin: Origin,
    /// The coder's name, for manual codings and agreement.
    #[serde(default)]
    pub coder: Option<String>,
    /// The rules and words that fired.
    #[serde(default)]
    pub evidence: Vec<String>,
}

impl Coding {
    /// The code this stored decision gives its quote (a missing score counts as 0).
    pub fn to_code(&self) -> Code {
        Code {
            theme: self.theme.clone(),
            score: self.score.unwrap_or(0.0),
            origin: self.origin,
            evidence: self.evidence.clone(),
        }
    }
}

/// A theme attached to a quote in coded output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// Id of the theme.
    pub theme: String,
    /// Calibrated score, comparable across themes.
    pub score: f64,
    /// Manual or automatic.
    pub origin: Origin,
    /// The rules and words that fired.
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A quote with its codes, best first: the output of `verbatim code --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodedQuote {
    /// The quote itself; its fields are flattened into the object.
    #[serde(flatten)]
    pub quote: Quote,
    /// Codes, highest score first; manual codes rank first.
    pub codes: Vec<Code>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coding_lines_round_trip_with_lowercase_origin() {
        let line = r#"{"quote":"a:1","theme":"challenge.fatigue","score":7.31,"origin":"auto","coder":null,"evidence":["tired","second wave"]}"#;
        let coding: Coding = serde_json::from_str(line).expect("parse");
        assert_eq!(coding.origin, Origin::Auto);
        assert_eq!(serde_json::to_string(&coding).expect("write"), line);
        let manual: Coding =
            serde_json::from_str(r#"{"quote":"a:2","theme":"t","origin":"manual","coder":"jo"}"#)
                .expect("manual without score");
        assert_eq!(manual.score, None);
        assert!(manual.evidence.is_empty());
    }
}
