//! Turning attribution evidence into speakers: the roster (given, or the report's own
//! interviewee list) when there is one, else the people the report names, remembered so
//! that `Professor Mathieson` later finds `Peter Mathieson`.

use std::collections::BTreeSet;
use std::path::Path;

use verbatim_model::{Resolution, Roster, Speaker};

use super::clause::Who;
use super::kinds::{infer_area, infer_sector};

/// A quote's speaker and attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub speaker: Option<Speaker>,
    pub hint: Option<String>,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub area: Option<String>,
    pub sector: Option<String>,
}

impl Resolved {
    fn of(speaker: &Speaker, hint: &str) -> Self {
        Resolved {
            speaker: Some(speaker.clone()),
            hint: Some(hint.to_string()),
            role: speaker.role.clone(),
            organisation: speaker.organisation.clone(),
            area: speaker.area.clone(),
            sector: speaker.sector.clone(),
        }
    }

    fn anonymous(hint: &str, role: Option<String>) -> Self {
        let sector = infer_sector(hint).or_else(|| role.as_deref().and_then(infer_sector));
        Resolved {
            hint: Some(hint.to_string()),
            sector: sector.map(str::to_string),
            role,
            ..Resolved::default()
        }
    }
}

/// Role, organisation and place a report gives a named speaker.
struct Evidence<'a> {
    role: &'a Option<String>,
    organisation: &'a Option<String>,
    place: &'a Option<String>,
}

impl Evidence<'_> {
    /// Fills what the speaker does not have yet.
    fn fill(&self, speaker: &mut Speaker) {
        if speaker.role.is_none() {
            speaker.role = self.role.clone();
        }
        if speaker.organisation.is_none() {
            speaker.organisation = self.organisation.clone();
        }
        if speaker.area.is_none() {
            speaker.area = self
                .place
                .clone()
                .or_else(|| speaker.organisation.as_deref().and_then(infer_area));
        }
        if speaker.sector.is_none() {
            speaker.sector = speaker
                .organisation
                .as_deref()
                .and_then(infer_sector)
                .or_else(|| speaker.role.as_deref().and_then(infer_sector))
                .map(str::to_string);
        }
    }
}

/// Resolves speakers for one report.
pub struct Speakers<'r> {
    roster: Option<&'r Roster>,
    named: Roster,
    unknown: BTreeSet<String>,
    last: Option<Resolved>,
}

impl<'r> Speakers<'r> {
    pub fn new(roster: Option<&'r Roster>) -> Self {
        Speakers {
            roster,
            named: Roster::default(),
            unknown: BTreeSet::new(),
            last: None,
        }
    }

    /// What the whole report says about a speaker it named (no roster given).
    pub fn known(&self, name: &str) -> Option<&Speaker> {
        self.named.speakers().iter().find(|s| s.name == name)
    }

    /// Names the roster did not know.
    pub fn unknown(&self) -> BTreeSet<String> {
        self.unknown.clone()
    }

    /// The speaker `who` points to; `paragraph` is the text around the quotation, used
    /// to place a role (`the council's chief executive` in a paragraph about Bradford).
    pub fn resolve(&mut self, who: &Who, paragraph: &str) -> Resolved {
        match who {
            Who::Named {
                name,
                hint,
                person_like,
                role,
                organisation,
                place,
            } => {
                let evidence = Evidence {
                    role,
                    organisation,
                    place,
                };
                let resolved = self.named(name, hint, *person_like, &evidence);
                if resolved.hint.is_some() {
                    self.last = Some(resolved.clone());
                }
                resolved
            }
            Who::Pronoun { hint } => match &self.last {
                Some(last) => Resolved {
                    hint: Some(hint.clone()),
                    ..last.clone()
                },
                None => Resolved::anonymous(hint, None),
            },
            Who::Anonymous { hint, role } => Resolved::anonymous(hint, role.clone()),
            Who::Described { hint, role } => match self.by_role(role, paragraph) {
                Some(speaker) => {
                    let resolved = Resolved::of(&speaker, hint);
                    self.last = Some(resolved.clone());
                    resolved
                }
                None => Resolved::anonymous(hint, Some(bare_role(role))),
            },
            Who::Continuing | Who::Unattributed => Resolved::default(),
        }
    }

    fn named(
        &mut self,
        name: &str,
        hint: &str,
        person_like: bool,
        evidence: &Evidence<'_>,
    ) -> Resolved {
        if let Some(roster) = self.roster {
            return match roster.resolve(name) {
                Resolution::Matched(speaker) => Resolved::of(speaker, hint),
                _ if person_like => {
                    self.unknown.insert(name.to_string());
                    let mut stranger = Speaker::named(name);
                    evidence.fill(&mut stranger);
                    Resolved {
                        speaker: None,
                        ..Resolved::of(&stranger, hint)
                    }
                }
                _ => Resolved::default(),
            };
        }
        let mut people = self.named.speakers().to_vec();
        let index = match self.named.resolve(name) {
            Resolution::Matched(speaker) => people.iter().position(|p| p.name == speaker.name),
            _ => None,
        };
        let index = match index {
            Some(index) => index,
            None if person_like => {
                people.push(Speaker::named(name));
                people.len() - 1
            }
            None => return Resolved::default(),
        };
        evidence.fill(&mut people[index]);
        let speaker = people[index].clone();
        if let Ok(named) = Roster::new(people, Path::new("report")) {
            self.named = named;
        }
        Resolved::of(&speaker, hint)
    }

    /// Gives a quote spoken by a described role (`the council's chief executive`) to the
    /// person the whole report shows holding it, once every name has been read.
    pub fn by_role_after_reading(&self, who: &Who, paragraph: &str) -> Option<Speaker> {
        match who {
            Who::Described { role, .. } => self.by_role(role, paragraph),
            _ => None,
        }
    }

    /// The one known person whose role the description names, in a place the paragraph
    /// mentions.
    fn by_role(&self, description: &str, paragraph: &str) -> Option<Speaker> {
        let description = description.to_lowercase();
        let sector = infer_sector(&description);
        let people = self.roster.map_or(self.named.speakers(), |r| r.speakers());
        let fitting: Vec<&Speaker> = people
            .iter()
            .filter(|p| {
                p.role
                    .as_deref()
                    .is_some_and(|r| !r.is_empty() && description.contains(&r.to_lowercase()))
            })
            .filter(|p| sector.is_none() || p.sector.as_deref() == sector)
            .filter(|p| p.area.as_deref().is_some_and(|a| paragraph.contains(a)))
            .collect();
        match fitting.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }
}

/// `council's chief executive` -> `chief executive`.
fn bare_role(description: &str) -> String {
    let words: Vec<&str> = description.split_whitespace().collect();
    let after_possessive = words
        .iter()
        .rposition(|w| w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'"))
        .map_or(0, |i| i + 1);
    let role = words[after_possessive..].join(" ");
    if role.is_empty() {
        description.to_string()
    } else {
        role
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, person_like: bool) -> Who {
        Who::Named {
            name: name.into(),
            hint: name.into(),
            person_like,
            role: None,
            organisation: None,
            place: None,
        }
    }

    #[test]
    fn without_a_roster_people_are_remembered_by_full_name() {
        let mut speakers = Speakers::new(None);
        let first = speakers.resolve(&named("Peter Mathieson", true), "");
        assert_eq!(
            first.speaker.map(|s| s.name).as_deref(),
            Some("Peter Mathieson")
        );
        let later = speakers.resolve(&named("Mathieson", true), "");
        assert_eq!(
            later.speaker.map(|s| s.name).as_deref(),
            Some("Peter Mathieson")
        );
        let pronoun = speakers.resolve(&Who::Pronoun { hint: "He".into() }, "");
        assert_eq!(
            pronoun.speaker.map(|s| s.name).as_deref(),
            Some("Peter Mathieson")
        );
        assert_eq!(
            speakers.resolve(&named("Wigan", false), ""),
            Resolved::default()
        );
    }

    #[test]
    fn roles_find_the_one_person_in_the_paragraphs_place() {
        let roster = Roster::from_csv_str(
            "name,aliases,role,organisation,area,sector\n\
             Kersten England,,chief executive,Bradford council,Bradford,council\n\
             Tom Riordan,,chief executive,Leeds council,Leeds,council\n\
             Helen Hirst,,chief officer,Bradford CCG,Bradford,health\n",
            "r.csv",
        )
        .expect("roster");
        let mut speakers = Speakers::new(Some(&roster));
        let who = Who::Described {
            hint: "the council's chief executive".into(),
            role: "council's chief executive".into(),
        };
        let found = speakers.resolve(&who, "In Bradford local employers helped.");
        assert_eq!(
            found.speaker.map(|s| s.name).as_deref(),
            Some("Kersten England")
        );
        let nowhere = speakers.resolve(&who, "Everywhere people helped.");
        assert_eq!(
            (nowhere.speaker, nowhere.role.as_deref()),
            (None, Some("chief executive"))
        );
        let stranger = speakers.resolve(&named("Colin Hartley", true), "");
        assert_eq!(stranger.speaker, None);
        assert_eq!(
            speakers.unknown(),
            BTreeSet::from(["Colin Hartley".to_string()])
        );
    }
}
