//! What `verbatim review` walks: the automatic and suggested codes of a theme or a source
//! that no decision covers yet, best first, starting after the last one reviewed (kept in
//! `.verbatim/review.json`, so a review stopped half way goes on where it stopped).

use std::collections::{BTreeMap, BTreeSet};

use verbatim_model::{Code, Decision, Origin, Quote, write_atomic};

use super::verbs::Session;
use crate::code::load_coded;
use crate::config::Project;
use crate::error::{Error, Result};
use crate::observer::Observer;
use crate::state::refresh;

/// Which codes to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every quote's code of this theme, best score first.
    Theme(String),
    /// Every code on this source's quotes, in quote order, best first within a quote.
    Source(String),
}

impl Scope {
    /// The key its place is kept under.
    fn key(&self) -> String {
        match self {
            Scope::Theme(theme) => format!("theme {theme}"),
            Scope::Source(source) => format!("source {source}"),
        }
    }
}

/// One code to decide on.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    /// The quote.
    pub quote: Quote,
    /// The code (automatic or suggested), evidence in the quote's words.
    pub code: Code,
    /// The theme's name.
    pub theme_name: String,
}

impl ReviewItem {
    fn key(&self) -> String {
        format!("{} {}", self.quote.id, self.code.theme)
    }
}

/// The codes of `scope` left to review (automatic ones, and suggested ones unless
/// `applied_only`), starting after the last one reviewed.
pub fn review_queue(
    session: &Session<'_>,
    project: &Project,
    scope: &Scope,
    applied_only: bool,
    observer: &dyn Observer,
) -> Result<Vec<ReviewItem>> {
    let theme = match scope {
        Scope::Theme(theme) => Some(session.theme(theme)?),
        Scope::Source(source) => {
            if !session.table().sources.iter().any(|s| s.name == *source) {
                let names: Vec<&str> = session
                    .table()
                    .sources
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                return Err(Error::Invalid(verbatim_model::unknown_name(
                    "source", source, &names,
                )));
            }
            None
        }
    };
    let decided: BTreeSet<(String, String)> = session
        .listed()?
        .into_iter()
        .filter(|(c, _)| c.kind != Decision::Memo)
        .flat_map(|(c, quotes)| {
            let theme = c.theme.unwrap_or_default();
            quotes.into_iter().map(move |q| (q, theme.clone()))
        })
        .collect();
    let coded = load_coded(project, refresh(project, None, observer)?)?;
    let names: BTreeMap<&str, &str> = coded
        .codebook
        .themes
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let mut items: Vec<ReviewItem> = Vec::new();
    for coded_quote in &coded.quotes {
        if let Scope::Source(source) = scope
            && coded_quote.quote.source != *source
        {
            continue;
        }
        for code in &coded_quote.codes {
            if theme.as_ref().is_none_or(|t| *t == code.theme)
                && code.origin != Origin::Manual
                && !(applied_only && code.origin == Origin::Suggested)
                && !decided.contains(&(coded_quote.quote.id.clone(), code.theme.clone()))
            {
                items.push(ReviewItem {
                    quote: coded_quote.quote.clone(),
                    code: code.clone(),
                    theme_name: names.get(code.theme.as_str()).unwrap_or(&"").to_string(),
                });
            }
        }
    }
    if let Scope::Theme(_) = scope {
        // Best first; automatic before suggested at equal scores.
        items.sort_by(|a, b| {
            b.code
                .score
                .total_cmp(&a.code.score)
                .then(a.code.origin.cmp(&b.code.origin))
        });
    }
    let last = positions(project).remove(&scope.key());
    if let Some(at) = last.and_then(|last| items.iter().position(|i| i.key() == last)) {
        items.rotate_left(at + 1);
    }
    Ok(items)
}

/// Remembers `item` as the last one reviewed in `scope`.
pub fn save_position(project: &Project, scope: &Scope, item: &ReviewItem) -> Result<()> {
    let mut all = positions(project);
    all.insert(scope.key(), item.key());
    let path = project.state_path(REVIEW_FILE);
    let text = serde_json::to_string_pretty(&all)
        .map_err(|e| Error::Internal(format!("review positions: {e}")))?;
    write_atomic(&path, |w| w.write_all(text.as_bytes()))?;
    Ok(())
}

const REVIEW_FILE: &str = "review.json";

/// Where each review stopped (nothing, if the file is missing or damaged: the review
/// then starts at the top).
fn positions(project: &Project) -> BTreeMap<String, String> {
    std::fs::read_to_string(project.state_path(REVIEW_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}
