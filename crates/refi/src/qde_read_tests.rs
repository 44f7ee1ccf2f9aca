//! `project.qde` reading: what tools write is read, what would make codings wrong is
//! refused with the line.

use super::*;

const CODES: &str = "<CodeBook><Codes><Code guid=\"{AAAAAAAA-0000-4000-8000-000000000001}\" \
    name=\"Fatigue\" isCodable=\"true\"/></Codes></CodeBook>";

fn read(sources: &str, notes: &str) -> Result<ProjectExchange, RefiError> {
    let xml = format!(
        "<q:Project xmlns:q=\"urn:QDA-XML:project:1.3\" name=\"P\">\n{CODES}\n\
         <q:Sources>{sources}</q:Sources>\n<Notes>{notes}</Notes>\n</q:Project>"
    );
    read_qde(&xml, "t.qde", &ArchiveFiles::new(), None)
}

const SOURCE: &str = "<TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000002\" name=\"s\">\
    <PlainTextContent>Ann: so tired.</PlainTextContent>\
    <PlainTextSelection guid=\"aaaaaaaa-0000-4000-8000-000000000003\" startPosition=\"5\" endPosition=\"14\">\
    <Coding guid=\"aaaaaaaa-0000-4000-8000-000000000004\"><CodeRef targetGUID=\"AAAAAAAA-0000-4000-8000-000000000001\"/>\
    <NoteRef targetGUID=\"aaaaaaaa-0000-4000-8000-000000000005\"/></Coding></PlainTextSelection></TextSource>";

#[test]
fn prefixes_versions_inline_text_and_guid_case_are_read() {
    let note = "<Note guid=\"aaaaaaaa-0000-4000-8000-000000000005\"><PlainTextContent>why</PlainTextContent></Note>";
    let project = read(SOURCE, note).expect("reads");
    let selection = &project.sources[0].selections[0];
    assert_eq!((selection.start, selection.end), (5, 14));
    assert_eq!(selection.codings[0].theme, project.codebook.themes[0].id);
    assert_eq!(selection.codings[0].notes[0].text, "why");
}

#[test]
fn texts_are_found_by_the_paths_tools_write() {
    let mut files = ArchiveFiles::new();
    files.insert("sources/interview.txt".into(), "Ann: so tired.".into());
    for path in [
        "internal://Interview.txt",
        "Interview.txt",
        "relative:///data/Interview.txt",
    ] {
        let xml = format!(
            "<Project name=\"P\"><Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000002\" \
             plainTextPath=\"{path}\"/></Sources></Project>"
        );
        let project = read_qde(&xml, "t.qde", &files, None).expect("reads");
        assert_eq!(project.sources[0].text, "Ann: so tired.", "{path}");
    }
    let xml = "<Project name=\"P\"><Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000002\" \
               plainTextPath=\"absolute:///C:/elsewhere.txt\"/></Sources></Project>";
    let error = read_qde(xml, "t.qde", &files, None).expect_err("refused");
    assert!(error.to_string().contains("outside the archive"), "{error}");
}

#[test]
fn a_notes_own_selections_are_not_the_projects_codings() {
    let note = "<Note guid=\"aaaaaaaa-0000-4000-8000-000000000005\"><PlainTextContent>why</PlainTextContent>\
        <PlainTextSelection guid=\"aaaaaaaa-0000-4000-8000-000000000006\" startPosition=\"0\" endPosition=\"1\">\
        <Coding guid=\"aaaaaaaa-0000-4000-8000-000000000007\"><CodeRef targetGUID=\"aaaaaaaa-0000-4000-8000-000000000001\"/></Coding>\
        </PlainTextSelection></Note>";
    let project = read(SOURCE, note).expect("reads");
    assert_eq!(project.counts().codings, 1, "{:?}", project.sources);
}

#[test]
fn wrong_selections_and_cut_files_are_clear() {
    let outside = SOURCE.replace("endPosition=\"14\"", "endPosition=\"15\"");
    let error = read(&outside, "").expect_err("refused").to_string();
    assert!(
        error.contains("t.qde: line 3") && error.contains("has 14"),
        "{error}"
    );
    let unknown = SOURCE.replace(
        "AAAAAAAA-0000-4000-8000-000000000001\"/>",
        "aaaaaaaa-0000-4000-8000-000000000009\"/>",
    );
    let error = read(&unknown, "").expect_err("refused").to_string();
    assert!(error.contains("does not hold"), "{error}");
    let cut = SOURCE.find("</PlainTextContent>").expect("in the source") + 19;
    let xml = format!("<Project name=\"P\">{CODES}<Sources>{}", &SOURCE[..cut]);
    let error = read_qde(&xml, "cut.qde", &ArchiveFiles::new(), None).expect_err("refused");
    assert!(error.to_string().contains("cut short"), "{error}");
}

#[test]
fn selections_without_guids_and_decimal_positions_are_taken() {
    let loose = SOURCE
        .replace("guid=\"aaaaaaaa-0000-4000-8000-000000000003\" ", "")
        .replace("startPosition=\"5\"", "startPosition=\"5.0\"");
    let project = read(&loose, "").expect("reads");
    assert_eq!(project.sources[0].selections[0].start, 5);
    assert!(
        project.skipped.iter().any(|s| s.contains("had no guid")),
        "{:?}",
        project.skipped
    );
    let half = SOURCE.replace("startPosition=\"5\"", "startPosition=\"5.5\"");
    let error = read(&half, "").expect_err("refused").to_string();
    assert!(error.contains("not a character position"), "{error}");
}
