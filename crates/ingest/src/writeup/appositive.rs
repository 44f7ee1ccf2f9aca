//! The role and organisation a report gives a speaker around the name:
//! `Surrey county council's chief executive Joanna Killian`, `BJ Harrington, Essex
//! Police's chief constable`, `Kim Shutler, chief executive of The Cellar Trust`, `As chief
//! executive, Niall Bolger`.

use std::sync::LazyLock;

use regex::Regex;

use super::words::is_role_noun;

static OWNER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<org>(?:[A-Z][\w&.-]*|of|for|and|county|city|borough|district|council|police|university|trust)(?:\s+(?:[A-Z][\w&.-]*|of|for|and|county|city|borough|district|council|police|university|trust))*)['’]s\s+(?P<role>(?:[a-z][\w-]*(?:\s+[a-z][\w-]*)*)?)\s*,?\s*$")
        .expect("owner pattern")
});

static AS_ROLE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bas\s+(?:the\s+)?(?P<role>[a-z][a-z -]+?),\s*$").expect("as-role pattern")
});

static ROLE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<role>(?:[a-z][\w-]*\s+){1,4})$").expect("role pattern"));

static OWNER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^,\s*(?:the\s+)?(?P<org>[A-Z][\w&.-]*(?:\s+(?:[A-Z][\w&.-]*|of|for|and|county|city|borough|district|council|police|university|trust))*)['’]s\s+(?P<role>[a-z][a-z -]*?)(?:,|\s+[a-z]+ed\b|\s+[a-z]+s\b|$)")
        .expect("owner-after pattern")
});

static ROLE_OF_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^,\s*(?:a\s+|an\s+|the\s+)?(?P<role>[a-z][a-z -]*?)\s+(?P<joiner>of|at|for|in)\s+(?P<org>[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’()-]*|of|for|and|county|city|borough|district|council|police|university|trust))*)(?:[,:;]|\s|$)")
        .expect("role-of pattern")
});

/// What the words around a name say about the person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// A place named with `in` (`a voluntary sector chief executive in Bradford`).
    pub place: Option<String>,
}

/// Reads role and organisation from `before` (the words up to the name) and `after`
/// (the words after it).
pub fn describe(before: &str, after: &str) -> Described {
    let mut found = Described::default();
    if let Some(caps) = OWNER_BEFORE.captures(before) {
        let organisation = strip_leading_article(&caps["org"]);
        if organisation.starts_with(char::is_uppercase) {
            found.organisation = Some(organisation);
        }
        found.role = role(&caps["role"]);
    }
    if found.role.is_none()
        && let Some(caps) = AS_ROLE_BEFORE.captures(before)
    {
        found.role = role(&caps["role"]);
    }
    if found.role.is_none()
        && found.organisation.is_none()
        && let Some(caps) = ROLE_BEFORE.captures(before)
    {
        found.role = role(&caps["role"]);
    }
    if let Some(caps) = OWNER_AFTER.captures(after) {
        found.organisation = found
            .organisation
            .or_else(|| Some(strip_leading_article(&caps["org"])));
        found.role = found.role.or_else(|| role(&caps["role"]));
    } else if let Some(caps) = ROLE_OF_AFTER.captures(after)
        && let Some(role) = role(&caps["role"])
    {
        found.role = found.role.or(Some(role));
        let org = caps["org"].trim().to_string();
        if &caps["joiner"] == "in" {
            found.place = Some(org);
        } else {
            found.organisation = found.organisation.or(Some(org));
        }
    }
    found
}

/// Keeps a phrase as a role when it ends in a role noun (`chief executive`,
/// `health and care partnership director`).
fn role(phrase: &str) -> Option<String> {
    let words: Vec<&str> = phrase
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "a" | "an"))
        .collect();
    let titles = [
        "professor",
        "dr",
        "doctor",
        "sir",
        "dame",
        "cllr",
        "councillor",
    ];
    let end = words
        .iter()
        .rposition(|w| is_role_noun(w) && !titles.contains(&w.to_lowercase().as_str()))?;
    let start = words[..end]
        .iter()
        .rposition(|w| matches!(*w, "as" | "with" | "by" | "from" | "to"))
        .map_or(0, |i| i + 1);
    let role = words[start..=end].join(" ");
    (!role.is_empty()).then_some(role)
}

fn strip_leading_article(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .skip_while(|w| {
            matches!(
                *w,
                "As" | "And" | "Or" | "But" | "So" | "Then" | "For" | "In" | "While" | "When"
            )
        })
        .collect();
    let joined = words.join(" ");
    let trimmed = joined.as_str();
    for article in ["the ", "The "] {
        if let Some(rest) = trimmed.strip_prefix(article)
            && rest.starts_with(char::is_lowercase)
        {
            return rest.to_string();
        }
    }
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(before: &str, after: &str) -> (Option<String>, Option<String>, Option<String>) {
        let found = describe(before, after);
        (found.role, found.organisation, found.place)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn more_shapes_of_the_same_facts() {
        assert_eq!(
            described("And ", ", Edinburgh council's chief executive asserted: "),
            (some("chief executive"), some("Edinburgh council"), None)
        );
        assert_eq!(
            described(
                "As Professor ",
                ", managing director of Wigan's Clinical Commissioning Group (CCG), reported: "
            ),
            (
                some("managing director"),
                some("Wigan's Clinical Commissioning Group"),
                None
            )
        );
        assert_eq!(
            described(
                "For example, Edinburgh University's principal professor ",
                " explained: "
            ),
            (some("principal"), some("Edinburgh University"), None)
        );
        assert_eq!(
            described(
                "And North West London CCG's health and care partnership director, ",
                ", extolled"
            ),
            (
                some("health and care partnership director"),
                some("North West London CCG"),
                None
            )
        );
    }

    #[test]
    fn roles_and_organisations_around_names() {
        assert_eq!(
            described("As Surrey county council's chief executive ", " related: "),
            (some("chief executive"), some("Surrey county council"), None)
        );
        assert_eq!(
            described("And Monmouthshire council's ", " declared: "),
            (None, some("Monmouthshire council"), None)
        );
        assert_eq!(
            described(
                "For example, ",
                ", Essex Police's chief constable declared: "
            ),
            (some("chief constable"), some("Essex Police"), None)
        );
        assert_eq!(
            described(
                "And ",
                ", chief executive of The Cellar Trust, a local voluntary organisation, added: "
            ),
            (some("chief executive"), some("The Cellar Trust"), None)
        );
        assert_eq!(
            described("As chief executive, ", " recounted: "),
            (some("chief executive"), None, None)
        );
        assert_eq!(
            described("In Wigan, chief executive ", " described"),
            (some("chief executive"), None, None)
        );
        assert_eq!(
            described(
                "Or as ",
                ", a voluntary sector chief executive in Bradford said: "
            ),
            (
                some("voluntary sector chief executive"),
                None,
                some("Bradford")
            )
        );
        assert_eq!(
            described(
                "And Police Scotland's deputy chief constable, ",
                ", observed: "
            ),
            (
                some("deputy chief constable"),
                some("Police Scotland"),
                None
            )
        );
        assert_eq!(described("For example, ", " told us: "), (None, None, None));
    }
}
