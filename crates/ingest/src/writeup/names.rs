//! Finding people's names in the words around a quotation.
//!
//! Reports name speakers inside noun phrases full of other capitalised words:
//! `Bradford's Institute for Health Research's Professor John Wright`, `Police Scotland's
//! deputy chief constable, Will Kerr`. A mention is a run of capitalised words; runs that
//! end in a possessive, hold an organisation word or start with a compass point are
//! organisations and places, not people.

/// A capitalised run that may name a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset of the run (titles included) in the searched text.
    pub start: usize,
    /// Byte offset just past the run.
    pub end: usize,
    /// The name without titles, role words or punctuation.
    pub name: String,
    /// Two or more name words, or one after a title (`Professor Mathieson`).
    pub person_like: bool,
}

const DISCOURSE: &[&str] = &[
    "As",
    "And",
    "Or",
    "But",
    "So",
    "For",
    "In",
    "At",
    "On",
    "By",
    "With",
    "Then",
    "Also",
    "Similarly",
    "However",
    "Meanwhile",
    "Indeed",
    "While",
    "Whilst",
    "When",
    "After",
    "Before",
    "Here",
    "There",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "The",
    "A",
    "An",
    "Our",
    "Their",
    "His",
    "Her",
    "Both",
    "Each",
    "Every",
    "Another",
    "One",
    "Some",
    "Many",
    "Most",
    "Several",
    "All",
    "Other",
    "Others",
    "Everyone",
    "Nearly",
    "Almost",
    "Example",
    "Thus",
    "Yet",
    "Still",
    "Even",
    "Only",
    "Just",
    "Again",
    "Now",
    "Today",
    "Later",
    "Finally",
    "First",
    "Likewise",
    "Moreover",
    "Furthermore",
    "Equally",
    "Instead",
    "Elsewhere",
    "Across",
    "Like",
    "Unlike",
    "Speaking",
    "Asked",
    "According",
    "Reflecting",
    "Looking",
    "Talking",
    "Commenting",
    "Explaining",
    "Describing",
    "Both",
    "We",
    "They",
    "He",
    "She",
    "I",
    "You",
    "Not",
    "No",
    "If",
    "Where",
    "What",
    "Why",
    "How",
    "Who",
    "To",
    "From",
    "Of",
    "Over",
    "Despite",
    "Through",
    "During",
    "Since",
    "Until",
    "Because",
    "Although",
    "Though",
];

const TITLES: &[&str] = &[
    "Professor",
    "Prof",
    "Dr",
    "Doctor",
    "Cllr",
    "Councillor",
    "Sir",
    "Dame",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Lord",
    "Lady",
    "Baroness",
    "Baron",
    "Rev",
    "Revd",
    "Reverend",
    "ACC",
    "DCC",
    "CC",
    "Supt",
    "Insp",
    "Sgt",
    "DCI",
    "DI",
    "DS",
    "PC",
    "Det",
];

const ROLE_WORDS: &[&str] = &[
    "chief",
    "executive",
    "deputy",
    "depute",
    "assistant",
    "director",
    "managing",
    "leader",
    "head",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "principal",
    "vice",
    "chancellor",
    "superintendent",
    "inspector",
    "constable",
    "commissioner",
    "detective",
    "sergeant",
    "mayor",
    "president",
    "secretary",
    "minister",
    "governor",
    "officer",
    "lead",
    "senior",
    "interim",
    "acting",
    "corporate",
    "strategic",
    "associate",
    "manager",
    "founder",
    "co-founder",
    "trustee",
    "dean",
    "partner",
    "accountable",
    "programme",
    "program",
    "clinical",
    "medical",
    "nurse",
    "consultant",
    "coordinator",
    "co-ordinator",
    "artistic",
    "general",
    "operating",
];

const ORGANISATION_WORDS: &[&str] = &[
    "council",
    "councils",
    "police",
    "nhs",
    "ccg",
    "ccgs",
    "university",
    "trust",
    "institute",
    "group",
    "partnership",
    "network",
    "hub",
    "theatre",
    "playhouse",
    "museum",
    "hospital",
    "hospitals",
    "authority",
    "service",
    "services",
    "board",
    "foundation",
    "association",
    "company",
    "ltd",
    "plc",
    "centre",
    "center",
    "college",
    "school",
    "church",
    "commission",
    "agency",
    "department",
    "government",
    "office",
    "project",
    "society",
    "alliance",
    "forum",
    "fund",
    "charity",
    "housing",
    "airport",
    "county",
    "borough",
    "city",
    "district",
    "team",
    "rsa",
    "lga",
    "solace",
    "parliament",
    "assembly",
    "executive",
    "cabinet",
    "committee",
];

/// Places that, alone, are never a person (though `Kersten England` is).
const PLACES: &[&str] = &[
    "scotland",
    "wales",
    "england",
    "ireland",
    "britain",
    "uk",
    "europe",
    "london",
    "belfast",
    "bradford",
    "brent",
    "edinburgh",
    "essex",
    "hounslow",
    "leeds",
    "monmouthshire",
    "surrey",
    "wigan",
    "gwent",
    "manchester",
    "birmingham",
    "liverpool",
    "glasgow",
    "cardiff",
];

const PLACE_STARTS: &[&str] = &[
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Greater",
    "Central", "Upper", "Lower", "Mid", "New",
];

const NOT_NAMES: &[&str] = &[
    "covid",
    "covid-19",
    "coronavirus",
    "gdpr",
    "teams",
    "zoom",
    "microsoft",
    "sharepoint",
    "whatsapp",
    "facebook",
    "twitter",
    "brexit",
    "christmas",
    "easter",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "ok",
    "a&e",
    "ppe",
    "gp",
    "gps",
    "figure",
    "table",
    "chapter",
    "section",
    "page",
];

const PARTICLES: &[&str] = &[
    "de", "da", "del", "der", "van", "von", "le", "la", "du", "di", "bin", "al", "ap",
];

/// Finds capitalised runs in `text` that may name people, in order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut run: Vec<(usize, usize, &str, bool)> = Vec::new();
    for (start, end) in words(text) {
        let raw = &text[start..end];
        let core_start = start + (raw.len() - raw.trim_start_matches(is_opening).len());
        let core_text = raw.trim_start_matches(is_opening);
        let trimmed = core_text.trim_end_matches(is_closing);
        let initial = trimmed.chars().count() <= 2
            && trimmed.chars().all(char::is_uppercase)
            && core_text[trimmed.len()..].chars().all(|c| c == '.');
        let breaks_after = trimmed.len() != core_text.len() && !initial;
        let possessive = ["'s", "’s", "s'", "s’"]
            .iter()
            .any(|p| trimmed.ends_with(p));
        let is_name_word = trimmed.chars().next().is_some_and(char::is_uppercase)
            || (!run.is_empty() && PARTICLES.contains(&trimmed));
        if is_name_word && !trimmed.is_empty() {
            run.push((core_start, core_start + trimmed.len(), trimmed, possessive));
            if breaks_after || possessive {
                finish(text, &mut run, &mut found);
            }
        } else {
            finish(text, &mut run, &mut found);
        }
    }
    finish(text, &mut run, &mut found);
    found
}

fn finish(_text: &str, run: &mut Vec<(usize, usize, &str, bool)>, found: &mut Vec<Mention>) {
    let tokens = std::mem::take(run);
    let Some(&(_, end, _, possessive)) = tokens.last() else {
        return;
    };
    if possessive {
        return;
    }
    let mut rest: &[(usize, usize, &str, bool)] = &tokens;
    while let Some((first, tail)) = rest.split_first() {
        if DISCOURSE.contains(&first.2) {
            rest = tail;
        } else {
            break;
        }
    }
    let Some(&(start, _, _, _)) = rest.first() else {
        return;
    };
    let mut titled = false;
    while let Some((first, tail)) = rest.split_first() {
        let word = first.2.trim_end_matches('.');
        if TITLES.contains(&word)
            || (ROLE_WORDS.contains(&word.to_lowercase().as_str()) && !tail.is_empty())
        {
            titled = true;
            rest = tail;
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return;
    }
    let lower: Vec<String> = rest.iter().map(|t| t.2.to_lowercase()).collect();
    if lower
        .iter()
        .any(|w| ORGANISATION_WORDS.contains(&w.as_str()) || NOT_NAMES.contains(&w.as_str()))
    {
        return;
    }
    if rest.len() >= 2 && PLACE_STARTS.contains(&rest[0].2) {
        return;
    }
    if lower.iter().all(|w| PLACES.contains(&w.as_str())) {
        return;
    }
    if rest.iter().any(|t| !t.2.chars().any(char::is_alphabetic)) {
        return;
    }
    let mut name = String::new();
    for token in rest {
        if !name.is_empty() && !name.ends_with('-') {
            name.push(' ');
        }
        name.push_str(token.2);
    }
    found.push(Mention {
        start,
        end,
        person_like: rest.len() >= 2 || titled,
        name,
    });
}

fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '"' | '“' | '‘' | '\'')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '.' | ')' | ']' | '"' | '”' | '’' | '\'' | '!' | '?'
    ) && c != '\u{0}'
}

/// Byte spans of whitespace-separated words.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut offset = 0;
    text.split_whitespace().map(move |word| {
        let start = offset + text[offset..].find(word).unwrap_or(0);
        offset = start + word.len();
        (start, offset)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(text: &str) -> Vec<String> {
        mentions(text)
            .into_iter()
            .filter(|m| m.person_like)
            .map(|m| m.name)
            .collect()
    }

    #[test]
    fn finds_people_among_organisations_and_places() {
        assert_eq!(
            people("For example, BJ Harrington, Essex Police's chief constable declared:"),
            ["BJ Harrington"]
        );
        assert_eq!(
            people("Bradford's Institute for Health Research's Professor John Wright responded:"),
            ["John Wright"]
        );
        assert_eq!(
            people("And Police Scotland's deputy chief constable, Will Kerr, observed:"),
            ["Will Kerr"]
        );
        assert_eq!(
            people(
                "And Kim Shutler, chief executive of The Cellar Trust, a local voluntary organisation, added:"
            ),
            ["Kim Shutler"]
        );
        assert_eq!(
            people("Edinburgh university's Professor Mathieson told a similar story."),
            ["Mathieson"]
        );
        assert_eq!(
            people("As the local CCGs' partnership lead Juliet Brown describes:"),
            ["Juliet Brown"]
        );
        assert_eq!(
            people("working together across North West London during Covid"),
            Vec::<String>::new()
        );
        assert_eq!(
            people("As Chief Executive Alison McKenzie-Folan said"),
            ["Alison McKenzie-Folan"]
        );
        assert_eq!(
            people("with Ursula von der Leyen present"),
            ["Ursula von der Leyen"]
        );
    }

    #[test]
    fn single_words_are_kept_but_not_person_like() {
        let found = mentions("In Wigan, Harris said");
        let names: Vec<(&str, bool)> = found
            .iter()
            .map(|m| (m.name.as_str(), m.person_like))
            .collect();
        assert_eq!(names, [("Harris", false)], "a place alone is not a name");
    }
}
