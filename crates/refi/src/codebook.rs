//! A codebook as a REFI `.qdc`: categories as codes that hold their themes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use verbatim_model::{Category, Codebook, CodebookInfo, Rule, Theme};

use crate::error::RefiError;
use crate::exchange::Note;
use crate::guid::{normal_guid, stable_guid};
use crate::xml::{Node, XmlReader, attribute, escape};

/// The namespace of REFI codebooks.
const NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";
/// Colours given to categories in turn (and to their themes): distinct on a white page.
const PALETTE: [&str; 10] = [
    "#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E", "#8C564B", "#E377C2", "#17BECF",
    "#7F7F7F", "#BCBD22",
];
/// Where a theme's `include` and `exclude` guidance goes in a description.
const INCLUDE: &str = "Include: ";
const EXCLUDE: &str = "Exclude: ";
/// The category of themes read from codes at the top level, outside any group.
const UNGROUPED: &str = "uncategorised";

/// The GUID a category is exported under.
pub(crate) fn category_guid(codebook: &Codebook, category: &str) -> String {
    stable_guid("category", &format!("{}/{category}", codebook.codebook.id))
}

/// The GUID a theme is exported under.
pub(crate) fn theme_guid(codebook: &Codebook, theme: &str) -> String {
    stable_guid("theme", &format!("{}/{theme}", codebook.codebook.id))
}

/// `codebook` as a `.qdc` document; a codebook without themes is refused (the standard
/// wants at least one code).
pub fn write_codebook(codebook: &Codebook) -> Result<String, RefiError> {
    if codebook.themes.is_empty() {
        return Err(RefiError::Content {
            file: codebook.codebook.id.clone(),
            message: "the codebook has no themes, and a REFI codebook needs at least one code"
                .into(),
        });
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<CodeBook xmlns=\"{NAMESPACE}\" origin=\"Verbatim {}\">\n<Codes>",
        env!("CARGO_PKG_VERSION")
    );
    write_codes(&mut out, codebook, &BTreeMap::new(), 1);
    out.push_str("</Codes>\n</CodeBook>\n");
    Ok(out)
}

/// The `<Code>` elements of `codebook`, indented from `depth`: each category with its
/// themes, then any theme whose category the codebook does not list. A theme with notes
/// refers to them (the notes themselves are the project's to write).
pub(crate) fn write_codes(
    out: &mut String,
    codebook: &Codebook,
    notes: &BTreeMap<String, Vec<Note>>,
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    for (i, category) in codebook.categories.iter().enumerate() {
        let themes: Vec<&Theme> = (codebook.themes.iter())
            .filter(|t| t.category == category.id)
            .collect();
        if themes.is_empty() {
            continue;
        }
        let colour = PALETTE[i % PALETTE.len()];
        let _ = writeln!(
            out,
            "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"false\" color=\"{colour}\">",
            category_guid(codebook, &category.id),
            escape(&category.name)
        );
        if let Some(description) = &category.description {
            let _ = writeln!(
                out,
                "{pad}  <Description>{}</Description>",
                escape(description)
            );
        }
        for theme in themes {
            write_theme(out, codebook, theme, (colour, notes), depth + 1);
        }
        let _ = writeln!(out, "{pad}</Code>");
    }
    let listed: BTreeSet<&str> = codebook.categories.iter().map(|c| c.id.as_str()).collect();
    for theme in codebook
        .themes
        .iter()
        .filter(|t| !listed.contains(t.category.as_str()))
    {
        write_theme(
            out,
            codebook,
            theme,
            (PALETTE[PALETTE.len() - 1], notes),
            depth,
        );
    }
}

fn write_theme(
    out: &mut String,
    codebook: &Codebook,
    theme: &Theme,
    (colour, notes): (&str, &BTreeMap<String, Vec<Note>>),
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    let notes = notes.get(&theme.id).map_or(&[][..], Vec::as_slice);
    let _ = write!(
        out,
        "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{colour}\"",
        theme_guid(codebook, &theme.id),
        escape(&theme.name)
    );
    let description = describe(theme);
    if description.is_empty() && notes.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if !description.is_empty() {
        let _ = writeln!(
            out,
            "{pad}  <Description>{}</Description>",
            escape(&description)
        );
    }
    for note in notes {
        let _ = writeln!(out, "{pad}  <NoteRef targetGUID=\"{}\"/>", note.guid);
    }
    let _ = writeln!(out, "{pad}</Code>");
}

/// A theme's description, then its `include` and `exclude` guidance as paragraphs that
/// [`undescribe`] reads back.
fn describe(theme: &Theme) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(theme.description.clone());
    parts.extend(theme.include.as_ref().map(|i| format!("{INCLUDE}{i}")));
    parts.extend(theme.exclude.as_ref().map(|e| format!("{EXCLUDE}{e}")));
    parts.join("\n\n")
}

/// A description split back into description, include and exclude: the text after the
/// last `Exclude: ` paragraph, then after the last `Include: ` paragraph before it, then the
/// rest, so that writing what was read gives the same text again.
fn undescribe(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    fn split_off<'t>(text: &'t str, prefix: &str) -> (&'t str, Option<String>) {
        let marker = format!("\n\n{prefix}");
        if let Some(at) = text.rfind(&marker) {
            return (&text[..at], Some(text[at + marker.len()..].to_string()));
        }
        match text.strip_prefix(prefix) {
            Some(rest) => ("", Some(rest.to_string())),
            None => (text, None),
        }
    }
    let (rest, exclude) = split_off(text, EXCLUDE);
    let (rest, include) = split_off(rest, INCLUDE);
    let description = (!rest.trim().is_empty()).then(|| rest.to_string());
    (description, include, exclude)
}

/// A code as read, with the codes inside it.
#[derive(Debug, Default)]
pub(crate) struct CodeNode {
    pub(crate) guid: String,
    pub(crate) name: String,
    pub(crate) codable: bool,
    pub(crate) description: Option<String>,
    /// GUIDs of the notes the code refers to.
    pub(crate) notes: Vec<String>,
    pub(crate) children: Vec<CodeNode>,
}

/// Reads the `<Code>` elements inside the `<Codes>` just opened, up to its close.
pub(crate) fn read_codes(reader: &mut XmlReader<'_>) -> Result<Vec<CodeNode>, RefiError> {
    let mut stack: Vec<CodeNode> = Vec::new();
    let mut top = Vec::new();
    let mut in_description = false;
    let mut seen = BTreeSet::new();
    while let Some(node) = reader.next_node()? {
        match node {
            Node::Open { name, attributes } if name == "Code" => {
                let guid = attribute(&attributes, "guid")
                    .and_then(normal_guid)
                    .ok_or_else(|| reader.error("a Code without a valid guid"))?;
                if !seen.insert(guid.clone()) {
                    return Err(reader.error(format!("a second Code with guid {guid}")));
                }
                let name = attribute(&attributes, "name")
                    .filter(|n| !n.trim().is_empty())
                    .ok_or_else(|| reader.error(format!("Code {guid} has no name")))?;
                let codable = attribute(&attributes, "isCodable").unwrap_or("true");
                stack.push(CodeNode {
                    guid,
                    name: name.trim().to_string(),
                    codable: matches!(codable.trim(), "true" | "1"),
                    description: None,
                    notes: Vec::new(),
                    children: Vec::new(),
                });
            }
            Node::Open { name, attributes } if name == "NoteRef" && !in_description => {
                if let (Some(code), Some(target)) = (
                    stack.last_mut(),
                    attribute(&attributes, "targetGUID").and_then(normal_guid),
                ) {
                    code.notes.push(target);
                }
            }
            Node::Open { name, .. } if name == "Description" => in_description = true,
            Node::Close { name } if name == "Description" => in_description = false,
            Node::Text(text) if in_description => {
                if let Some(code) = stack.last_mut() {
                    code.description
                        .get_or_insert_with(String::new)
                        .push_str(&text);
                }
            }
            Node::Close { name } if name == "Code" => {
                let Some(code) = stack.pop() else {
                    return Err(reader.error("a Code closed that was never opened"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(code),
                    None => top.push(code),
                }
            }
            Node::Close { name } if name == "Codes" => return Ok(top),
            _ => {}
        }
    }
    Err(reader.error("the document ends inside <Codes>"))
}

/// Reads a `.qdc` document (`file` names it in errors) into a codebook. Codes whose GUID
/// is the one `known` (the project's codebook) exports a theme or category under keep
/// that theme's or category's id, so that importing our own export changes nothing;
/// other codes get ids from their names.
pub fn read_codebook(
    xml: &str,
    file: &str,
    known: Option<&Codebook>,
) -> Result<Codebook, RefiError> {
    let mut reader = XmlReader::new(xml, file);
    let mut root_seen = false;
    let mut codes = None;
    while let Some(node) = reader.next_node()? {
        match node {
            Node::Open { name, .. } if !root_seen => {
                if name != "CodeBook" {
                    return Err(reader.error(format!(
                        "the root element is <{name}>, not a REFI <CodeBook>"
                    )));
                }
                root_seen = true;
            }
            Node::Open { name, .. } if name == "Codes" && codes.is_none() => {
                codes = Some(read_codes(&mut reader)?);
            }
            _ => {}
        }
    }
    let codes = codes.ok_or_else(|| RefiError::Content {
        file: file.to_string(),
        message: "no <Codes> in the codebook".into(),
    })?;
    let stem = std::path::Path::new(file)
        .file_stem()
        .map_or("imported".to_string(), |s| s.to_string_lossy().into_owned());
    Ok(codebook_of(&codes, &stem, file, known).codebook)
}

/// The codebook a tree of codes makes: top-level codes holding codes are categories,
/// every codable code below them a theme (however deep); codable codes at the top level
/// are themes of an `uncategorised` category, and a codable code that holds codes is a
/// theme too.
pub(crate) fn codebook_of(
    codes: &[CodeNode],
    name: &str,
    file: &str,
    known: Option<&Codebook>,
) -> ReadCodes {
    let mut ids = KnownIds::of(known);
    let mut by_guid: BTreeMap<String, String> = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut groups: BTreeSet<String> = BTreeSet::new();
    let mut take = |theme: Theme, code: &CodeNode, themes: &mut Vec<Theme>| {
        by_guid.insert(code.guid.clone(), theme.id.clone());
        if !code.notes.is_empty() {
            notes.insert(theme.id.clone(), code.notes.clone());
        }
        themes.push(theme);
    };
    let mut categories: Vec<Category> = Vec::new();
    let mut themes: Vec<Theme> = Vec::new();
    let mut ungrouped: Vec<&CodeNode> = Vec::new();
    for code in codes {
        if code.children.is_empty() {
            ungrouped.push(code);
            continue;
        }
        let category = ids.category(code);
        categories.push(Category {
            id: category.clone(),
            name: code.name.clone(),
            description: code.description.clone().filter(|d| !d.trim().is_empty()),
            cues: ids.cues.get(&code.guid).cloned().unwrap_or_default(),
        });
        if code.codable {
            take(ids.theme(code, &category), code, &mut themes);
        } else {
            groups.insert(code.guid.clone());
        }
        let mut below: Vec<&CodeNode> = code.children.iter().rev().collect();
        while let Some(child) = below.pop() {
            below.extend(child.children.iter().rev());
            if child.codable {
                take(ids.theme(child, &category), child, &mut themes);
            } else {
                groups.insert(child.guid.clone());
            }
        }
    }
    let ungrouped: Vec<&CodeNode> = ungrouped.into_iter().filter(|c| c.codable).collect();
    if !ungrouped.is_empty() {
        // A group may already be called that: the id is told apart like any other.
        let category = ids.unique(UNGROUPED.to_string());
        categories.push(Category {
            id: category.clone(),
            name: "Uncategorised".to_string(),
            description: Some("Codes that were not in any group".to_string()),
            cues: Vec::new(),
        });
        for code in ungrouped {
            take(ids.theme(code, &category), code, &mut themes);
        }
    }
    let info = match known {
        Some(known) => known.codebook.clone(),
        None => CodebookInfo {
            id: slug(name),
            name: name.to_string(),
            description: Some(format!("Imported from {file}")),
            version: None,
        },
    };
    ReadCodes {
        codebook: Codebook {
            codebook: info,
            categories,
            themes,
            merged: Vec::new(),
        },
        by_guid,
        notes,
        groups,
    }
}

/// A codebook read from a tree of codes, with what a project's codings need to name
/// its themes.
pub(crate) struct ReadCodes {
    pub(crate) codebook: Codebook,
    /// Theme id of each codable code, by GUID.
    pub(crate) by_guid: BTreeMap<String, String>,
    /// GUIDs of the notes on each theme, by theme id.
    pub(crate) notes: BTreeMap<String, Vec<String>>,
    /// GUIDs of codes that are not codable (groups).
    pub(crate) groups: BTreeSet<String>,
}

/// Ids for codes: the known codebook's where a GUID is one it exports, else from names,
/// told apart when two names give the same id.
struct KnownIds {
    categories: BTreeMap<String, String>,
    /// The cues of known categories, by GUID: REFI has no place for them.
    cues: BTreeMap<String, Vec<Rule>>,
    themes: BTreeMap<String, Theme>,
    taken: BTreeSet<String>,
}

impl KnownIds {
    fn of(known: Option<&Codebook>) -> Self {
        let mut ids = KnownIds {
            categories: BTreeMap::new(),
            cues: BTreeMap::new(),
            themes: BTreeMap::new(),
            taken: BTreeSet::new(),
        };
        if let Some(codebook) = known {
            for category in &codebook.categories {
                let guid = category_guid(codebook, &category.id);
                ids.cues.insert(guid.clone(), category.cues.clone());
                ids.categories.insert(guid, category.id.clone());
            }
            for theme in &codebook.themes {
                ids.themes
                    .insert(theme_guid(codebook, &theme.id), theme.clone());
            }
        }
        ids
    }

    fn unique(&mut self, wanted: String) -> String {
        let mut id = wanted.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{wanted}-{n}");
            n += 1;
        }
        id
    }

    fn category(&mut self, code: &CodeNode) -> String {
        let wanted = match self.categories.get(&code.guid) {
            Some(id) => id.clone(),
            None => slug(&code.name),
        };
        self.unique(wanted)
    }

    fn theme(&mut self, code: &CodeNode, category: &str) -> Theme {
        let (description, include, exclude) = undescribe(code.description.as_deref().unwrap_or(""));
        if let Some(known) = self.themes.get(&code.guid).cloned() {
            let id = self.unique(known.id.clone());
            return Theme {
                id,
                category: category.to_string(),
                name: code.name.clone(),
                description,
                include,
                exclude,
                ..known
            };
        }
        let id = self.unique(format!("{category}.{}", slug(&code.name)));
        Theme {
            id,
            category: category.to_string(),
            name: code.name.clone(),
            description,
            include,
            exclude,
            threshold: None,
            rules: vec![name_rule(&code.name)],
            examples: Vec::new(),
            renamed_from: Vec::new(),
            merged_into: None,
        }
    }
}

/// The rule a theme read from another tool starts with: its name as a phrase. Verbatim's
/// codebooks need a rule per theme; this one finds the quotes that name the theme, and is
/// there to be edited.
fn name_rule(name: &str) -> Rule {
    let words: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let phrase = words
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Rule {
        any: vec![if phrase.is_empty() {
            slug(name)
        } else {
            phrase
        }],
        ..Rule::default()
    }
}

/// An id from a name: lower case letters and digits (accented letters kept), other runs
/// as one `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "code".to_string()
    } else {
        out
    }
}

#[cfg(test)]
#[path = "codebook_tests.rs"]
mod codebook_tests;
