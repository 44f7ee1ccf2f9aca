//! What a clause says about a speaker: a named person (`Wigan council's Alison Park
//! explained`), a pronoun (`She reflected`), an anonymous speaker (`a police chief
//! commented`), a role (`the council's chief executive explained`), or an attribution
//! line under a pull quote (`Name, role, organisation`).

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::ROLE_NOUNS;
pub(super) use super::lexicon::SPEECH_VERBS;
use super::names::{Mention, mentions};
use super::words::{collapse, is_role_noun};

static PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<who>he|she|they)\s+(?:\w+ly\s+|also\s+|then\s+|later\s+)?(?:{SPEECH_VERBS})\b"
    ))
    .expect("pronoun pattern")
});

static ANONYMOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<det>one of (?:the|our|them|those|these)|one|another|a|an|some|several|others|other|many|a number of)(?P<role>(?:\s+[\w’'-]+){{0,6}}?)\s+(?:\w+ly\s+|also\s+)?(?:{SPEECH_VERBS})\b"
    ))
    .expect("anonymous pattern")
});

static DESCRIBED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bthe\s+(?P<role>(?:[\w’'-]+\s+){{1,6}}?)(?:\w+ly\s+|also\s+)?(?:{SPEECH_VERBS})\b"
    ))
    .expect("described pattern")
});

static DESCRIBED_OWNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<owner>[A-Z][\w&-]*(?:\s+[A-Za-z][\w&-]*){{0,4}})['’]s\s+(?P<role>(?:[\w’'-]+\s+){{1,5}}?)(?:\w+ly\s+|also\s+)?(?:{SPEECH_VERBS})\b"
    ))
    .expect("owned role pattern")
});

/// What the words around a quotation say about its speaker.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// A person named (`name` as written, without titles); `person_like` is false for a
    /// single bare word that only a roster can confirm.
    Named {
        name: String,
        hint: String,
        person_like: bool,
        role: Option<String>,
        organisation: Option<String>,
        place: Option<String>,
    },
    /// `she`, `he`, `they`: the person last quoted.
    Pronoun { hint: String },
    /// `one said`, `a police chief commented`: nobody in particular.
    Anonymous { hint: String, role: Option<String> },
    /// `the council's chief executive explained`: a role that may identify someone.
    Described { hint: String, role: String },
    /// Nothing new: the speaker of the quotation before, in the same paragraph.
    Continuing,
    /// No attribution found.
    Unattributed,
}

/// `Two NHS leaders spoke bluntly. One said: ...`: an anonymous `one` or `another` takes
/// the role of the group named just before it.
pub(super) fn group_role(before: &str) -> Option<String> {
    const COUNTS: &[&str] = &[
        "two", "three", "four", "five", "six", "several", "some", "many", "few", "other", "both",
    ];
    let words: Vec<&str> = before
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\''))
        .collect();
    let mut found = None;
    for (index, word) in words.iter().enumerate() {
        if !COUNTS.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        for end in index + 1..words.len().min(index + 5) {
            let last = words[end];
            let singular = match last.strip_suffix("ies") {
                Some(stem) => format!("{stem}y"),
                None => last.strip_suffix('s').unwrap_or(last).to_string(),
            };
            if last.len() > singular.len() && is_role_noun(&singular) {
                let mut group: Vec<String> = words[index + 1..end]
                    .iter()
                    .map(|w| (*w).to_string())
                    .collect();
                group.push(singular);
                found = Some(group.join(" "));
                break;
            }
        }
    }
    found
}

/// Reads a clause for its speaker: a named person, a pronoun, an anonymous or a
/// described speaker.
/// `A senior NHS manager in the north of England told us:`, `Another chief executive,
/// from a London borough, made the same point:`: a clause (or a part after a comma) that
/// opens with `one`/`a`/`another` and a role.
fn anonymous_subject(clause: &str) -> Option<Who> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    let mut at = 0;
    while at < words.len() {
        let opens_part = at == 0
            || words[at - 1]
                .trim_end_matches(|c: char| "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c))
                .ends_with([',', ':', ';', '.', '!', '?'])
            || words[..at]
                .iter()
                .all(|w| DISCOURSE_OPENERS.contains(&w.trim_end_matches(',')));
        let determiner = words[at].to_lowercase();
        if opens_part && matches!(determiner.as_str(), "one" | "another" | "a" | "an") {
            let mut start = at + 1;
            if words.get(start).is_some_and(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "second" | "third" | "fourth" | "other" | "further"
                )
            }) {
                start += 1;
            }
            for end in start..words.len().min(start + 5) {
                let bare = words[end]
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_lowercase();
                if ROLE_NOUNS.contains(&bare.as_str()) {
                    let bare_at = |i: usize| {
                        words[i]
                            .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                            .to_lowercase()
                    };
                    let mut end = end;
                    while end + 1 < words.len()
                        && !words[end].ends_with([',', ':', ';', '.'])
                        && ROLE_NOUNS.contains(&bare_at(end + 1).as_str())
                    {
                        end += 1;
                    }
                    let role: Vec<&str> = words[start..=end]
                        .iter()
                        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
                        .collect();
                    let hint: Vec<&str> = words[at..=end]
                        .iter()
                        .map(|w| w.trim_end_matches([',', ':', ';']))
                        .collect();
                    return Some(Who::Anonymous {
                        hint: hint.join(" "),
                        role: Some(role.join(" ")),
                    });
                }
                if words[end].ends_with([',', ':', ';', '.']) {
                    break;
                }
            }
        }
        at += 1;
    }
    None
}

const DISCOURSE_OPENERS: &[&str] = &[
    "As",
    "And",
    "But",
    "So",
    "Then",
    "Also",
    "Similarly",
    "Meanwhile",
    "Here",
    "For",
    "example",
    "instance",
];

pub fn classify(clause: &str) -> Option<Who> {
    if clause.trim().is_empty() {
        return None;
    }
    if let Some(who) = named(clause).filter(|w| {
        matches!(
            w,
            Who::Named {
                person_like: true,
                ..
            }
        )
    }) {
        return Some(who);
    }
    if let Some(found) = PRONOUN.captures(clause) {
        return Some(Who::Pronoun {
            hint: found["who"].to_string(),
        });
    }
    if let Some(who) = anonymous_subject(clause) {
        return Some(who);
    }
    if let Some(found) = ANONYMOUS.captures(clause) {
        let whole = found.get(0).map_or("", |m| m.as_str());
        let role = found["role"].trim();
        let role = role.trim_start_matches("of ").trim();
        let hint = strip_verb(whole);
        let role_words_ok = role.is_empty() || role.split_whitespace().any(is_role_noun);
        if role_words_ok {
            return Some(Who::Anonymous {
                hint,
                role: (!role.is_empty()).then(|| role.to_string()),
            });
        }
    }
    if let Some(found) = DESCRIBED_OWNED.captures(clause) {
        let role = found["role"].trim();
        if role.split_whitespace().any(is_role_noun) {
            let owner = found["owner"].trim();
            let owner = owner
                .split_whitespace()
                .skip_while(|w| ["As", "And", "Or", "But", "So", "Then", "For", "In"].contains(w))
                .collect::<Vec<_>>()
                .join(" ");
            if owner.starts_with(char::is_uppercase) {
                let hint = format!("{owner}'s {role}");
                return Some(Who::Described {
                    role: hint.clone(),
                    hint,
                });
            }
        }
    }
    if let Some(found) = DESCRIBED.captures(clause) {
        let role = found["role"].trim().to_string();
        if role.split_whitespace().any(is_role_noun) {
            let whole = found.get(0).map_or("", |m| m.as_str());
            return Some(Who::Described {
                hint: strip_verb(whole),
                role,
            });
        }
    }
    named(clause)
}

fn named(clause: &str) -> Option<Who> {
    let found = mentions(clause);
    let mention: &Mention = found
        .iter()
        .find(|m| m.person_like)
        .or_else(|| found.last())?;
    let hint = noun_phrase(clause, mention);
    let around = super::appositive::describe(&clause[..mention.start], &clause[mention.end..]);
    Some(Who::Named {
        name: mention.name.clone(),
        hint,
        person_like: mention.person_like,
        role: around.role,
        organisation: around.organisation,
        place: around.place,
    })
}

/// The mention with the possessive and role words written just before it:
/// `Monmouthshire council's chief executive Paul Matthews`.
fn noun_phrase(clause: &str, mention: &Mention) -> String {
    let before = &clause[..mention.start];
    let mut start = mention.start;
    for (word_start, word_end) in super::names::words(before)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        let word = &before[word_start..word_end];
        let bare = word.trim_end_matches(',').to_lowercase();
        let fits = word.ends_with("'s")
            || word.ends_with("’s")
            || word.ends_with("s'")
            || word.ends_with("s’")
            || is_role_noun(&bare)
            || matches!(
                bare.as_str(),
                "county"
                    | "city"
                    | "borough"
                    | "district"
                    | "deputy"
                    | "assistant"
                    | "managing"
                    | "artistic"
                    | "clinical"
                    | "local"
                    | "health"
                    | "care"
                    | "partnership"
                    | "sector"
                    | "voluntary"
                    | "police"
                    | "council"
                    | "university"
                    | "university's"
                    | "principal"
                    | "professor"
            )
            || (word.chars().next().is_some_and(char::is_uppercase)
                && !matches!(
                    word,
                    "As" | "And" | "Or" | "For" | "In" | "But" | "So" | "Then" | "While" | "When"
                ));
        if !fits || word.ends_with(',') && !word.ends_with("'s,") {
            break;
        }
        start = word_start;
    }
    collapse(&clause[start..mention.end])
}

/// The subject of `<subject> <verb>`: the phrase without its (possibly two-word) verb.
fn strip_verb(phrase: &str) -> String {
    let mut words: Vec<&str> = phrase.split_whitespace().collect();
    if words.len() > 1 {
        words.pop();
    }
    let first_of_two_word_verbs = [
        "put",
        "puts",
        "summed",
        "sums",
        "pointed",
        "points",
        "went",
        "goes",
        "told",
        "captured",
        "sees",
        "saw",
        "explained",
    ];
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| first_of_two_word_verbs.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    words.join(" ")
}

pub(super) fn classify_subject(phrase: &str) -> Option<Who> {
    let trimmed = phrase.trim().trim_matches(',');
    let lower = trimmed.to_lowercase();
    if matches!(lower.as_str(), "he" | "she" | "they") {
        return Some(Who::Pronoun {
            hint: trimmed.to_string(),
        });
    }
    if let Some(who) = named(trimmed) {
        return Some(who);
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let determiner = words.first().map(|w| w.to_lowercase());
    if matches!(determiner.as_deref(), Some("one" | "another" | "a" | "an")) {
        let role = words[1..].join(" ");
        return Some(Who::Anonymous {
            hint: trimmed.to_string(),
            role: (!role.is_empty()).then_some(role),
        });
    }
    None
}

/// Reads an attribution line under a pull quote: `Name, role, organisation`, or a role
/// (`Council Leader`, `Chief executive, voluntary organisation`).
pub fn attribution_line(line: &str) -> Option<Who> {
    let line = collapse(line);
    let line = line.trim_start_matches(['-', '–', '—', ' ']).trim();
    let words = line.split_whitespace().count();
    if words == 0 || words > 14 || line.ends_with(['.', '?', '!', ':', ';']) {
        return None;
    }
    let first_word = line.split_whitespace().next().unwrap_or("");
    if matches!(
        first_word,
        "The"
            | "A"
            | "An"
            | "How"
            | "What"
            | "Why"
            | "When"
            | "Where"
            | "Which"
            | "Who"
            | "In"
            | "On"
            | "For"
            | "Key"
            | "Our"
            | "Figure"
            | "Table"
    ) {
        return None;
    }
    let parts: Vec<&str> = line
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let head = parts.first()?;
    let found = mentions(head);
    if let Some(person) = found
        .iter()
        .find(|m| m.person_like && m.start == 0 && m.end == head.len())
    {
        return Some(Who::Named {
            name: person.name.clone(),
            hint: line.to_string(),
            person_like: true,
            role: parts.get(1).map(|r| (*r).to_string()),
            organisation: (parts.len() > 2).then(|| parts[2..].join(", ")),
            place: None,
        });
    }
    let role_part = [" of ", " at ", " for "]
        .iter()
        .find_map(|joiner| head.split_once(joiner).map(|(role, _)| role))
        .unwrap_or(head);
    let ends_in_role = role_part
        .split_whitespace()
        .last()
        .is_some_and(is_role_noun);
    let several_words = head.split_whitespace().count() >= 2 || parts.len() >= 2;
    if ends_in_role && several_words && head.chars().next().is_some_and(char::is_uppercase) {
        return Some(Who::Anonymous {
            hint: line.to_string(),
            role: Some((*head).to_string()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(clause: &str) -> Option<Who> {
        classify(clause)
    }

    fn name(clause: &str) -> Option<String> {
        match classify(clause) {
            Some(Who::Named { name, .. }) => Some(name),
            _ => None,
        }
    }

    #[test]
    fn named_lead_ins() {
        assert_eq!(
            name("As Monmouthshire council's Paul Matthews commented: ").as_deref(),
            Some("Paul Matthews")
        );
        assert_eq!(
            name("Surrey county council's chief executive Joanna Killian explained: ").as_deref(),
            Some("Joanna Killian")
        );
        assert_eq!(
            name("Kim Shutler, chief executive of The Cellar Trust, said: ").as_deref(),
            Some("Kim Shutler")
        );
        assert_eq!(
            name("As chief executive, Niall Bolger recounted: ").as_deref(),
            Some("Niall Bolger")
        );
        assert_eq!(
            name("And Andrew Kerr added: ").as_deref(),
            Some("Andrew Kerr")
        );
        match classify("As Monmouthshire council's chief executive Paul Matthews commented: ") {
            Some(Who::Named { hint, .. }) => assert_eq!(
                hint,
                "Monmouthshire council's chief executive Paul Matthews"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pronouns_anonymous_and_described_speakers() {
        assert_eq!(
            who("She reflected: "),
            Some(Who::Pronoun { hint: "She".into() })
        );
        assert_eq!(
            who("One said: "),
            Some(Who::Anonymous {
                hint: "One".into(),
                role: None
            })
        );
        assert_eq!(
            who("Another observed: "),
            Some(Who::Anonymous {
                hint: "Another".into(),
                role: None
            })
        );
        assert_eq!(
            who("Asked about money, a police chief commented: "),
            Some(Who::Anonymous {
                hint: "a police chief".into(),
                role: Some("police chief".into())
            })
        );
        assert_eq!(
            who("and one council chief executive remarked "),
            Some(Who::Anonymous {
                hint: "one council chief executive".into(),
                role: Some("council chief executive".into())
            })
        );
        assert_eq!(
            who("As the council's chief executive explained: "),
            Some(Who::Described {
                hint: "the council's chief executive".into(),
                role: "council's chief executive".into()
            })
        );
        assert_eq!(who("In many areas plans have taken a leap forward, "), None);
    }

    #[test]
    fn anonymous_ones_take_the_role_of_their_group() {
        assert_eq!(
            group_role("Two NHS leaders spoke more bluntly than others. One said: ").as_deref(),
            Some("NHS leader")
        );
        assert_eq!(
            group_role("Several chief executives agreed. ").as_deref(),
            Some("chief executive")
        );
        assert_eq!(group_role("Several raised the problem of savings. "), None);
    }

    #[test]
    fn anonymous_speakers_with_more_words_before_the_verb() {
        let role = |clause: &str| match classify(clause) {
            Some(Who::Anonymous { role, .. }) => role,
            other => panic!("{clause}: {other:?}"),
        };
        assert_eq!(
            role("A senior NHS manager in the north of England told us: ").as_deref(),
            Some("senior NHS manager")
        );
        assert_eq!(
            role("Another chief executive, from a London borough, made the same point: ")
                .as_deref(),
            Some("chief executive")
        );
        assert_eq!(
            role("A second police commander, from a force in the south, was sceptical: ")
                .as_deref(),
            Some("police commander")
        );
        assert_eq!(
            role("One chief executive captured the paradox: ").as_deref(),
            Some("chief executive")
        );
        assert_eq!(classify("As a result, the plans were dropped: "), None);
    }

    #[test]
    fn trailing_subjects() {
        assert!(
            matches!(classify_subject(" Jo Park"), Some(Who::Named { ref name, .. }) if name == "Jo Park")
        );
        assert_eq!(
            classify_subject("she"),
            Some(Who::Pronoun { hint: "she".into() })
        );
        assert_eq!(
            classify_subject("one leader"),
            Some(Who::Anonymous {
                hint: "one leader".into(),
                role: Some("leader".into())
            })
        );
    }

    #[test]
    fn attribution_lines_under_pull_quotes() {
        assert_eq!(
            attribution_line("Council Leader"),
            Some(Who::Anonymous {
                hint: "Council Leader".into(),
                role: Some("Council Leader".into())
            })
        );
        assert_eq!(
            attribution_line("Chief executive, voluntary organisation"),
            Some(Who::Anonymous {
                hint: "Chief executive, voluntary organisation".into(),
                role: Some("Chief executive".into())
            })
        );
        match attribution_line("Nasreen Iqbal, chief officer, Wigan Community Food Network") {
            Some(Who::Named {
                name,
                role,
                organisation,
                ..
            }) => {
                assert_eq!(name, "Nasreen Iqbal");
                assert_eq!(role.as_deref(), Some("chief officer"));
                assert_eq!(
                    organisation.as_deref(),
                    Some("Wigan Community Food Network")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(attribution_line("Introduction"), None);
        assert_eq!(attribution_line("Executive summary"), None);
        assert_eq!(attribution_line("EXECUTIVE"), None);
        assert_eq!(attribution_line("The role of the chief executive"), None);
    }
}
