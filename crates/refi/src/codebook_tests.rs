//! `.qdc` reading and writing: codebooks go out and back the same, other tools' shapes
//! read, wrong documents refused with the line.

use super::*;

const TOML: &str = "[codebook]\nid = \"demo\"\nname = \"Demo\"\n\
    [[category]]\nid = \"challenge\"\nname = \"Challenges & risks\"\ndescription = \"What got in the way\"\n\
    [[category]]\nid = \"empty\"\nname = \"Nothing yet\"\n\
    [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue <staff>\"\n\
    description = \"Worn out\"\ninclude = \"tiredness\"\nexclude = \"sickness\"\n\
    [[theme.rules]]\nany = [\"tired\"]\n\
    [[theme]]\nid = \"challenge.money\"\ncategory = \"challenge\"\nname = \"Money\"\n";

fn codebook() -> Codebook {
    Codebook::from_toml_str(TOML, "demo.toml").expect("codebook")
}

#[test]
fn categories_hold_their_themes_with_stable_guids() {
    let qdc = write_codebook(&codebook()).expect("qdc");
    assert_eq!(
        qdc,
        write_codebook(&codebook()).expect("qdc"),
        "the same bytes"
    );
    assert!(
        qdc.contains("name=\"Challenges &amp; risks\" isCodable=\"false\""),
        "{qdc}"
    );
    assert!(
        qdc.contains("name=\"Fatigue &lt;staff&gt;\" isCodable=\"true\""),
        "{qdc}"
    );
    assert!(
        !qdc.contains("Nothing yet"),
        "a category without themes is left out"
    );
    assert!(qdc.contains("Worn out&#10;&#10;Include: tiredness&#10;&#10;Exclude: sickness"));
}

#[test]
fn our_export_reads_back_as_the_same_codebook() {
    let original = codebook();
    let qdc = write_codebook(&original).expect("qdc");
    let back = read_codebook(&qdc, "demo.qdc", Some(&original)).expect("read");
    assert_eq!(
        back.themes, original.themes,
        "rules kept from the known codebook"
    );
    assert_eq!(back.categories[0], original.categories[0]);
    let fresh = read_codebook(&qdc, "demo.qdc", None).expect("read");
    let ids: Vec<&str> = fresh.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["challenges-risks.fatigue-staff", "challenges-risks.money"]
    );
    assert_eq!(fresh.themes[0].include.as_deref(), Some("tiredness"));
    assert_eq!(
        fresh.themes[0].rules[0].any,
        ["fatigue staff"],
        "a rule from the name"
    );
}

#[test]
fn other_tools_shapes_are_read() {
    let qdc = "<?xml version=\"1.0\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\
        <Code guid=\"{AAAAAAAA-0000-4000-8000-000000000001}\" name=\"Émotions\" isCodable=\"true\">\
          <Code guid=\"AAAAAAAA-0000-4000-8000-000000000002\" name=\"Joie\" isCodable=\"true\">\
            <Code guid=\"aaaaaaaa-0000-4000-8000-000000000003\" name=\"Joie\" isCodable=\"true\"/>\
          </Code>\
        </Code>\
        <Code guid=\"aaaaaaaa-0000-4000-8000-000000000004\" name=\"Loose\" isCodable=\"true\"/>\
        </Codes></CodeBook>";
    let codebook = read_codebook(qdc, "other.qdc", None).expect("read");
    let ids: Vec<&str> = codebook.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "émotions.émotions",
            "émotions.joie",
            "émotions.joie-2",
            "uncategorised.loose"
        ]
    );
    assert_eq!(codebook.codebook.id, "other");
}

#[test]
fn descriptions_split_the_way_they_are_written() {
    for text in [
        "Worn out",
        "Worn out\n\nInclude: tired\n\nExclude: ill",
        "Include: tired",
        "Exclude: ill\n\nInclude: tired",
        " Include: a",
        "a\n\n\nInclude: b",
        "x\n\nExclude: a\n\nExclude: b",
        "Include: a\n\nInclude: b\n\nExclude: ",
    ] {
        let (description, include, exclude) = undescribe(text);
        let theme = Theme {
            description: description.clone(),
            include: include.clone(),
            exclude: exclude.clone(),
            ..read_codebook(
                "<CodeBook><Codes><Code guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"A\"/></Codes></CodeBook>",
                "t.qdc",
                None,
            )
            .expect("read")
            .themes[0]
                .clone()
        };
        assert_eq!(
            undescribe(&describe(&theme)),
            (description, include, exclude),
            "{text:?}"
        );
    }
    assert_eq!(
        undescribe("Worn out\n\nInclude: tired\n\nExclude: ill"),
        (
            Some("Worn out".into()),
            Some("tired".into()),
            Some("ill".into())
        )
    );
}

#[test]
fn a_group_named_like_the_ungrouped_codes_stays_apart() {
    let qdc = "<CodeBook><Codes>\
        <Code guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"Uncategorised\" isCodable=\"false\">\
          <Code guid=\"aaaaaaaa-0000-4000-8000-000000000002\" name=\"A\" isCodable=\"true\"/>\
        </Code>\
        <Code guid=\"aaaaaaaa-0000-4000-8000-000000000003\" name=\"B\" isCodable=\"true\"/>\
        </Codes></CodeBook>";
    let codebook = read_codebook(qdc, "u.qdc", None).expect("read");
    let ids: Vec<&str> = codebook.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["uncategorised", "uncategorised-2"]);
    let written = write_codebook(&codebook).expect("written");
    let again = read_codebook(&written, "w.qdc", Some(&codebook)).expect("reads back");
    assert_eq!(again.themes, codebook.themes);
}

#[test]
fn wrong_documents_are_clear_errors() {
    for (xml, expected) in [
        ("<Project/>", "not a REFI <CodeBook>"),
        ("<CodeBook></CodeBook>", "no <Codes>"),
        (
            "<CodeBook><Codes><Code name=\"x\" isCodable=\"true\"/></Codes></CodeBook>",
            "valid guid",
        ),
        (
            "<CodeBook><Codes><Code guid=\"aaaaaaaa-0000-4000-8000-000000000001\" isCodable=\"true\"/></Codes></CodeBook>",
            "has no name",
        ),
        (
            "<CodeBook><Codes><Code guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"a\"/><Code guid=\"AAAAAAAA-0000-4000-8000-000000000001\" name=\"b\"/></Codes></CodeBook>",
            "a second Code",
        ),
        ("<CodeBook><Codes>", "ends inside"),
    ] {
        let error = read_codebook(xml, "bad.qdc", None).expect_err(xml);
        assert!(error.to_string().contains(expected), "{xml}: {error}");
        assert!(error.to_string().starts_with("bad.qdc"), "{error}");
    }
}
