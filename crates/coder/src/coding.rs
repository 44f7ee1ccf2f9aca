//! Running compiled themes over the index: which rules fire for which quotes, with which
//! words, and the calibrated score that ranks a quote's themes.
//!
//! Scores are comparable across themes because they count evidence, not BM25 mass: a
//! firing rule adds its weight, plus half of it again for each further distinct term of
//! that rule found (up to four), so a theme with a long list of synonyms scores no higher
//! on one word than a theme with a short list. Evidence only in the interviewer's question
//! (the quote's `context`) counts at [`CONTEXT_FACTOR`]. A theme's score never depends on
//! the other themes of the codebook.

use std::collections::BTreeMap;

use rayon::prelude::*;
use verbatim_model::{Code, Codebook, Origin, RowSet};

use crate::CoderError;
use crate::compile::{CompiledRule, CompiledTheme, compile};
use crate::example_words::{ExampleWords, TextExample, codebook_examples};
use crate::fusion::FusionWeights;
use crate::index::QuoteIndex;
use crate::rule_sets::{RuleSets, Verdict};
use crate::shared_words::ThemeWords;

/// Weight of evidence found only in the question before a quote.
pub const CONTEXT_FACTOR: f64 = 0.4;

/// Share of a category cue's score added to a theme of that category that applies.
pub const CUE_FACTOR: f64 = 0.5;

/// Most a category cue can add to a theme's rule score.
const CUE_CAP: f64 = 1.0;

/// Extra share of a rule's weight for each further distinct term it finds.
const EXTRA_TERM_SHARE: f64 = 0.5;

/// A rule that fired for a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHit {
    /// 1-based rule number; 0 for the category's cues.
    pub rule: usize,
    /// True when the words were found only in the quote's context.
    pub in_context: bool,
    /// The terms that matched, as the codebook writes them.
    pub terms: Vec<String>,
    /// Contribution to the theme's score.
    pub strength: f64,
}

/// A rule with some evidence that did not fire, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// 1-based rule number.
    pub rule: usize,
    /// The terms that matched.
    pub terms: Vec<String>,
    /// Why the rule did not fire.
    pub reason: String,
}

/// Everything a theme found in one quote.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeEvidence {
    /// Theme id.
    pub theme: String,
    /// Calibrated score.
    pub score: f64,
    /// The theme's threshold.
    pub threshold: f64,
    /// Rules that fired.
    pub hits: Vec<RuleHit>,
    /// Rules that found something but did not fire.
    pub near_misses: Vec<NearMiss>,
}

impl ThemeEvidence {
    /// The theme applies when its score reaches its threshold.
    pub fn applies(&self) -> bool {
        self.score >= self.threshold && self.score > 0.0
    }

    /// The matched terms, text before context, each once.
    pub fn evidence(&self) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        for hit in self
            .hits
            .iter()
            .filter(|h| !h.in_context)
            .chain(self.hits.iter().filter(|h| h.in_context))
        {
            for term in &hit.terms {
                let label = match (hit.rule, hit.in_context) {
                    (0, _) => format!("cue: {term}"),
                    (_, true) => format!("context: {term}"),
                    (_, false) => term.clone(),
                };
                if !terms.contains(&label) {
                    terms.push(label);
                }
            }
        }
        terms
    }
}

/// A codebook ready to code quotes.
#[derive(Debug, Clone)]
pub struct Coder {
    themes: Vec<CompiledTheme>,
    /// Per category id, its cues compiled as a theme.
    cues: Vec<(String, CompiledTheme)>,
    theme_words: ThemeWords,
    /// The codebook's example sentences, for [`Coder::with_examples`] to add to.
    codebook_examples: Vec<TextExample>,
    example_words: ExampleWords,
    weights: FusionWeights,
}

impl Coder {
    /// Compiles a codebook.
    pub fn new(codebook: &Codebook) -> Result<Self, CoderError> {
        let cues = codebook
            .categories
            .iter()
            .filter(|c| !c.cues.is_empty())
            .map(|category| {
                let cue_theme = verbatim_model::Theme {
                    id: format!("{} (cues)", category.id),
                    category: category.id.clone(),
                    name: category.name.clone(),
                    description: None,
                    include: None,
                    exclude: None,
                    threshold: None,
                    rules: category.cues.clone(),
                    examples: Vec::new(),
                    renamed_from: Vec::new(),
                    merged_into: None,
                };
                crate::compile::compile_theme(&cue_theme)
                    .map(|compiled| (category.id.clone(), compiled))
            })
            .collect::<Result<_, _>>()?;
        let examples = codebook_examples(codebook);
        Ok(Coder {
            themes: compile(codebook)?,
            cues,
            theme_words: ThemeWords::new(codebook),
            example_words: ExampleWords::new(codebook.themes.len(), &examples),
            codebook_examples: examples,
            weights: FusionWeights::shipped(),
        })
    }

    /// The same coder with quotes a researcher coded as further examples of their themes
    /// (besides the codebook's own example sentences): similar quotes are pulled toward
    /// them by words.
    pub fn with_examples(mut self, coded: &[TextExample]) -> Self {
        let mut all = self.codebook_examples.clone();
        all.extend(coded.iter().cloned());
        self.example_words = ExampleWords::new(self.themes.len(), &all);
        self
    }

    /// Every theme's examples, weighted for matching by words.
    pub fn example_words(&self) -> &ExampleWords {
        &self.example_words
    }

    /// The same coder with other fusion weights (for fitting and evaluation).
    pub fn with_weights(mut self, weights: FusionWeights) -> Result<Self, CoderError> {
        weights.validate()?;
        self.weights = weights;
        Ok(self)
    }

    /// The fusion weights in use.
    pub fn weights(&self) -> &FusionWeights {
        &self.weights
    }

    /// The words of each theme's own text, weighted.
    pub fn theme_words(&self) -> &ThemeWords {
        &self.theme_words
    }

    pub(crate) fn cues(&self) -> &[(String, CompiledTheme)] {
        &self.cues
    }

    /// The compiled themes, in codebook order.
    pub fn themes(&self) -> &[CompiledTheme] {
        &self.themes
    }

    /// For every indexed quote, the themes with any evidence, in codebook order.
    pub fn evidence(&self, index: &QuoteIndex) -> Result<Vec<Vec<ThemeEvidence>>, CoderError> {
        self.evidence_where(index, false)
    }

    /// The evidence of every theme, or with `applying_only` only of the themes that apply
    /// (what coding needs; near misses of large corpora take much memory).
    fn evidence_where(
        &self,
        index: &QuoteIndex,
        applying_only: bool,
    ) -> Result<Vec<Vec<ThemeEvidence>>, CoderError> {
        let per_theme: Vec<BTreeMap<usize, ThemeEvidence>> = self
            .themes
            .par_iter()
            .map(|theme| {
                let mut found = run_theme(theme, index, applying_only, None)?;
                if applying_only {
                    found.retain(|_, evidence| evidence.applies());
                }
                Ok::<_, CoderError>(found)
            })
            .collect::<Result<_, _>>()?;
        // A category's cues count only where one of its themes applies; common words make
        // cues of most quotes, so they are looked for there alone.
        let cues: Vec<(String, BTreeMap<usize, ThemeEvidence>)> = self
            .cues
            .par_iter()
            .map(|(category, cue)| {
                let mut applying = RowSet::new(index.quote_count());
                for (theme, found) in self.themes.iter().zip(&per_theme) {
                    if theme.id.split('.').next() == Some(category.as_str()) {
                        found
                            .iter()
                            .filter(|(_, evidence)| evidence.applies())
                            .for_each(|(&quote, _)| applying.insert(quote));
                    }
                }
                run_theme(cue, index, applying_only, Some(&applying))
                    .map(|found| (category.clone(), found))
            })
            .collect::<Result<_, _>>()?;
        let mut per_quote: Vec<Vec<ThemeEvidence>> = vec![Vec::new(); index.quote_count()];
        for found in per_theme {
            for (quote, mut evidence) in found {
                let category = evidence.theme.split('.').next().unwrap_or("");
                let cue = cues
                    .iter()
                    .find(|(id, _)| id == category)
                    .and_then(|(_, found)| found.get(&quote));
                if let Some(cue) = cue.filter(|_| evidence.applies()) {
                    let terms: Vec<String> = cue
                        .hits
                        .iter()
                        .flat_map(|h| h.terms.iter().cloned())
                        .collect();
                    let strength = (cue.score * CUE_FACTOR).min(CUE_CAP);
                    evidence.hits.push(RuleHit {
                        rule: 0,
                        in_context: false,
                        terms,
                        strength,
                    });
                    evidence.score = ((evidence.score + strength) * 1000.0).round() / 1000.0;
                }
                if let Some(slot) = per_quote.get_mut(quote) {
                    slot.push(evidence);
                }
            }
        }
        Ok(per_quote)
    }

    /// Every indexed quote's ranked codes by words alone (no model): see [`Coder::rank`].
    pub fn code(&self, index: &QuoteIndex) -> Result<Vec<Vec<Code>>, CoderError> {
        self.rank(index, None)
    }

    /// The themes whose rules alone reach their threshold, for every indexed quote, best
    /// first (ties by theme id), scored by rule evidence with category cues.
    pub fn rule_codes(&self, index: &QuoteIndex) -> Result<Vec<Vec<Code>>, CoderError> {
        Ok(self
            .evidence_where(index, true)?
            .into_iter()
            .map(|found| codes(&found))
            .collect())
    }
}

/// Applied codes from a quote's evidence, best first.
pub fn codes(found: &[ThemeEvidence]) -> Vec<Code> {
    let mut applied: Vec<Code> = found
        .iter()
        .filter(|e| e.applies())
        .map(|e| Code {
            theme: e.theme.clone(),
            score: e.score,
            origin: Origin::Auto,
            evidence: e.evidence(),
        })
        .collect();
    applied.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.theme.cmp(&b.theme))
    });
    applied
}

/// Every quote (or every quote `among` these) with evidence of `theme`, or with `hits_only`
/// only the quotes where a rule fires, without near misses: all that codes need, and a
/// fraction of the memory on a large corpus, where a common word makes near misses of
/// most quotes.
pub(crate) fn run_theme(
    theme: &CompiledTheme,
    index: &QuoteIndex,
    hits_only: bool,
    among: Option<&RowSet>,
) -> Result<BTreeMap<usize, ThemeEvidence>, CoderError> {
    let mut found: BTreeMap<usize, ThemeEvidence> = BTreeMap::new();
    let fields = index.fields();
    for rule in &theme.rules {
        let (text, context) = if rule.exact {
            (fields.text_exact, fields.context_exact)
        } else {
            (fields.text, fields.context)
        };
        let text = RuleSets::search(rule, index, text)?;
        let context = RuleSets::search(rule, index, context)?;
        let candidates: std::collections::BTreeSet<usize> =
            text.candidates().chain(context.candidates()).collect();
        for quote in candidates {
            if among.is_some_and(|among| !among.contains(quote)) {
                continue;
            }
            let near_miss = |terms, reason| NearMiss {
                rule: rule.number,
                terms,
                reason,
            };
            let (fired, missed) = match (text.verdict(rule, quote), context.verdict(rule, quote)) {
                (Verdict::Fires(terms, distinct), _) => {
                    (Some(hit(rule, terms, distinct, false)), None)
                }
                (other, Verdict::Fires(terms, distinct)) => (
                    Some(hit(rule, terms, distinct, true)),
                    match other {
                        Verdict::Misses(terms, reason) => Some(near_miss(terms, reason)),
                        _ => None,
                    },
                ),
                (Verdict::Misses(terms, reason), _) => (None, Some(near_miss(terms, reason))),
                (Verdict::Nothing, _) => (None, None),
            };
            if hits_only && fired.is_none() {
                continue;
            }
            let entry = found.entry(quote).or_insert_with(|| ThemeEvidence {
                theme: theme.id.clone(),
                score: 0.0,
                threshold: theme.threshold,
                hits: Vec::new(),
                near_misses: Vec::new(),
            });
            entry.hits.extend(fired);
            if !hits_only {
                entry.near_misses.extend(missed);
            }
        }
    }
    for evidence in found.values_mut() {
        let score: f64 = evidence.hits.iter().map(|h| h.strength).sum();
        // `+ 0.0` turns the empty sum's -0.0 into 0.0.
        evidence.score = (score * 1000.0).round() / 1000.0 + 0.0;
    }
    Ok(found)
}

fn hit(rule: &CompiledRule, terms: Vec<String>, distinct: usize, in_context: bool) -> RuleHit {
    let extra = distinct.saturating_sub(1).min(4) as f64;
    let field = if in_context { CONTEXT_FACTOR } else { 1.0 };
    RuleHit {
        rule: rule.number,
        in_context,
        strength: rule.weight * (1.0 + EXTRA_TERM_SHARE * extra) * field,
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verbatim_model::{CodebookInfo, Quote, Rule, Theme};

    fn quote(id: &str, text: &str, context: Option<&str>) -> Quote {
        Quote {
            context: context.map(str::to_string),
            ..Quote::new(id, "t.txt", text)
        }
    }

    fn theme(id: &str, rules: Vec<Rule>) -> Theme {
        Theme {
            id: id.into(),
            category: id.split('.').next().unwrap_or("").into(),
            name: id.into(),
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

    fn codebook(themes: Vec<Theme>) -> Codebook {
        Codebook {
            codebook: CodebookInfo {
                id: "t".into(),
                name: "t".into(),
                description: None,
                version: None,
            },
            categories: Vec::new(),
            themes,
            merged: Vec::new(),
        }
    }

    fn coded(themes: Vec<Theme>, quotes: &[Quote]) -> Vec<Vec<(String, f64)>> {
        let index = QuoteIndex::in_memory(quotes).expect("index");
        Coder::new(&codebook(themes))
            .expect("codebook")
            .rule_codes(&index)
            .expect("coding")
            .into_iter()
            .map(|codes| codes.into_iter().map(|c| (c.theme, c.score)).collect())
            .collect()
    }

    fn rule(build: impl FnOnce(&mut Rule)) -> Rule {
        let mut rule = Rule::default();
        build(&mut rule);
        rule
    }

    #[test]
    fn an_exact_rule_matches_its_words_only_as_written() {
        let quotes = [
            quote("q:1", "Two officers were Seconded to the hub.", None),
            quote("q:2", "Give me a second, the second wave hit us.", None),
            quote("q:3", "We are seconding staff again.", None),
            quote("q:4", "Anyone?", Some("Who was seconded?")),
        ];
        let exact = |exact| {
            vec![theme(
                "a.secondment",
                vec![rule(|r| {
                    r.any = vec!["seconded".into(), "on loan".into()];
                    r.exact = exact;
                })],
            )]
        };
        let matched = |found: Vec<Vec<(String, f64)>>| -> Vec<bool> {
            found.iter().map(|codes| !codes.is_empty()).collect()
        };
        assert_eq!(
            matched(coded(exact(false), &quotes)),
            [true, true, true, false],
            "stemmed: `second` and `seconding` fire too"
        );
        assert_eq!(
            matched(coded(exact(true), &quotes)),
            [true, false, false, false],
            "exact: only `seconded`, in any case"
        );
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        let coder = Coder::new(&codebook(exact(true))).expect("codebook");
        let evidence = coder.evidence(&index).expect("evidence");
        assert!(
            evidence[3]
                .iter()
                .any(|e| e.hits.iter().any(|h| h.in_context)),
            "the question is searched by exact form too"
        );
    }

    #[test]
    fn each_rule_kind_matches_what_it_should_and_nothing_else() {
        let quotes = [
            quote(
                "q:1",
                "Our staffing levels collapsed in the second wave.",
                None,
            ),
            quote("q:2", "We share so much more data now than before.", None),
            quote("q:3", "The data came late; we did not share it.", None),
            quote(
                "q:4",
                "The chief executive and the police chief met daily.",
                None,
            ),
            quote(
                "q:5",
                "Staff were tired but the new tyre depot opened.",
                None,
            ),
            quote("q:6", "Wave after wave of second thoughts.", None),
        ];
        let themes = vec![
            theme("a.word", vec![rule(|r| r.any = vec!["staff".into()])]),
            theme(
                "a.phrase",
                vec![rule(|r| r.any = vec!["second wave".into()])],
            ),
            theme(
                "a.near",
                vec![rule(|r| {
                    r.near = vec!["share".into(), "data".into()];
                    r.within = Some(3);
                })],
            ),
            theme(
                "a.all",
                vec![rule(|r| r.all = vec!["chief".into(), "executive".into()])],
            ),
            theme(
                "a.veto",
                vec![rule(|r| {
                    r.any = vec!["tired".into()];
                    r.veto = vec!["tyre".into()];
                })],
            ),
            theme(
                "a.query",
                vec![rule(|r| {
                    r.query = Some("\"police chief\" OR constable".into())
                })],
            ),
        ];
        let found = coded(themes, &quotes);
        let names = |i: usize| found[i].iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>();
        assert_eq!(names(0), ["a.phrase", "a.word"]);
        assert_eq!(names(1), ["a.near"]);
        assert_eq!(names(2), Vec::<&str>::new(), "share and data too far apart");
        assert_eq!(names(3), ["a.all", "a.query"]);
        assert_eq!(names(4), ["a.word"], "staff yes, tired vetoed by tyre");
        assert_eq!(
            names(5),
            Vec::<&str>::new(),
            "`second ... wave` is not the phrase"
        );
    }

    #[test]
    fn scores_count_distinct_evidence_and_weights() {
        let quotes = [
            quote("q:1", "Everyone is tired.", None),
            quote("q:2", "Everyone is tired, exhausted, worn out.", None),
            quote("q:3", "Nothing here.", Some("Are people tired?")),
        ];
        let themes = vec![
            theme(
                "c.fatigue",
                vec![rule(|r| {
                    r.any = vec!["tired".into(), "exhausted".into(), "worn out".into()]
                })],
            ),
            theme(
                "c.strong",
                vec![rule(|r| {
                    r.any = vec!["exhausted".into()];
                    r.weight = Some(3.0);
                })],
            ),
        ];
        let found = coded(themes, &quotes);
        assert_eq!(found[0], [("c.fatigue".to_string(), 1.0)]);
        assert_eq!(
            found[1],
            [
                ("c.strong".to_string(), 3.0),
                ("c.fatigue".to_string(), 2.0)
            ]
        );
        assert_eq!(
            found[2],
            Vec::<(String, f64)>::new(),
            "context alone scores 0.4, under the threshold"
        );
    }

    #[test]
    fn forms_of_one_word_count_once() {
        let quotes = [quote(
            "q:1",
            "Exhausted staff, exhausting shifts, pure exhaustion.",
            None,
        )];
        let themes = vec![theme(
            "c.fatigue",
            vec![rule(|r| {
                r.any = vec!["exhausted".into(), "exhausting".into(), "exhaustion".into()]
            })],
        )];
        assert_eq!(coded(themes, &quotes)[0], [("c.fatigue".to_string(), 1.0)]);
    }

    #[test]
    fn category_cues_break_ties_but_never_code_alone() {
        let quotes = [
            quote(
                "q:1",
                "During the crisis we set up a volunteer hub overnight.",
                None,
            ),
            quote(
                "q:2",
                "Going forward we want volunteers at the heart of it.",
                None,
            ),
            quote("q:3", "We set up nothing going forward.", None),
        ];
        let mut book = codebook(vec![
            theme(
                "achievement.volunteers",
                vec![rule(|r| r.any = vec!["volunteer".into()])],
            ),
            theme(
                "approach.volunteers",
                vec![rule(|r| r.any = vec!["volunteer".into()])],
            ),
        ]);
        let category = |id: &str, cues: Vec<&str>| verbatim_model::Category {
            id: id.into(),
            name: id.into(),
            description: None,
            cues: vec![rule(|r| {
                r.any = cues.iter().map(|c| c.to_string()).collect()
            })],
        };
        book.categories = vec![
            category(
                "achievement",
                vec!["we set up", "during the crisis", "overnight"],
            ),
            category("approach", vec!["going forward", "want"]),
        ];
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        let codes = Coder::new(&book)
            .expect("codebook")
            .rule_codes(&index)
            .expect("coding");
        let first = |i: usize| codes[i].first().map(|c| c.theme.as_str());
        assert_eq!(first(0), Some("achievement.volunteers"));
        assert_eq!(first(1), Some("approach.volunteers"));
        assert!(codes[2].is_empty());
        assert!(codes[0][0].evidence.iter().any(|e| e.starts_with("cue: ")));
    }

    #[test]
    fn ranking_is_stable_when_an_unrelated_theme_is_added() {
        let quotes = [
            quote(
                "q:1",
                "Tired staff and a tight budget, and the budget is cut again.",
                None,
            ),
            quote("q:2", "The budget is the whole story.", None),
        ];
        let base = vec![
            theme("c.fatigue", vec![rule(|r| r.any = vec!["tired".into()])]),
            theme(
                "c.money",
                vec![rule(|r| r.any = vec!["budget".into(), "cut".into()])],
            ),
        ];
        let mut extended = base.clone();
        extended.push(theme(
            "p.climate",
            vec![rule(|r| {
                r.any = vec![
                    "carbon".into(),
                    "climate".into(),
                    "net zero".into(),
                    "emissions".into(),
                ]
            })],
        ));
        assert_eq!(coded(base, &quotes), coded(extended, &quotes));
    }

    #[test]
    fn evidence_and_near_misses_say_what_happened() {
        let quotes = [quote(
            "q:1",
            "The chief was exhausted after the tyre fire.",
            Some("How are the staff?"),
        )];
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        let themes = vec![theme(
            "c.x",
            vec![
                rule(|r| {
                    r.any = vec!["exhausted".into()];
                    r.veto = vec!["tyre".into()];
                }),
                rule(|r| r.all = vec!["chief".into(), "executive".into()]),
                rule(|r| r.any = vec!["staff".into()]),
            ],
        )];
        let coder = Coder::new(&codebook(themes)).expect("codebook");
        let found = &coder.evidence(&index).expect("evidence")[0][0];
        assert_eq!(found.score, CONTEXT_FACTOR);
        assert!(!found.applies());
        assert_eq!(found.evidence(), ["context: staff"]);
        let reasons: Vec<(usize, &str)> = found
            .near_misses
            .iter()
            .map(|m| (m.rule, m.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [(1, "vetoed by `tyre`"), (2, "missing `executive`")]
        );
    }

    /// `AND NOT` and `AND -` exclude, as `-` alone does, instead of matching nothing.
    #[test]
    fn and_not_excludes_instead_of_matching_nothing() {
        let quotes = [
            quote("a:1", "tired staff", None),
            quote("a:2", "tired volunteers and staff", None),
            quote("a:3", "the budget", None),
        ];
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        for words in [
            "tired AND NOT volunteers",
            "tired AND -volunteers",
            "tired -volunteers",
            "(tired OR budget) AND NOT (volunteers OR budget)",
        ] {
            let query = index.parse_search(words).expect("query");
            let rows: Vec<usize> = index
                .matching(query.as_ref())
                .expect("search")
                .rows()
                .collect();
            assert_eq!(rows, [0], "{words}");
        }
    }

    #[test]
    fn a_stored_index_keeps_rows_right_when_sources_come_and_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("index");
        let a = [
            quote("a:1", "tired staff", None),
            quote("a:2", "budget", None),
        ];
        let b = [quote("b:1", "tired again", None)];
        let part = |serial, first_row| crate::index::Part { serial, first_row };
        let index = QuoteIndex::create(&path, &[(part(0, 0), &a[..]), (part(1, 2), &b[..])])
            .expect("build");
        let tired = index.parse_search("tired").expect("query");
        let rows: Vec<usize> = index
            .matching(tired.as_ref())
            .expect("search")
            .rows()
            .collect();
        assert_eq!(rows, [0, 2]);
        drop(index);
        // A new source sorts first: a and b move down a row without being rewritten; b
        // changes and is replaced under a new serial.
        let c = [quote("c:1", "nobody is tired here", None)];
        let b2 = [quote("b:1", "fine now", None)];
        let layout = [part(2, 0), part(0, 1), part(3, 3)];
        let index = QuoteIndex::open(&path, &[part(0, 0), part(1, 2)], 3)
            .expect("open")
            .update(
                &[1],
                &[(part(2, 0), &c[..]), (part(3, 3), &b2[..])],
                &layout,
                4,
            )
            .expect("update");
        assert_eq!(index.document_count(), 4);
        let tired = index.parse_search("tired").expect("query");
        let rows: Vec<usize> = index
            .matching(tired.as_ref())
            .expect("search")
            .rows()
            .collect();
        assert_eq!(rows, [0, 1]);
        let mut scored = index.scored(tired.as_ref()).expect("scored");
        scored.sort_by_key(|s| s.1);
        assert_eq!(scored.iter().map(|s| s.1).collect::<Vec<_>>(), [0, 1]);
        assert!(scored.iter().all(|s| s.0 > 0.0));
        // A reader's search sees the same rows: none of the deleted documents.
        let matches = index.matches(tired.as_ref()).expect("matches");
        assert_eq!(matches.rows.rows().collect::<Vec<_>>(), [0, 1]);
        let best: Vec<usize> = index
            .best(tired.as_ref(), 5, None)
            .expect("best")
            .into_iter()
            .map(|(_, row)| row)
            .collect();
        assert_eq!(best.len(), 2);
        let only_a = verbatim_model::RowSet::from_rows(4, [1]);
        let among = index
            .best(tired.as_ref(), 5, Some((&matches, &only_a)))
            .expect("best among");
        assert_eq!(among.iter().map(|b| b.1).collect::<Vec<_>>(), [1]);
        // The same quotes indexed afresh score exactly as the updated index: BM25 sees
        // no trace of the deleted documents.
        let fresh_path = dir.path().join("fresh");
        let fresh = QuoteIndex::create(
            &fresh_path,
            &[
                (part(2, 0), &c[..]),
                (part(0, 1), &a[..]),
                (part(3, 3), &b2[..]),
            ],
        )
        .expect("rebuild");
        for words in ["tired", "budget OR fine", "staff tired"] {
            let query = index.parse_search(words).expect("query");
            assert_eq!(
                index.ranked(query.as_ref()).expect("updated"),
                fresh.ranked(query.as_ref()).expect("rebuilt"),
                "{words}"
            );
            assert_eq!(
                index.best(query.as_ref(), 5, None).expect("updated"),
                fresh.best(query.as_ref(), 5, None).expect("rebuilt"),
                "{words}"
            );
        }
    }
}
