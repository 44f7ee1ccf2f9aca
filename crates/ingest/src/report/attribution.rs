//! Who said a quotation: the lead-in before it (`As Wigan council's Alison Park
//! explained:`), an attribution after it (`..., said Park.`), an attribution line under a
//! pull quote, the sentence before it, or the quotation before it.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::Layout;
use super::names::{Mention, mentions};
use super::spans::Span;

/// Verbs reports use to introduce speech.
const SPEECH_VERBS: &str = r"said|says|say|commented|comments|explained|explains|added|adds|observed|observes|noted|notes|remarked|remarks|reflected|reflects|recounted|recounts|related|relates|declared|declares|asserted|asserts|stated|states|reported|reports|responded|responds|described|describes|told|tells|argued|argues|suggested|suggests|emphasised|emphasized|emphasises|emphasizes|stressed|stresses|admitted|admits|acknowledged|acknowledges|warned|warns|put it|puts it|summed up|sums up|recalled|recalls|enthused|enthuses|extolled|extols|highlighted|highlights|pointed out|points out|concluded|concludes|believes|believed|thinks|thought|felt|feels|continued|continues|went on|goes on|insisted|insists|agreed|agrees|mused|replied|replies|answered|answers|confirmed|confirms|claimed|claims|outlined|outlines|mentioned|mentions|revealed|reveals|shared|shares|explained|quipped|urged|urges|cautioned|cautions|predicted|predicts|conceded|concedes|recognised|recognized|recognises|recognizes|identified|identifies|illustrated|illustrates|articulated|expressed|expresses|announced|announces|indicated|indicates|maintained|maintains|reiterated|reiterates|summarised|summarized|summarises|summarizes|elaborated|exclaimed|joked|considered|considers|reasoned|asked|asks|wondered|wonders|spoke|talked|talks|told us|explained that|wrote|writes|captured it|sees it|saw it";

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

static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s,]*(?:(?:{SPEECH_VERBS})\s+(?P<after>[^.;:!?“”]+)|(?P<before>[^.;:!?“”]{{1,80}}?)\s+(?:\w+ly\s+)?(?:{SPEECH_VERBS})\b|according to\s+(?P<according>[^.;:!?“”]+))"
    ))
    .expect("trailing pattern")
});

/// Role nouns that make a phrase an attribution ("council leader", "chief executive").
const ROLE_NOUNS: &[&str] = &[
    "leader",
    "chief",
    "executive",
    "director",
    "chancellor",
    "officer",
    "manager",
    "constable",
    "commissioner",
    "head",
    "chair",
    "mayor",
    "councillor",
    "principal",
    "president",
    "secretary",
    "superintendent",
    "inspector",
    "lead",
    "coordinator",
    "co-ordinator",
    "founder",
    "governor",
    "dean",
    "professor",
    "nurse",
    "doctor",
    "gp",
    "clinician",
    "worker",
    "volunteer",
    "resident",
    "trustee",
    "partner",
    "interviewee",
    "participant",
    "respondent",
    "official",
    "member",
    "minister",
    "cllr",
    "sergeant",
    "administrator",
    "commander",
    "consultant",
    "adviser",
    "advisor",
    "practitioner",
    "representative",
    "organiser",
    "campaigner",
    "chairman",
    "chairwoman",
    "chairperson",
    "deputy",
    "vice-chancellor",
    "colleague",
    "police",
    "council",
];

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

/// The speaker evidence of a quotation and its lead-in sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub who: Who,
    pub context: Option<String>,
    /// The paragraph holding a pull quote's attribution line.
    pub line: Option<usize>,
}

/// `Two NHS leaders spoke bluntly. One said: ...`: an anonymous `one` or `another` takes
/// the role of the group named just before it.
fn group_role(before: &str) -> Option<String> {
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

/// Works out who said `spans[index]`.
pub fn attribute(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Attribution {
    let mut attribution = attribute_words(text, layout, spans, index);
    if let Who::Anonymous {
        role: role @ None, ..
    } = &mut attribution.who
    {
        let span = &spans[index];
        let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
        *role = group_role(&mask_quotes(text, spans, index, paragraph_start, span.open));
    }
    attribution
}

fn attribute_words(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Attribution {
    let span = &spans[index];
    let (lead, lead_start) = lead_in(text, layout, spans, index);
    let lead_clean = collapse(&lead);
    let context = (!lead_clean.is_empty()).then(|| lead_clean.clone());
    if let Some(who) = classify(&lead) {
        return Attribution {
            who,
            context,
            line: None,
        };
    }
    if let Some(who) = trailing(text, layout, spans, index) {
        return Attribution {
            who,
            context,
            line: None,
        };
    }
    if let Some(who) = pull_quote_line(text, layout, span) {
        let line = Some(span.last_paragraph + 1);
        return Attribution { who, context, line };
    }
    if lead_clean.is_empty() {
        if let Some((previous, who)) = previous_colon_paragraph(text, layout, span) {
            return Attribution {
                who,
                context: Some(previous),
                line: None,
            };
        }
        if let Some((previous, who)) = previous_sentence(text, layout, spans, index, lead_start) {
            return Attribution {
                who,
                context: Some(previous),
                line: None,
            };
        }
    }
    let same_paragraph = index > 0 && spans[index - 1].last_paragraph == span.first_paragraph;
    let who = if same_paragraph {
        Who::Continuing
    } else {
        Who::Unattributed
    };
    Attribution {
        who,
        context,
        line: None,
    }
}

/// Reads a clause for its speaker: a named person, a pronoun, an anonymous or a
/// described speaker.
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

pub(super) fn is_role_noun(word: &str) -> bool {
    let lower = word
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase();
    ROLE_NOUNS.contains(&lower.trim_end_matches('s')) || ROLE_NOUNS.contains(&lower.as_str())
}

/// The text from the start of the quotation's sentence to its opening mark, other
/// quotations left out. Returns the clause and its byte offset.
fn lead_in(text: &str, layout: &Layout, spans: &[Span], index: usize) -> (String, usize) {
    let span = &spans[index];
    let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
    let mut start = paragraph_start;
    let before = &text[paragraph_start..span.open];
    for (offset, c) in before.char_indices().rev() {
        let at = paragraph_start + offset;
        if inside_other(spans, index, at) {
            if let Some(other) = spans[..index]
                .iter()
                .rev()
                .find(|s| s.close == at + c.len_utf8())
            {
                let closed_sentence = other
                    .segments
                    .last()
                    .is_some_and(|s| ends_sentence(&text[s.clone()]));
                if closed_sentence
                    && text[other.close..span.open]
                        .trim_start()
                        .starts_with(char::is_uppercase)
                {
                    start = other.close;
                    break;
                }
            }
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            let rest = &text[at + 1..span.open];
            let next_is_new_sentence = rest.starts_with(char::is_whitespace)
                && rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_uppercase() || n == '“' || n == '"');
            if next_is_new_sentence
                && !(c == '.' && crate::segment::is_abbreviation(&text[paragraph_start..at]))
            {
                start = at + 1;
                break;
            }
        }
    }
    let masked = mask_quotes(text, spans, index, start, span.open);
    // Only what follows the last quotation counts, less a bracketed attribution that
    // belongs to that quotation: `"..." (Ana Ruiz) "..."`.
    let own = match masked.rfind('…') {
        Some(at) => {
            let rest = masked[at + '…'.len_utf8()..].trim_start_matches([',', '.', ' ']);
            match rest
                .strip_prefix('(')
                .and_then(|r| r.find(')').map(|end| &r[end + 1..]))
            {
                Some(after_bracket) => after_bracket.to_string(),
                None => masked[at..].to_string(),
            }
        }
        None => masked,
    };
    (own, start)
}

fn inside_other(spans: &[Span], index: usize, at: usize) -> bool {
    spans[..index].iter().any(|s| s.open <= at && at < s.close)
}

/// `text[start..end]` with other quotations replaced by an ellipsis.
fn mask_quotes(text: &str, spans: &[Span], index: usize, start: usize, end: usize) -> String {
    let mut out = String::new();
    let mut cursor = start;
    for other in spans[..index]
        .iter()
        .filter(|s| s.close > start && s.open < end)
    {
        if other.open > cursor {
            out.push_str(&text[cursor..other.open]);
        }
        out.push('…');
        cursor = cursor.max(other.close);
    }
    if cursor < end {
        out.push_str(&text[cursor..end]);
    }
    out
}

/// `"...," said Kerr.` / `"..." she added.` / `"...", according to Kerr.`
fn trailing(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Option<Who> {
    let span = &spans[index];
    let paragraph_end = layout.paragraphs[span.last_paragraph].range.end;
    let next_open = spans
        .get(index + 1)
        .map_or(paragraph_end, |s| s.open.min(paragraph_end));
    let after = &text[span.close.min(next_open)..next_open];
    let opening = after.trim_start_matches([',', '.', ' ', '\n', '\r']);
    if let Some(bracketed) = opening.strip_prefix('(') {
        let inside = &bracketed[..bracketed.find(')')?];
        return attribution_line(inside).or_else(|| classify_subject(inside));
    }
    if let Some(dashed) = opening
        .strip_prefix(['–', '—'])
        .or_else(|| opening.strip_prefix("- "))
    {
        let line = dashed
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches('.');
        return attribution_line(line).or_else(|| classify_subject(line));
    }
    let sentence_end = after.find(['.', '!', '?', ':', ';']).unwrap_or(after.len());
    let after = &after[..sentence_end];
    if after.split_whitespace().count() > 14 {
        return None;
    }
    let found = TRAILING.captures(after)?;
    let phrase = found
        .name("after")
        .or_else(|| found.name("before"))
        .or_else(|| found.name("according"))?
        .as_str();
    classify_subject(phrase)
}

fn classify_subject(phrase: &str) -> Option<Who> {
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

/// A pull quote: the quotation fills its paragraph and the next paragraph is an
/// attribution line (`Name, role, organisation` or a role alone).
fn pull_quote_line(text: &str, layout: &Layout, span: &Span) -> Option<Who> {
    let first = &layout.paragraphs[span.first_paragraph];
    let last = &layout.paragraphs[span.last_paragraph];
    let outside = format!(
        "{}{}",
        &text[first.range.start..span.open],
        &text[span.close.min(last.range.end)..last.range.end]
    );
    if outside.chars().any(char::is_alphanumeric) {
        return None;
    }
    let next = layout.paragraphs.get(span.last_paragraph + 1)?;
    attribution_line(&text[next.range.clone()])
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

/// A quotation opening its paragraph after a paragraph that ends with a colon
/// (`As one explained:`).
fn previous_colon_paragraph(text: &str, layout: &Layout, span: &Span) -> Option<(String, Who)> {
    let paragraph = &layout.paragraphs[span.first_paragraph];
    if !text[paragraph.range.start..span.open].trim().is_empty() {
        return None;
    }
    let previous = layout.paragraphs[..span.first_paragraph]
        .iter()
        .rev()
        .find(|p| !p.furniture)?;
    let body = &text[previous.range.clone()];
    if !body.trim_end().ends_with(':') {
        return None;
    }
    let sentence = last_sentence(body);
    let who = classify(sentence)?;
    Some((collapse(sentence), who))
}

/// The sentence before the quotation's, in the same paragraph, when the quotation opens a
/// sentence: `Gavin Jones recounted similar experiences. "One of the big..."`.
fn previous_sentence(
    text: &str,
    layout: &Layout,
    spans: &[Span],
    index: usize,
    lead_start: usize,
) -> Option<(String, Who)> {
    let span = &spans[index];
    let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
    if lead_start <= paragraph_start {
        return None;
    }
    let before = mask_quotes(text, spans, index, paragraph_start, lead_start);
    let sentence = last_sentence(before.trim_end());
    if sentence.trim() == "…" || sentence.trim().is_empty() {
        return Some((String::new(), Who::Continuing)).filter(|_| index > 0);
    }
    let who = match classify(sentence) {
        Some(Who::Named {
            person_like: false, ..
        })
        | None => {
            if sentence.trim_end().ends_with('…') || sentence.contains('…') {
                Who::Continuing
            } else {
                return None;
            }
        }
        Some(who) => who,
    };
    Some((collapse(sentence), who))
}

/// The last sentence of a paragraph's text.
fn last_sentence(text: &str) -> &str {
    let trimmed = text.trim_end();
    let body = trimmed.trim_end_matches(['.', '!', '?', ':']);
    let mut start = 0;
    for (at, c) in body.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            let rest = &body[at + 1..];
            if rest.starts_with(char::is_whitespace)
                && rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && !(c == '.' && crate::segment::is_abbreviation(&body[..at]))
            {
                start = at + 1;
            }
        }
    }
    trimmed[start..].trim()
}

fn ends_sentence(words: &str) -> bool {
    words
        .trim_end()
        .trim_end_matches(['\'', '’', ')'])
        .ends_with(['.', '!', '?'])
}

/// Collapses white space (line breaks included) to single spaces.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn organisations_roles_and_bracketed_or_dashed_attributions() {
        assert_eq!(
            classify("As Essex Police's chief constable explained: "),
            Some(Who::Described {
                hint: "Essex Police's chief constable".into(),
                role: "Essex Police's chief constable".into()
            })
        );
        let text = "Summary\n\n\"We changed the rota for good.\" (Ana Ruiz, ward manager, Leeds hospital) \"Nobody wants the old forms back.\" – a district nurse\n";
        let layout = Layout::new(text);
        let spans = super::super::spans::find_spans(text, &layout);
        assert!(
            matches!(attribute(text, &layout, &spans, 0).who, Who::Named { ref name, .. } if name == "Ana Ruiz")
        );
        assert!(
            matches!(attribute(text, &layout, &spans, 1).who, Who::Anonymous { role: Some(ref r), .. } if r == "district nurse")
        );
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
