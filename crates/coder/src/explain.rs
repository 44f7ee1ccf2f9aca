//! What `verbatim explain` and a code's evidence show: the words of a quote that fired a
//! theme, as the quote writes them, and marked where they stand.

use std::cell::OnceCell;
use std::collections::HashSet;

use verbatim_model::{Code, Origin};

use crate::analyzer::{Token, exact_tokens, tokens};
use crate::coding::{Coder, ThemeEvidence};
use crate::compile::{CompiledTheme, Matcher};

/// Where each word of a text stands, stemmed and as written (lower case, ASCII), each
/// analysed on first use.
struct Analysed<'t> {
    text: &'t str,
    stemmed: OnceCell<Vec<Token>>,
    exact: OnceCell<Vec<Token>>,
}

impl<'t> Analysed<'t> {
    fn of(text: &'t str) -> Self {
        Analysed {
            text,
            stemmed: OnceCell::new(),
            exact: OnceCell::new(),
        }
    }

    fn tokens(&self, exact: bool) -> &[Token] {
        if exact {
            self.exact.get_or_init(|| exact_tokens(self.text))
        } else {
            self.stemmed.get_or_init(|| tokens(self.text))
        }
    }
}

/// Byte spans of every run of consecutive words matching `matcher` (a phrase as a phrase).
fn matcher_spans(matcher: &Matcher, text: &Analysed) -> Vec<(usize, usize)> {
    let tokens = text.tokens(matcher.exact);
    let width = matcher.stems.len();
    let mut spans = Vec::new();
    for start in 0..tokens.len() {
        let window = &tokens[start..(start + width).min(tokens.len())];
        let matches = window.len() == width
            && window
                .iter()
                .zip(&matcher.stems)
                .all(|(token, stems)| stems.contains(&token.stem));
        if let (true, Some(first), Some(last)) = (matches, window.first(), window.last()) {
            spans.push((first.from, last.to));
        }
    }
    spans
}

/// Byte spans of the words of a rule's `near` condition.
fn near_spans(rule: &crate::compile::CompiledRule, text: &Analysed) -> Vec<(usize, usize)> {
    rule.near.as_ref().map_or_else(Vec::new, |near| {
        text.tokens(near.exact)
            .iter()
            .filter(|t| near.stems.contains(&t.stem))
            .map(|t| (t.from, t.to))
            .collect()
    })
}

/// Byte spans of the quote's words behind `terms` of rule `number` of `theme`.
fn term_spans(
    theme: &CompiledTheme,
    number: usize,
    terms: &[String],
    text: &Analysed,
) -> Vec<(usize, usize)> {
    let Some(rule) = theme.rules.iter().find(|r| r.number == number) else {
        return Vec::new();
    };
    let mut spans: Vec<(usize, usize)> = rule
        .any
        .iter()
        .chain(&rule.all)
        .filter(|m| terms.contains(&m.label))
        .flat_map(|m| matcher_spans(m, text))
        .collect();
    if rule
        .near
        .as_ref()
        .is_some_and(|n| terms.contains(&n.label()))
    {
        spans.extend(near_spans(rule, text));
    }
    spans
}

/// Byte spans (sorted, not overlapping) of the quote's words behind a theme's evidence in
/// the quote itself (not its context): what fired, and what a near miss found.
pub fn evidence_spans(
    theme: &CompiledTheme,
    evidence: &ThemeEvidence,
    text: &str,
) -> Vec<(usize, usize)> {
    let analysed = Analysed::of(text);
    let fired = evidence
        .hits
        .iter()
        .filter(|h| !h.in_context)
        .map(|h| (h.rule, &h.terms));
    let missed = evidence.near_misses.iter().map(|m| (m.rule, &m.terms));
    let mut spans: Vec<(usize, usize)> = fired
        .chain(missed)
        .flat_map(|(number, terms)| term_spans(theme, number, terms, &analysed))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// `text` with each span (sorted, not overlapping) wrapped in `open` and `close`.
pub fn mark(text: &str, spans: &[(usize, usize)], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * (open.len() + close.len()));
    let mut cursor = 0;
    for &(from, to) in spans {
        let (Some(before), Some(word)) = (text.get(cursor..from), text.get(from..to)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(open);
        out.push_str(word);
        out.push_str(close);
        cursor = to;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    out
}

/// The quote's own words behind a rule term: every run of consecutive words of `text`
/// matching the term (a phrase as a phrase), as written, each once. Empty when the term
/// was found only in the question before the quote.
pub fn words_for_term(theme: &CompiledTheme, rule: usize, term: &str, text: &str) -> Vec<String> {
    spans_to_words(
        term_spans(theme, rule, &[term.to_string()], &Analysed::of(text)),
        text,
    )
}

fn spans_to_words(spans: Vec<(usize, usize)>, text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (from, to) in spans {
        if let Some(words) = text.get(from..to)
            && !found.iter().any(|f| f == words)
        {
            found.push(words.to_string());
        }
    }
    found
}

impl Coder {
    /// Rewrites the evidence of `codes` (all of one quote, whose text is `text`) in the
    /// quote's own words: each codebook term that fired becomes the words of the quote it
    /// matched (`tired` may become `Tiring`, a phrase stays a phrase); cues keep their
    /// `cue: ` mark. Evidence that is not a word of the quote (the question's words,
    /// closeness in meaning, examples) and manual codes are left as they are.
    pub fn show_quote_words(&self, codes: &mut [Code], text: &str) {
        let analysed = Analysed::of(text);
        for code in codes.iter_mut().filter(|c| c.origin != Origin::Manual) {
            let theme = self.themes().iter().find(|t| t.id == code.theme);
            let category = code.theme.split('.').next().unwrap_or("");
            let cues = self
                .cues()
                .iter()
                .find(|(id, _)| id == category)
                .map(|(_, cues)| cues);
            let mut shown: Vec<String> = Vec::new();
            for label in &code.evidence {
                let (prefix, term, source) = match label.strip_prefix("cue: ") {
                    Some(term) => ("cue: ", term, cues),
                    None => ("", label.as_str(), theme),
                };
                let words = source
                    .filter(|t| names_term(t, term))
                    .map_or_else(Vec::new, |t| {
                        let terms = [term.to_string()];
                        let spans = t
                            .rules
                            .iter()
                            .flat_map(|r| term_spans(t, r.number, &terms, &analysed))
                            .collect();
                        spans_to_words(spans, text)
                    });
                let found = if words.is_empty() {
                    vec![label.clone()]
                } else {
                    words.into_iter().map(|w| format!("{prefix}{w}")).collect()
                };
                for item in found {
                    if !shown.contains(&item) {
                        shown.push(item);
                    }
                }
            }
            code.evidence = shown;
        }
    }
}

/// True when `term` is a term or `near` condition of one of `theme`'s rules.
fn names_term(theme: &CompiledTheme, term: &str) -> bool {
    theme.rules.iter().any(|rule| {
        rule.any.iter().chain(&rule.all).any(|m| m.label == term)
            || rule.near.as_ref().is_some_and(|n| n.label() == term)
    })
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
    fn an_exact_rule_marks_only_the_form_it_asks_for() {
        let rule = |exact| verbatim_model::Rule {
            any: vec!["seconded".into()],
            near: vec!["bin".into(), "lorry".into()],
            exact,
            ..verbatim_model::Rule::default()
        };
        let text = "Seconded staff, one second, and the bin lorry; binned.";
        for (exact, expected) in [
            (
                false,
                "[Seconded] staff, one [second], and the [bin] [lorry]; [binned].",
            ),
            (
                true,
                "[Seconded] staff, one second, and the [bin] [lorry]; binned.",
            ),
        ] {
            let theme = crate::compile::compile_theme(&crate::compile::tests::theme(
                "c.x",
                vec![rule(exact)],
            ))
            .expect("theme");
            let evidence = ThemeEvidence {
                theme: "c.x".into(),
                score: 1.0,
                threshold: 1.0,
                hits: vec![crate::coding::RuleHit {
                    rule: 1,
                    in_context: false,
                    terms: vec!["seconded".into(), "bin ~ lorry within 5".into()],
                    strength: 1.0,
                }],
                near_misses: Vec::new(),
            };
            let spans = evidence_spans(&theme, &evidence, text);
            assert_eq!(mark(text, &spans, "[", "]"), expected);
        }
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
