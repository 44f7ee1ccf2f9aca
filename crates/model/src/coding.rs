use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Quote;

/// The coder name written on automatic codings.
pub const AUTO_CODER: &str = "verbatim";

/// Who made a coding decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A person; never replaced by automatic coding.
    Manual,
    /// Verbatim's coder, above the threshold: the theme applies.
    Auto,
    /// Verbatim's coder, below the threshold: one of the quote's next best themes, kept
    /// for review and never counted.
    Suggested,
}

impl Origin {
    /// True for codes that count: manual ones and automatic ones that apply.
    pub fn applies(self) -> bool {
        self != Origin::Suggested
    }
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

/// Stored codings as each quote's codes, in file order; a theme coded by hand by several
/// coders is one manual code.
pub fn codes_by_quote(codings: &[Coding]) -> HashMap<&str, Vec<Code>> {
    let mut by_quote: HashMap<&str, Vec<Code>> = HashMap::new();
    for coding in codings {
        let codes = by_quote.entry(coding.quote.as_str()).or_default();
        if !codes
            .iter()
            .any(|c| c.theme == coding.theme && c.origin == coding.origin)
        {
            codes.push(coding.to_code());
        }
    }
    by_quote
}

/// A quote's codes: manual ones as written, then automatic ones for other themes, in
/// [`sort_codes`] order.
pub fn merge_codes(manual: Option<&Vec<Code>>, auto: Vec<Code>) -> Vec<Code> {
    let mut codes: Vec<Code> = manual.cloned().unwrap_or_default();
    let manual_themes: Vec<String> = codes.iter().map(|m| m.theme.clone()).collect();
    codes.extend(
        auto.into_iter()
            .filter(|a| !manual_themes.contains(&a.theme)),
    );
    sort_codes(&mut codes);
    codes
}

/// Orders a quote's codes as every command shows them: manual first, then by score, then
/// by theme.
pub fn sort_codes(codes: &mut [Code]) {
    codes.sort_by(|a, b| {
        (b.origin == Origin::Manual)
            .cmp(&(a.origin == Origin::Manual))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.theme.cmp(&b.theme))
    });
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

impl Code {
    /// The stored decision this code is for quote `quote`: the one conversion from codes
    /// to lines of `codings.jsonl`. Automatic codes are signed [`AUTO_CODER`]; a manual
    /// code carries no coder (a person's codings are stored as they wrote them).
    pub fn to_coding(&self, quote: &str) -> Coding {
        Coding {
            quote: quote.to_string(),
            theme: self.theme.clone(),
            score: Some(self.score),
            origin: self.origin,
            coder: (self.origin != Origin::Manual).then(|| AUTO_CODER.to_string()),
            evidence: self.evidence.clone(),
        }
    }
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

    fn code(theme: &str, score: f64, origin: Origin) -> Code {
        Code {
            theme: theme.into(),
            score,
            origin,
            evidence: vec!["tired".into()],
        }
    }

    #[test]
    fn manual_codes_rank_first_and_replace_automatic_ones_of_their_theme() {
        let manual = vec![code("b", 0.0, Origin::Manual)];
        let auto = vec![
            code("a", 0.4, Origin::Auto),
            code("b", 0.9, Origin::Auto),
            code("c", 0.8, Origin::Auto),
        ];
        let merged = merge_codes(Some(&manual), auto);
        let order: Vec<(&str, Origin)> = merged
            .iter()
            .map(|c| (c.theme.as_str(), c.origin))
            .collect();
        assert_eq!(
            order,
            [
                ("b", Origin::Manual),
                ("c", Origin::Auto),
                ("a", Origin::Auto)
            ]
        );
    }

    #[test]
    fn an_automatic_code_round_trips_through_its_stored_coding() {
        let auto = code("challenge.fatigue", 0.73, Origin::Auto);
        let coding = auto.to_coding("a:3");
        assert_eq!(coding.coder.as_deref(), Some(AUTO_CODER));
        assert_eq!(coding.quote, "a:3");
        assert_eq!(coding.to_code(), auto);
        let by_quote = codes_by_quote(std::slice::from_ref(&coding));
        assert_eq!(by_quote["a:3"], [auto]);
    }

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
