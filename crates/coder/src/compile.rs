//! Codebook rules compiled to search queries.
//!
//! A rule's `any` terms are alternatives, `all` terms must all occur, `near` words must
//! stand within `within` words of each other (in any order), `query` is a raw query
//! string, and `veto` terms block the rule. A term of one word matches its stem family
//! (see [`crate::analyzer::stem_family`]); a term of several words is a phrase, with the
//! rule's `slop`. A rule with `exact = true` matches its words only as written (lower
//! case, accents folded), against the index's unstemmed fields.

use tantivy::query::{BooleanQuery, PhraseQuery, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, Term};
use verbatim_model::{Codebook, Rule, Theme};

use crate::CoderError;
use crate::analyzer::{ANALYZER, analyzer, exact_tokens, stem_family, tokens};
use crate::query_depth::{parse_bounded, query_error};

/// Default minimum score for a theme to be applied.
pub const DEFAULT_THRESHOLD: f64 = 1.0;

/// A term of a rule, ready to be searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// The term as the codebook writes it.
    pub label: String,
    /// Stems per word position; a one-word term has its whole stem family.
    pub stems: Vec<Vec<String>>,
    /// Words allowed between the words of a phrase.
    pub slop: u32,
    /// True when `stems` hold exact forms (the rule asks for them), not stems.
    pub exact: bool,
}

/// Words that must stand close together.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// The words as written.
    pub words: Vec<String>,
    /// Their stems, or their exact forms.
    pub stems: Vec<String>,
    /// Largest gap, in words.
    pub within: u32,
    /// True when `stems` hold exact forms.
    pub exact: bool,
}

/// A rule ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledRule {
    /// 1-based position in the theme.
    pub number: usize,
    /// Multiplier of the rule's contribution.
    pub weight: f64,
    /// Alternatives.
    pub any: Vec<Matcher>,
    /// Required terms.
    pub all: Vec<Matcher>,
    /// Proximity condition.
    pub near: Option<Near>,
    /// Raw query string.
    pub query: Option<String>,
    /// Blocking terms.
    pub veto: Vec<Matcher>,
    /// True when the rule's words match only as written.
    pub exact: bool,
}

/// A theme ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledTheme {
    /// Theme id.
    pub id: String,
    /// Minimum score to apply the theme.
    pub threshold: f64,
    /// Its rules.
    pub rules: Vec<CompiledRule>,
}

/// Compiles every theme of a codebook; the first rule that cannot work is an error.
pub fn compile(codebook: &Codebook) -> Result<Vec<CompiledTheme>, CoderError> {
    codebook.themes.iter().map(compile_theme).collect()
}

/// Compiles one theme.
pub fn compile_theme(theme: &Theme) -> Result<CompiledTheme, CoderError> {
    let rules = theme
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| compile_rule(&theme.id, index + 1, rule))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CompiledTheme {
        id: theme.id.clone(),
        threshold: theme.threshold.unwrap_or(DEFAULT_THRESHOLD),
        rules,
    })
}

fn compile_rule(theme: &str, number: usize, rule: &Rule) -> Result<CompiledRule, CoderError> {
    let problem = |message: &str| CoderError::Rule {
        theme: theme.to_string(),
        rule: number,
        message: message.to_string(),
    };
    let slop = rule.slop.unwrap_or(0);
    let matchers = |terms: &[String]| -> Result<Vec<Matcher>, CoderError> {
        terms
            .iter()
            .map(|term| {
                matcher(term, slop, rule.exact)
                    .ok_or_else(|| problem(&format!("`{term}` has no words to match")))
            })
            .collect()
    };
    let near = if rule.near.is_empty() {
        None
    } else {
        if !(2..=3).contains(&rule.near.len()) {
            return Err(problem("`near` takes two or three words"));
        }
        let stems = rule
            .near
            .iter()
            .map(|word| {
                single_stem(word, rule.exact)
                    .ok_or_else(|| problem(&format!("`near` word `{word}` must be one word")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(Near {
            words: rule.near.clone(),
            stems,
            within: rule.within.unwrap_or(5),
            exact: rule.exact,
        })
    };
    if rule.within.is_some() && near.is_none() {
        return Err(problem("`within` needs `near`"));
    }
    if let Some(query) = &rule.query {
        validate_query(query).map_err(|message| CoderError::Query {
            theme: theme.to_string(),
            rule: number,
            query: query.clone(),
            message,
        })?;
    }
    let compiled = CompiledRule {
        number,
        weight: rule.weight.unwrap_or(1.0),
        any: matchers(&rule.any)?,
        all: matchers(&rule.all)?,
        near,
        query: rule.query.clone(),
        veto: matchers(&rule.veto)?,
        exact: rule.exact,
    };
    if compiled.any.is_empty()
        && compiled.all.is_empty()
        && compiled.near.is_none()
        && compiled.query.is_none()
    {
        return Err(problem("a rule needs `any`, `all`, `near` or `query`"));
    }
    if !(compiled.weight.is_finite() && compiled.weight > 0.0) {
        return Err(problem("`weight` must be a positive number"));
    }
    Ok(compiled)
}

fn matcher(term: &str, slop: u32, exact: bool) -> Option<Matcher> {
    let analysed = if exact {
        exact_tokens(term)
    } else {
        tokens(term)
    };
    let words: Vec<String> = analysed.into_iter().map(|t| t.stem).collect();
    let stems = match (words.len(), exact) {
        (0, _) => return None,
        (1, false) => vec![stem_family(term.trim())],
        _ => words.into_iter().map(|word| vec![word]).collect::<Vec<_>>(),
    };
    Some(Matcher {
        label: term.to_string(),
        slop: if stems.len() == 1 { 0 } else { slop },
        stems,
        exact,
    })
}

fn single_stem(word: &str, exact: bool) -> Option<String> {
    let found = if exact {
        exact_tokens(word)
    } else {
        tokens(word)
    };
    (found.len() == 1).then(|| found[0].stem.clone())
}

fn validate_query(query: &str) -> Result<(), String> {
    let mut builder = tantivy::schema::Schema::builder();
    let text = builder.add_text_field(
        "text",
        tantivy::schema::TextOptions::default().set_indexing_options(
            tantivy::schema::TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    let tokenizers = TokenizerManager::default();
    tokenizers.register(ANALYZER, analyzer());
    parse_bounded(
        &QueryParser::new(builder.build(), vec![text], tokenizers),
        query,
    )
    .map(|_| ())
}

impl Matcher {
    /// The query matching this term in `field`.
    pub fn query(&self, field: Field) -> Box<dyn Query> {
        if self.stems.len() == 1 {
            let alternatives: Vec<Box<dyn Query>> = self.stems[0]
                .iter()
                .map(|stem| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>
                })
                .collect();
            return Box::new(BooleanQuery::union(alternatives));
        }
        let terms: Vec<(usize, Term)> = self
            .stems
            .iter()
            .enumerate()
            .map(|(position, stems)| (position, Term::from_field_text(field, &stems[0])))
            .collect();
        Box::new(PhraseQuery::new_with_offset_and_slop(terms, self.slop))
    }

    /// Every stem this term can match, for highlighting.
    pub fn all_stems(&self) -> impl Iterator<Item = &String> {
        self.stems.iter().flatten()
    }
}

impl Near {
    /// The query matching these words within the window, in any order.
    pub fn query(&self, field: Field) -> Box<dyn Query> {
        let orders: Vec<Vec<usize>> = match self.stems.len() {
            2 => vec![vec![0, 1], vec![1, 0]],
            _ => vec![
                vec![0, 1, 2],
                vec![0, 2, 1],
                vec![1, 0, 2],
                vec![1, 2, 0],
                vec![2, 0, 1],
                vec![2, 1, 0],
            ],
        };
        let phrases: Vec<Box<dyn Query>> = orders
            .into_iter()
            .map(|order| {
                let terms = order
                    .iter()
                    .enumerate()
                    .map(|(position, &i)| (position, Term::from_field_text(field, &self.stems[i])))
                    .collect();
                Box::new(PhraseQuery::new_with_offset_and_slop(terms, self.within))
                    as Box<dyn Query>
            })
            .collect();
        Box::new(BooleanQuery::union(phrases))
    }

    /// How the condition reads in evidence.
    pub fn label(&self) -> String {
        format!("{} within {}", self.words.join(" ~ "), self.within)
    }
}

/// Parses a rule's raw query against `field` of `index`.
pub fn raw_query(index: &Index, field: Field, query: &str) -> Result<Box<dyn Query>, CoderError> {
    parse_bounded(&QueryParser::for_index(index, vec![field]), query)
        .map_err(|message| query_error(query, message))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use verbatim_model::CodebookInfo;

    pub(crate) fn theme(id: &str, rules: Vec<Rule>) -> Theme {
        Theme {
            id: id.to_string(),
            category: id.split('.').next().unwrap_or("").to_string(),
            name: id.to_string(),
            description: None,
            include: None,
            exclude: None,
            threshold: None,
            rules,
            examples: Vec::new(),
            renamed_from: Vec::new(),
            merged_into: None,
        }
    }

    #[test]
    fn terms_phrases_and_near_compile() {
        let rule = Rule {
            any: vec!["staff".into(), "second wave".into()],
            near: vec!["share".into(), "data".into()],
            within: Some(4),
            veto: vec!["tyre".into()],
            weight: Some(2.0),
            ..Rule::default()
        };
        let compiled = compile_theme(&theme("challenge.x", vec![rule])).expect("compiles");
        let rule = &compiled.rules[0];
        assert_eq!(rule.any[0].stems.len(), 1);
        assert!(rule.any[0].stems[0].contains(&"staf".to_string()));
        assert_eq!(
            rule.any[1].stems,
            [vec!["second".to_string()], vec!["wave".to_string()]]
        );
        assert_eq!(
            rule.near.as_ref().map(|n| n.label()).as_deref(),
            Some("share ~ data within 4")
        );
        assert_eq!((compiled.threshold, rule.weight), (DEFAULT_THRESHOLD, 2.0));
    }

    #[test]
    fn rules_that_cannot_work_are_errors() {
        let cases = [
            (Rule::default(), "needs `any`, `all`, `near` or `query`"),
            (
                Rule {
                    any: vec!["...".into()],
                    ..Rule::default()
                },
                "has no words",
            ),
            (
                Rule {
                    near: vec!["one".into()],
                    ..Rule::default()
                },
                "two or three words",
            ),
            (
                Rule {
                    near: vec!["a b".into(), "c".into()],
                    ..Rule::default()
                },
                "must be one word",
            ),
            (
                Rule {
                    any: vec!["x".into()],
                    within: Some(3),
                    ..Rule::default()
                },
                "needs `near`",
            ),
            (
                Rule {
                    any: vec!["x".into()],
                    weight: Some(0.0),
                    ..Rule::default()
                },
                "positive",
            ),
            (
                Rule {
                    query: Some("(unclosed".into()),
                    ..Rule::default()
                },
                "invalid query",
            ),
        ];
        for (rule, expected) in cases {
            let error = compile_theme(&theme("t.x", vec![rule]))
                .expect_err(expected)
                .to_string();
            assert!(error.contains(expected), "{error}");
            assert!(error.starts_with("theme t.x, rule 1"), "{error}");
        }
        let codebook = Codebook {
            codebook: CodebookInfo {
                id: "c".into(),
                name: "c".into(),
                description: None,
                version: None,
            },
            categories: Vec::new(),
            themes: vec![theme(
                "t.ok",
                vec![Rule {
                    any: vec!["fine".into()],
                    ..Rule::default()
                }],
            )],
            merged: Vec::new(),
        };
        assert_eq!(compile(&codebook).expect("compiles").len(), 1);
    }
}
