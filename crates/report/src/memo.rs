//! Memos in reports: the researcher's notes on themes, sources and quotes, shown beside
//! the counts they explain.

use serde::Serialize;

/// A memo, with what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Memo {
    /// `theme`, `source`, `quote` (a memo on a quote or span) or `code` / `reject` (the
    /// note kept with a decision).
    pub kind: String,
    /// The theme's id, the source's name, or the span (`source:start-end`).
    pub target: String,
    /// The theme a decision is about.
    pub theme: Option<String>,
    /// The quotes a memo on a span falls on.
    pub quotes: Vec<String>,
    /// The memo.
    pub text: String,
    /// Who wrote it.
    pub coder: Option<String>,
}

impl Memo {
    /// What the memo is about, in words (`theme challenge.fatigue`, `quote a:3`, `code
    /// challenge.fatigue on a:3`).
    pub fn about(&self) -> String {
        let quotes = if self.quotes.is_empty() {
            self.target.clone()
        } else {
            self.quotes.join(", ")
        };
        match (self.kind.as_str(), &self.theme) {
            ("theme" | "source", _) => format!("{} {}", self.kind, self.target),
            ("code", Some(theme)) => format!("code {theme} on {quotes}"),
            ("reject", Some(theme)) => format!("rejected {theme} on {quotes}"),
            _ => format!("quote {quotes}"),
        }
    }

    /// Whether it concerns the quote `id` (of `source`, coded to `themes`).
    pub fn concerns(&self, id: &str, source: &str, themes: &[&str]) -> bool {
        match self.kind.as_str() {
            "theme" => themes.contains(&self.target.as_str()),
            "source" => self.target == source,
            _ => self.quotes.iter().any(|q| q == id),
        }
    }
}
