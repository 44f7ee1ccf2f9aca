//! What `verbatim explain` shows: the words of a quote that fired a theme, marked in the
//! quote's text.

use std::collections::HashSet;

use crate::analyzer::tokens;
use crate::coding::ThemeEvidence;
use crate::compile::CompiledTheme;

/// The stems behind a theme's evidence in a quote's own words (not its context).
pub fn evidence_stems(theme: &CompiledTheme, evidence: &ThemeEvidence) -> HashSet<String> {
    let mut stems = HashSet::new();
    let fired = evidence
        .hits
        .iter()
        .filter(|h| !h.in_context)
        .map(|h| (h.rule, &h.terms));
    let missed = evidence.near_misses.iter().map(|m| (m.rule, &m.terms));
    for (number, terms) in fired.chain(missed) {
        let Some(rule) = theme.rules.iter().find(|r| r.number == number) else {
            continue;
        };
        for matcher in rule
            .any
            .iter()
            .chain(&rule.all)
            .filter(|m| terms.contains(&m.label))
        {
            stems.extend(matcher.all_stems().cloned());
        }
        if let Some(near) = &rule.near
            && terms.contains(&near.label())
        {
            stems.extend(near.stems.iter().cloned());
        }
    }
    stems
}

/// The quote's own words behind a rule term: every run of consecutive words of `text`
/// matching the term's stems (a phrase as a phrase), as written, each once. Empty when
/// the term was found only in the question before the quote.
pub fn words_for_term(theme: &CompiledTheme, rule: usize, term: &str, text: &str) -> Vec<String> {
    let Some(rule) = theme.rules.iter().find(|r| r.number == rule) else {
        return Vec::new();
    };
    let Some(matcher) = rule.any.iter().chain(&rule.all).find(|m| m.label == term) else {
        return Vec::new();
    };
    let tokens = tokens(text);
    let width = matcher.stems.len();
    let mut found: Vec<String> = Vec::new();
    for start in 0..tokens.len() {
        let window = &tokens[start..(start + width).min(tokens.len())];
        let matches = window.len() == width
            && window
                .iter()
                .zip(&matcher.stems)
                .all(|(token, stems)| stems.contains(&token.stem));
        if let (true, Some(first), Some(last)) = (matches, window.first(), window.last()) {
            let words = text[first.from..last.to].to_string();
            if !found.contains(&words) {
                found.push(words);
            }
        }
    }
    found
}

/// `text` with every word whose stem is in `stems` wrapped in `open` and `close`.
pub fn highlight(text: &str, stems: &HashSet<String>, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut cursor = 0;
    for token in tokens(text) {
        if stems.contains(&token.stem) && token.from >= cursor {
            out.push_str(&text[cursor..token.from]);
            out.push_str(open);
            out.push_str(&text[token.from..token.to]);
            out.push_str(close);
            cursor = token.to;
        }
    }
    out.push_str(&text[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_shows_the_words_the_quote_uses() {
        let theme = crate::compile::compile_theme(&crate::compile::tests::theme(
            "c.x",
            vec![verbatim_model::Rule {
                any: vec!["seconded".into(), "worn out".into()],
                ..verbatim_model::Rule::default()
            }],
        ))
        .expect("theme");
        let text = "Give me one second; we are Worn  out and worn out.";
        assert_eq!(words_for_term(&theme, 1, "seconded", text), ["second"]);
        assert_eq!(
            words_for_term(&theme, 1, "worn out", text),
            ["Worn  out", "worn out"]
        );
        assert!(words_for_term(&theme, 2, "seconded", text).is_empty());
    }

    #[test]
    fn marks_every_form_of_a_matched_word() {
        let stems: HashSet<String> = ["tire", "staf", "staff"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            highlight("Tired staff, tiring staffing.", &stems, "[", "]"),
            "[Tired] [staff], [tiring] [staffing]."
        );
    }
}
