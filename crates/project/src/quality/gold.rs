//! Gold sets: quotes with the themes their authors placed them under, described by TOML
//! files in `benches/quality/gold/`. Three kinds:
//! - a project with a coder's manual codings (`project`, `codings`, `coder`): the bundled
//!   corpus and its answer key;
//! - a write-up's paragraphs, each under a heading that names its theme (`[[item]]` with
//!   the paragraph's first words): the heading is the label and never part of the input;
//! - a report's quotations, labelled by the section they sit in (`[[section]]`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use verbatim_model::{Codebook, Coding, Quote, read_jsonl};

use crate::config::Project;
use crate::error::{Error, IoContext, Result};
use crate::observer::Silent;
use crate::read::{ReadOptions, read_all};

/// One gold set, as its TOML file describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldFile {
    name: String,
    codebook: PathBuf,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    source: Option<PathBuf>,
    #[serde(default)]
    roster: Option<PathBuf>,
    #[serde(default)]
    project: Option<PathBuf>,
    #[serde(default)]
    codings: Option<PathBuf>,
    #[serde(default)]
    coder: Option<String>,
    #[serde(default)]
    item: Vec<Item>,
    #[serde(default)]
    section: Vec<Section>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    starts: String,
    theme: String,
    #[serde(default)]
    #[allow(dead_code)]
    heading: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    heading: String,
    theme: String,
}

/// A gold set ready to score: quotes, their themes, and cross-validation folds.
#[derive(Debug)]
pub struct GoldSet {
    /// The set's name.
    pub name: String,
    /// What the set is, as its file says.
    pub description: String,
    /// The codebook the labels come from.
    pub codebook: Codebook,
    /// The quotes, as the coder sees them.
    pub quotes: Vec<Quote>,
    /// Each quote's gold themes (empty: coded to nothing, kept for agreement).
    pub gold: Vec<Vec<String>>,
    /// Each quote's fold: quotes of one source share a fold, so examples never come from
    /// the interview being coded.
    pub folds: Vec<usize>,
}

/// Loads every gold set described in `dir` (sorted by file name), paths relative to
/// `root`. A set whose source is missing (the study's write-ups live outside the
/// repository) is returned in the second list with the reason.
pub fn load_gold_sets(dir: &Path, root: &Path) -> Result<(Vec<GoldSet>, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .io_context(|| format!("{}: cannot list", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut sets = Vec::new();
    let mut skipped = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .io_context(|| format!("{}: cannot read", file.display()))?;
        let gold: GoldFile = toml::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{}: {e}", file.display())))?;
        if let Some(source) = &gold.source
            && !root.join(source).exists()
        {
            skipped.push(format!("{}: {} not found", gold.name, source.display()));
            continue;
        }
        sets.push(load_set(gold, root, &file)?);
    }
    Ok((sets, skipped))
}

fn load_set(gold: GoldFile, root: &Path, file: &Path) -> Result<GoldSet> {
    let codebook = Codebook::load(&root.join(&gold.codebook))?;
    let (quotes, labels) = if let Some(project) = &gold.project {
        project_set(&gold, &root.join(project))?
    } else if !gold.item.is_empty() {
        passage_set(&gold, root, file)?
    } else {
        section_set(&gold, root, file)?
    };
    for theme in labels.iter().flatten() {
        if !codebook.themes.iter().any(|t| &t.id == theme) {
            return Err(Error::Invalid(format!(
                "{}: theme `{theme}` is not in {}",
                file.display(),
                gold.codebook.display()
            )));
        }
    }
    let mut fold_of: BTreeMap<String, usize> = BTreeMap::new();
    let folds = quotes
        .iter()
        .map(|q| {
            let next = fold_of.len();
            *fold_of.entry(q.source.clone()).or_insert(next)
        })
        .collect();
    Ok(GoldSet {
        description: gold.description.unwrap_or_default(),
        name: gold.name,
        codebook,
        quotes,
        gold: labels,
        folds,
    })
}

/// A project's quotes and one coder's manual codings of them.
fn project_set(gold: &GoldFile, root: &Path) -> Result<(Vec<Quote>, Vec<Vec<String>>)> {
    let project = Project::load(root)?;
    let quotes = read_all(Some(&project), &[], &ReadOptions::default(), &Silent)?.into_quotes();
    let codings_path =
        gold.codings.as_ref().map(|c| root.join(c)).ok_or_else(|| {
            Error::Invalid(format!("{}: a project set needs `codings`", gold.name))
        })?;
    let codings: Vec<Coding> = read_jsonl(&codings_path)?;
    let mut by_quote: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for coding in &codings {
        if gold.coder.is_none() || coding.coder == gold.coder {
            by_quote
                .entry(coding.quote.as_str())
                .or_default()
                .push(coding.theme.clone());
        }
    }
    let labels = quotes
        .iter()
        .map(|q| by_quote.get(q.id.as_str()).cloned().unwrap_or_default())
        .collect();
    Ok((quotes, labels))
}

/// Paragraphs of a write-up, found by their first words.
fn passage_set(
    gold: &GoldFile,
    root: &Path,
    file: &Path,
) -> Result<(Vec<Quote>, Vec<Vec<String>>)> {
    let source = source_of(gold, file)?;
    let text = std::fs::read_to_string(root.join(source))
        .io_context(|| format!("{}: cannot read", source.display()))?
        .replace("\r\n", "\n");
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let mut quotes = Vec::new();
    let mut labels = Vec::new();
    for (n, item) in gold.item.iter().enumerate() {
        let found: Vec<&String> = paragraphs
            .iter()
            .filter(|p| p.starts_with(item.starts.as_str()))
            .collect();
        let [paragraph] = found.as_slice() else {
            return Err(Error::Invalid(format!(
                "{}: `{}` starts {} paragraphs of {}, not one",
                file.display(),
                item.starts,
                found.len(),
                source.display()
            )));
        };
        quotes.push(Quote::new(
            format!("{}:{}", gold.name, n + 1),
            source.to_string_lossy().into_owned(),
            paragraph.as_str(),
        ));
        labels.push(vec![item.theme.clone()]);
    }
    Ok((quotes, labels))
}

/// A report's quotations labelled by their section; those in other sections (running
/// headers, introductions) are left out.
fn section_set(
    gold: &GoldFile,
    root: &Path,
    file: &Path,
) -> Result<(Vec<Quote>, Vec<Vec<String>>)> {
    let source = source_of(gold, file)?;
    let options = ReadOptions {
        roster: gold.roster.as_ref().map(|r| root.join(r)),
        ..ReadOptions::default()
    };
    let quotes = read_all(None, &[root.join(source)], &options, &Silent)?.into_quotes();
    let mut kept = Vec::new();
    let mut labels = Vec::new();
    for quote in quotes {
        let section = quote.section.as_deref().unwrap_or("").to_lowercase();
        if let Some(s) = gold
            .section
            .iter()
            .find(|s| section.starts_with(&s.heading))
        {
            labels.push(vec![s.theme.clone()]);
            kept.push(quote);
        }
    }
    Ok((kept, labels))
}

fn source_of<'a>(gold: &'a GoldFile, file: &Path) -> Result<&'a PathBuf> {
    gold.source
        .as_ref()
        .ok_or_else(|| Error::Invalid(format!("{}: needs `source`", file.display())))
}
