//! The one text analysis used everywhere: indexing, rule compilation, highlighting.
//!
//! Words are split on non-alphanumerics, lower-cased, folded to ASCII and reduced to their
//! English (Porter) stem, so `staff`, `Staff's` and `staffs` meet. Every index open and
//! every rule compilation goes through [`register`] and [`analyzer`], so the terms a rule
//! asks for are the terms the index holds. Rules that ask for the exact form use the same
//! analysis without the stemmer ([`exact_analyzer`]): `Seconded` meets `seconded`, never
//! `second`.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
};

use crate::stem_cache::CachedEnglishStemmer;

/// Name under which the analyzer is registered on every index.
pub const ANALYZER: &str = "verbatim_en";

/// Name under which the analyzer without stemming is registered on every index.
pub const EXACT_ANALYZER: &str = "verbatim_exact";

/// A fresh instance of the English analyzer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedEnglishStemmer)
        .build()
}

/// A fresh instance of the analyzer for exact forms: words lower-cased and folded to
/// ASCII, not stemmed.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers both analyzers on an index; called by every open and create.
pub fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
    index
        .tokenizers()
        .register(EXACT_ANALYZER, exact_analyzer());
}

/// A token of analysed text: its stem, where it stands (byte offsets) and its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The stem.
    pub stem: String,
    /// Byte offset of the word in the text.
    pub from: usize,
    /// Byte offset just past the word.
    pub to: usize,
    /// Word position (0-based).
    pub position: usize,
}

/// Analyses `text` into stems with offsets.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_with(analyzer(), text)
}

/// Analyses `text` into exact forms (lower case, ASCII) with offsets; `stem` holds the form.
pub fn exact_tokens(text: &str) -> Vec<Token> {
    tokens_with(exact_analyzer(), text)
}

fn tokens_with(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(Token {
            stem: token.text.clone(),
            from: token.offset_from,
            to: token.offset_to,
            position: token.position,
        });
    }
    out
}

/// The stems of a word and of its common inflections (`staff` -> `staff`, `staf` for
/// `staffing`): the English stemmer leaves some families apart, so a rule's word is
/// expanded to every stem its regular forms reduce to.
pub fn stem_family(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let mut forms = vec![lower.clone()];
    let bare = lower.strip_suffix('e').unwrap_or(&lower).to_string();
    for suffix in ["s", "es", "ing", "ed", "er", "ers"] {
        forms.push(format!("{lower}{suffix}"));
        forms.push(format!("{bare}{suffix}"));
    }
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(stem) = lower.strip_suffix(suffix)
            && stem.len() >= 3
        {
            forms.push(stem.to_string());
            forms.push(format!("{stem}e"));
        }
    }
    let base: Vec<String> = tokens(&lower).into_iter().map(|t| t.stem).collect();
    let mut stems: Vec<String> = Vec::new();
    for form in forms {
        for token in tokens(&form) {
            if !stems.contains(&token.stem) {
                stems.push(token.stem);
            }
        }
    }
    // Keep the word's own stem first, and only close relatives: a family member must
    // share the word's first four letters (no `us` from `use`).
    let anchor: String = lower.chars().take(4).collect();
    stems.retain(|s| base.contains(s) || s.starts_with(&anchor));
    stems.sort_by_key(|s| (!base.contains(s), s.clone()));
    stems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_lowercase_and_offsets() {
        let found = tokens("Staff’s wellbeing, STAFFING levels");
        let stems: Vec<&str> = found.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["staff", "s", "wellb", "staf", "level"]);
        assert_eq!((found[3].from, found[3].to), (21, 29));
        let exact: Vec<String> = exact_tokens("Seconded, SECOND café")
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(exact, ["seconded", "second", "cafe"]);
    }

    #[test]
    fn families_bridge_what_the_stemmer_leaves_apart() {
        let family = stem_family("staff");
        assert!(
            family.contains(&"staff".to_string()) && family.contains(&"staf".to_string()),
            "{family:?}"
        );
        let volunteer = stem_family("volunteer");
        assert!(
            tokens("volunteering volunteers volunteered")
                .iter()
                .all(|t| volunteer.contains(&t.stem)),
            "{volunteer:?}"
        );
        assert!(!stem_family("use").contains(&"us".to_string()));
    }
}
