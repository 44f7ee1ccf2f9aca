//! Which quotes each part of a rule matches in one field, and the verdict for a quote:
//! the rule fires, or it found something but did not fire (and why).

use verbatim_model::RowSet;

use crate::CoderError;
use crate::compile::{CompiledRule, Matcher, raw_query};
use crate::index::QuoteIndex;

pub(crate) enum Verdict {
    /// The terms found, and how many distinct words they are (`exhausted` and
    /// `exhausting` are one).
    Fires(Vec<String>, usize),
    Misses(Vec<String>, String),
    Nothing,
}

/// The quotes each part of a rule matches, in one field.
pub(crate) struct RuleSets {
    any: Vec<RowSet>,
    all: Vec<RowSet>,
    near: Option<RowSet>,
    query: Option<RowSet>,
    veto: Vec<RowSet>,
}

impl RuleSets {
    pub(crate) fn search(
        rule: &CompiledRule,
        index: &QuoteIndex,
        field: tantivy::schema::Field,
    ) -> Result<Self, CoderError> {
        let sets = |matchers: &[Matcher]| -> Result<Vec<RowSet>, CoderError> {
            matchers
                .iter()
                .map(|m| index.matching(m.query(field).as_ref()))
                .collect()
        };
        Ok(RuleSets {
            any: sets(&rule.any)?,
            all: sets(&rule.all)?,
            near: rule
                .near
                .as_ref()
                .map(|n| index.matching(n.query(field).as_ref()))
                .transpose()?,
            query: rule
                .query
                .as_ref()
                .map(|q| index.matching(raw_query(index.index(), field, q)?.as_ref()))
                .transpose()?,
            veto: sets(&rule.veto)?,
        })
    }

    pub(crate) fn candidates(&self) -> impl Iterator<Item = usize> + '_ {
        self.any
            .iter()
            .chain(&self.all)
            .chain(self.near.iter())
            .chain(self.query.iter())
            .flat_map(RowSet::rows)
    }

    pub(crate) fn verdict(&self, rule: &CompiledRule, quote: usize) -> Verdict {
        let labels = |matchers: &[Matcher], sets: &[RowSet], hit: bool| -> Vec<String> {
            matchers
                .iter()
                .zip(sets)
                .filter(|(_, set)| set.contains(quote) == hit)
                .map(|(m, _)| m.label.clone())
                .collect()
        };
        let mut terms = labels(&rule.any, &self.any, true);
        terms.extend(labels(&rule.all, &self.all, true));
        let near_hit = self.near.as_ref().is_some_and(|s| s.contains(quote));
        let query_hit = self.query.as_ref().is_some_and(|s| s.contains(quote));
        if near_hit && let Some(near) = &rule.near {
            terms.push(near.label());
        }
        if query_hit && let Some(query) = &rule.query {
            terms.push(format!("query: {query}"));
        }
        if terms.is_empty() {
            return Verdict::Nothing;
        }
        let mut reasons = Vec::new();
        if !rule.any.is_empty() && labels(&rule.any, &self.any, true).is_empty() {
            reasons.push("none of its `any` terms".to_string());
        }
        let missing = labels(&rule.all, &self.all, false);
        if !missing.is_empty() {
            reasons.push(format!("missing `{}`", missing.join("`, `")));
        }
        if let (Some(near), false) = (&rule.near, near_hit) {
            reasons.push(format!("not {}", near.label()));
        }
        if let (Some(query), false) = (&rule.query, query_hit) {
            reasons.push(format!("query `{query}` does not match"));
        }
        let vetoes = labels(&rule.veto, &self.veto, true);
        if !vetoes.is_empty() {
            reasons.push(format!("vetoed by `{}`", vetoes.join("`, `")));
        }
        if reasons.is_empty() {
            let mut words: Vec<String> = rule
                .any
                .iter()
                .zip(&self.any)
                .chain(rule.all.iter().zip(&self.all))
                .filter(|(_, set)| set.contains(quote))
                .map(|(m, _)| {
                    m.stems
                        .iter()
                        .filter_map(|s| s.first().cloned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            words.sort();
            words.dedup();
            let distinct = (words.len() + usize::from(near_hit) + usize::from(query_hit))
                .clamp(1, terms.len().max(1));
            Verdict::Fires(terms, distinct)
        } else {
            Verdict::Misses(terms, reasons.join("; "))
        }
    }
}
