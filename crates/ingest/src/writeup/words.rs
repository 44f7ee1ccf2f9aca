//! Word-level tests and clean-ups that several parts of attribution share: white space
//! collapsed, and whether a word is a role noun.

use super::lexicon::ROLE_NOUNS;

/// Collapses white space (line breaks included) to single spaces.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `word` (punctuation around it ignored, singular or plural) names a role, as
/// "executive" or "directors" do.
pub(super) fn is_role_noun(word: &str) -> bool {
    let lower = word
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase();
    ROLE_NOUNS.contains(&lower.trim_end_matches('s')) || ROLE_NOUNS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_collapses_and_role_nouns_are_found_in_either_number() {
        assert_eq!(collapse("  chief\n executive\t of "), "chief executive of");
        assert!(is_role_noun("Directors,"));
        assert!(is_role_noun("(executive)"));
        assert!(!is_role_noun("budget"));
    }
}
