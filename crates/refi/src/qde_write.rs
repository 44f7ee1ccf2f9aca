//! `project.qde`: a [`ProjectExchange`] as REFI project XML, in the element order the
//! official Project.xsd prescribes. Text sources point at their plain text inside the
//! archive (`internal://<guid>.txt`) rather than carrying it inline, so that the text is
//! byte for byte what selections count characters in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use verbatim_model::Codebook;

use crate::codebook::{theme_guid, write_codes};
use crate::exchange::{Case, Note, ProjectExchange, Selection, TextSource};
use crate::guid::stable_guid;
use crate::xml::escape;

/// The namespace of REFI projects.
pub(crate) const NAMESPACE: &str = "urn:QDA-XML:project:1.0";

/// Where a source's plain text lies in the archive, and how `project.qde` names it.
pub(crate) fn plain_text_entry(source: &TextSource) -> (String, String) {
    let file = format!("{}.txt", source.guid);
    (format!("sources/{file}"), format!("internal://{file}"))
}

/// Where a source's styled original lies in the archive, and how `project.qde` names it.
pub(crate) fn rich_text_entry(source: &TextSource) -> Option<(String, String)> {
    let (extension, _) = source.rich.as_ref()?;
    let file = format!("{}.{extension}", source.guid);
    Some((format!("sources/{file}"), format!("internal://{file}")))
}

/// The GUID of the variable called `name`.
fn variable_guid(name: &str) -> String {
    stable_guid("variable", name)
}

/// `project` as a `project.qde` document.
pub fn write_qde(project: &ProjectExchange) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<Project xmlns=\"{NAMESPACE}\" name=\"{}\" origin=\"Verbatim {}\">",
        escape(&project.name),
        env!("CARGO_PKG_VERSION")
    );
    if !project.users.is_empty() {
        out.push_str("<Users>\n");
        for user in &project.users {
            let _ = writeln!(
                out,
                "  <User guid=\"{}\" name=\"{}\"/>",
                user.guid,
                escape(&user.name)
            );
        }
        out.push_str("</Users>\n");
    }
    if !project.codebook.themes.is_empty() {
        out.push_str("<CodeBook>\n<Codes>\n");
        write_codes(&mut out, &project.codebook, &project.theme_notes, 1);
        out.push_str("</Codes>\n</CodeBook>\n");
    }
    let variables: BTreeSet<&str> = (project.cases.iter().flat_map(|c| &c.values))
        .chain(project.sources.iter().flat_map(|s| &s.values))
        .map(|(name, _)| name.as_str())
        .collect();
    if !variables.is_empty() {
        out.push_str("<Variables>\n");
        for name in &variables {
            let _ = writeln!(
                out,
                "  <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"Text\"/>",
                variable_guid(name),
                escape(name)
            );
        }
        out.push_str("</Variables>\n");
    }
    if !project.cases.is_empty() {
        out.push_str("<Cases>\n");
        for case in &project.cases {
            write_case(&mut out, case);
        }
        out.push_str("</Cases>\n");
    }
    if !project.sources.is_empty() {
        out.push_str("<Sources>\n");
        for source in &project.sources {
            write_source(&mut out, source, &project.codebook);
        }
        out.push_str("</Sources>\n");
    }
    let notes = all_notes(project);
    if !notes.is_empty() {
        out.push_str("<Notes>\n");
        for note in notes.values() {
            write_note(&mut out, note);
        }
        out.push_str("</Notes>\n");
    }
    write_note_refs(&mut out, &project.project_notes, "");
    out.push_str("</Project>\n");
    out
}

fn write_case(out: &mut String, case: &Case) {
    let _ = writeln!(
        out,
        "  <Case guid=\"{}\" name=\"{}\">",
        case.guid,
        escape(&case.name)
    );
    write_values(out, &case.values, "    ");
    for source in &case.sources {
        let _ = writeln!(out, "    <SourceRef targetGUID=\"{source}\"/>");
    }
    out.push_str("  </Case>\n");
}

fn write_values(out: &mut String, values: &[(String, String)], pad: &str) {
    for (name, value) in values {
        let _ = writeln!(
            out,
            "{pad}<VariableValue><VariableRef targetGUID=\"{}\"/><TextValue>{}</TextValue></VariableValue>",
            variable_guid(name),
            escape(value)
        );
    }
}

fn write_source(out: &mut String, source: &TextSource, codebook: &Codebook) {
    let (_, plain) = plain_text_entry(source);
    let _ = write!(
        out,
        "  <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"{plain}\"",
        source.guid,
        escape(&source.name)
    );
    if let Some((_, rich)) = rich_text_entry(source) {
        let _ = write!(out, " richTextPath=\"{rich}\"");
    }
    out.push_str(">\n");
    for selection in &source.selections {
        write_selection(out, selection, codebook);
    }
    write_note_refs(out, &source.notes, "    ");
    write_values(out, &source.values, "    ");
    out.push_str("  </TextSource>\n");
}

fn write_selection(out: &mut String, selection: &Selection, codebook: &Codebook) {
    let _ = writeln!(
        out,
        "    <PlainTextSelection guid=\"{}\" startPosition=\"{}\" endPosition=\"{}\">",
        selection.guid, selection.start, selection.end
    );
    for coding in &selection.codings {
        let _ = write!(out, "      <Coding guid=\"{}\"", coding.guid);
        if let Some(user) = &coding.user {
            let _ = write!(out, " creatingUser=\"{user}\"");
        }
        if let Some(time) = coding.time.as_deref().filter(|t| is_date_time(t)) {
            let _ = write!(out, " creationDateTime=\"{time}\"");
        }
        let _ = writeln!(
            out,
            "><CodeRef targetGUID=\"{}\"/>",
            theme_guid(codebook, &coding.theme)
        );
        write_note_refs(out, &coding.notes, "        ");
        out.push_str("      </Coding>\n");
    }
    write_note_refs(out, &selection.notes, "      ");
    out.push_str("    </PlainTextSelection>\n");
}

fn write_note_refs(out: &mut String, notes: &[Note], pad: &str) {
    for note in notes {
        let _ = writeln!(out, "{pad}<NoteRef targetGUID=\"{}\"/>", note.guid);
    }
}

fn write_note(out: &mut String, note: &Note) {
    let _ = write!(out, "  <Note guid=\"{}\"", note.guid);
    if let Some(user) = &note.user {
        let _ = write!(out, " creatingUser=\"{user}\"");
    }
    if let Some(time) = note.time.as_deref().filter(|t| is_date_time(t)) {
        let _ = write!(out, " creationDateTime=\"{time}\"");
    }
    let _ = writeln!(
        out,
        "><PlainTextContent>{}</PlainTextContent></Note>",
        escape(&note.text)
    );
}

/// Every note of the project, once each, by GUID.
fn all_notes(project: &ProjectExchange) -> BTreeMap<&str, &Note> {
    let mut lists: Vec<&[Note]> = project.theme_notes.values().map(Vec::as_slice).collect();
    for source in &project.sources {
        lists.push(&source.notes);
        for selection in &source.selections {
            lists.push(&selection.notes);
            lists.extend(selection.codings.iter().map(|c| c.notes.as_slice()));
        }
    }
    lists.push(&project.project_notes);
    let mut notes: BTreeMap<&str, &Note> = BTreeMap::new();
    for note in lists.into_iter().flatten() {
        notes.entry(note.guid.as_str()).or_insert(note);
    }
    notes
}

/// True for an `xsd:dateTime` such as `2026-12-06T18:56:06Z` (fraction and zone optional).
pub(crate) fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 19
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_checked_before_they_are_written() {
        assert!(is_date_time("2026-12-06T18:56:06Z"));
        assert!(is_date_time("2026-12-06T18:56:06.123+01:00"));
        assert!(is_date_time("2026-12-06T18:56:06"));
        assert!(!is_date_time("yesterday"));
        assert!(!is_date_time("2026-12-06"));
        assert!(!is_date_time("2026-12-06T18:56:06.Z"));
    }
}
