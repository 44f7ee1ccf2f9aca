//! Rosters from the "Interviewees" list at the end of a report: one person per line,
//! `Name, role, organisation`, sometimes grouped under place headings.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use verbatim_model::{Speaker, normalise_name, strip_titles};

use super::kinds::{infer_area, infer_sector};
use super::names::mentions;
use super::words::is_role_noun;

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\d+\s*[.)]?\s*)?(?:list of\s+)?(?:interviewees|participants|people we spoke to|people we interviewed|those we spoke to|people interviewed|who we spoke to|contributors|acknowledgements and interviewees)\s*:?\s*$")
        .expect("heading pattern")
});

/// Reads the last interviewee list in `text` into roster entries, in list order. `None`
/// when the text has no such list (a heading followed by at least two entries).
pub fn interviewee_list(text: &str) -> Option<Vec<Speaker>> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().collect();
    let furniture = repeated_lines(&lines);
    let mut best = None;
    for (index, line) in &lines {
        if HEADING.is_match(line) {
            let people = parse_entries(&lines[index + 1..], &furniture);
            if people.len() >= 2 {
                best = Some(people);
            }
        }
    }
    best
}

/// Short lines that occur more than once: running headers and footers.
fn repeated_lines(lines: &[(usize, &str)]) -> HashSet<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, line) in lines {
        let line = line.trim();
        if !line.is_empty() && line.split_whitespace().count() <= 8 {
            *counts.entry(line.to_lowercase()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 3)
        .map(|(line, _)| line)
        .collect()
}

fn parse_entries(lines: &[(usize, &str)], furniture: &HashSet<String>) -> Vec<Speaker> {
    let lines: Vec<(usize, &str)> = lines
        .iter()
        .map(|(number, raw)| {
            (
                *number,
                raw.trim()
                    .trim_start_matches(['•', '-', '–', '*', '·'])
                    .trim(),
            )
        })
        .filter(|(_, line)| !line.is_empty())
        .filter(|(_, line)| {
            !line
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace())
        })
        .filter(|(_, line)| !furniture.contains(&line.to_lowercase()))
        .collect();
    let mut people: Vec<Speaker> = Vec::new();
    let mut area_heading: Option<String> = None;
    let mut misses = 0;
    let mut previous_open = false;
    let mut index = 0;
    while index < lines.len() {
        let (number, line) = lines[index];
        index += 1;
        let entry = parse_entry(line).or_else(|| {
            let cells = cells_entry(&lines[index - 1..])?;
            index += 2;
            Some(cells)
        });
        if let Some(mut speaker) = entry {
            speaker.line = number + 1;
            if let Some(area) = &area_heading
                && speaker.area.is_none()
            {
                speaker.area = Some(area.clone());
            }
            previous_open =
                line.ends_with([',', '&']) || line.ends_with(" of") || line.ends_with(" and");
            people.push(speaker);
            misses = 0;
            continue;
        }
        let names_an_organisation = !line.contains(',') && infer_sector(line).is_some();
        let continues =
            previous_open || line.starts_with(char::is_lowercase) || names_an_organisation;
        if continues && let Some(last) = people.last_mut() {
            let organisation = match last.organisation.take() {
                Some(org) => format!("{} {}", org.trim_end_matches(','), line),
                None => line.to_string(),
            };
            last.area = last.area.clone().or_else(|| infer_area(&organisation));
            last.sector = last
                .sector
                .clone()
                .or_else(|| infer_sector(&organisation).map(str::to_string));
            last.organisation = Some(organisation);
            previous_open = line.ends_with([',', '&']);
            continue;
        }
        let words = line.split_whitespace().count();
        if words <= 4
            && !line.contains(',')
            && line.starts_with(char::is_uppercase)
            && !line.ends_with('.')
        {
            area_heading = Some(line.to_string());
            misses += 1;
        } else {
            misses += 2;
        }
        if misses >= 4 || words > 25 {
            break;
        }
    }
    dedupe(people)
}

/// A list laid out as a table whose cells come out one per line: a name, a role, an
/// organisation.
fn cells_entry(lines: &[(usize, &str)]) -> Option<Speaker> {
    let [(_, name), (_, role), (_, organisation), ..] = lines else {
        return None;
    };
    let found = mentions(name);
    let whole_name = found
        .first()
        .is_some_and(|m| m.person_like && m.start == 0 && m.end == name.len());
    let role_like = !role.contains(',') && role.split_whitespace().any(is_role_noun);
    let organisation_like =
        !organisation.contains(',') && organisation.starts_with(char::is_uppercase);
    (whole_name && role_like && organisation_like)
        .then(|| parse_entry(&format!("{name}, {role}, {organisation}")))?
}

/// `Name, role, organisation` (commas, or a dash after the name).
fn parse_entry(line: &str) -> Option<Speaker> {
    let (name_part, rest) = split_name(line)?;
    let found = mentions(name_part);
    let person = found
        .first()
        .filter(|m| m.person_like && m.end == name_part.len())?;
    if person.name.split_whitespace().count() < 2 {
        return None;
    }
    let parts: Vec<&str> = rest
        .split([',', '–', '—', '|', '\t'])
        .flat_map(|part| part.split(" - "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let (role, organisation) = match parts.as_slice() {
        [] => (None, None),
        [only] => split_role_and_organisation(only),
        [role, organisation @ ..] => (Some((*role).to_string()), Some(organisation.join(", "))),
    };
    let mut speaker = Speaker::named(person.name.clone());
    let full = name_part.trim();
    if strip_titles(&normalise_name(full)) != normalise_name(full) || full != person.name {
        speaker.aliases.push(full.to_string());
    }
    speaker.area = organisation.as_deref().and_then(infer_area);
    speaker.sector = organisation
        .as_deref()
        .and_then(infer_sector)
        .or_else(|| role.as_deref().and_then(infer_sector))
        .map(str::to_string);
    speaker.role = role;
    speaker.organisation = organisation;
    Some(speaker)
}

fn split_name(line: &str) -> Option<(&str, &str)> {
    for separator in [" – ", " — ", " - ", "\t", ","] {
        if let Some((name, rest)) = line.split_once(separator) {
            let name = name.trim();
            if !name.is_empty() && name.split_whitespace().count() <= 6 {
                return Some((name, rest.trim()));
            }
        }
    }
    None
}

/// `chief executive of Bradford council` -> role and organisation.
fn split_role_and_organisation(text: &str) -> (Option<String>, Option<String>) {
    for joiner in [" of ", " at ", " for "] {
        if let Some((role, organisation)) = text.split_once(joiner)
            && organisation.starts_with(char::is_uppercase)
        {
            return (
                Some(role.trim().to_string()),
                Some(organisation.trim().to_string()),
            );
        }
    }
    if infer_area(text).is_some() && text.starts_with(char::is_uppercase) {
        (None, Some(text.to_string()))
    } else {
        (Some(text.to_string()), None)
    }
}

fn dedupe(people: Vec<Speaker>) -> Vec<Speaker> {
    let mut seen = std::collections::HashSet::new();
    people
        .into_iter()
        .filter(|p| seen.insert(normalise_name(&p.name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_infers_area_and_sector() {
        let text = "Conclusions\n\nSome prose here.\n\nInterviewees\n\n\
                    Professor Jane Doe, principal, University of Essex\n\
                    Sam Lee, chief constable, Police Scotland\n\
                    Kim Patel – chief executive, The Cellar Trust\n\
                    Ann Moss, chief executive, Hounslow council\n\
                    Bo Diaz, director of Leeds Playhouse\n\
                    Cy Young – chief officer – Wigan Community Food Network\n\n\
                    About the RSA\n\nThe RSA is a long paragraph of prose that is certainly not a list of people at all, and it goes on.\n";
        let people = interviewee_list(text).expect("a list");
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let summary: Vec<Row> = people
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.role.clone(),
                    p.organisation.clone(),
                    p.area.clone(),
                    p.sector.clone(),
                )
            })
            .collect();
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            summary,
            [
                (
                    "Jane Doe".into(),
                    some("principal"),
                    some("University of Essex"),
                    some("Essex"),
                    some("university")
                ),
                (
                    "Sam Lee".into(),
                    some("chief constable"),
                    some("Police Scotland"),
                    some("Scotland"),
                    some("police")
                ),
                (
                    "Kim Patel".into(),
                    some("chief executive"),
                    some("The Cellar Trust"),
                    None,
                    some("voluntary")
                ),
                (
                    "Ann Moss".into(),
                    some("chief executive"),
                    some("Hounslow council"),
                    some("Hounslow"),
                    some("council")
                ),
                (
                    "Bo Diaz".into(),
                    some("director"),
                    some("Leeds Playhouse"),
                    some("Leeds"),
                    some("arts")
                ),
                (
                    "Cy Young".into(),
                    some("chief officer"),
                    some("Wigan Community Food Network"),
                    some("Wigan"),
                    some("voluntary")
                ),
            ]
        );
        assert_eq!(people[0].aliases, ["Professor Jane Doe"]);
    }

    #[test]
    fn place_headings_and_wrapped_entries() {
        let text = "Interviewees\n\nBradford\nKersten England, chief executive, Bradford\nMetropolitan District Council\nHelen Hirst, chief officer, Bradford district and Craven CCG\n";
        let people = interviewee_list(text).expect("a list");
        assert_eq!(
            people[0].organisation.as_deref(),
            Some("Bradford Metropolitan District Council")
        );
        assert_eq!(people[0].area.as_deref(), Some("Bradford"));
        assert_eq!(people[1].area.as_deref(), Some("Bradford"));
        assert_eq!(people[1].sector.as_deref(), Some("health"));
    }

    #[test]
    fn tables_with_one_cell_per_line_and_running_footers() {
        let text = "Seizing the moment\n\nSeizing the moment\n\nInterviewees\n\nSuzanne Wylie\nChief Executive\nBelfast City Council\n\n\
                    Seizing the moment\n41\n\nSimon Byrne\nChief Constable\nPolice Service of Northern Ireland\n";
        let people = interviewee_list(text).expect("a list");
        let rows: Vec<(&str, Option<&str>, Option<&str>)> = people
            .iter()
            .map(|p| (p.name.as_str(), p.role.as_deref(), p.area.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("Suzanne Wylie", Some("Chief Executive"), Some("Belfast")),
                (
                    "Simon Byrne",
                    Some("Chief Constable"),
                    Some("Northern Ireland")
                ),
            ]
        );
    }

    #[test]
    fn no_list_no_roster() {
        assert_eq!(
            interviewee_list("Interviewees\n\nWe spoke to many people.\n"),
            None
        );
        assert_eq!(interviewee_list("10.\tInterviewees\t39\n"), None);
    }
}
