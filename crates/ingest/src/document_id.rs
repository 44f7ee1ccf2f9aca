//! Stable document ids for quote ids.

use std::collections::HashMap;
use std::path::Path;

/// Gives each path a short, stable id: its file stem as a slug (`Wigan CEO.txt` ->
/// `wigan-ceo`). Paths whose stems collide are told apart by their parent folders
/// (`2020-wigan-ceo`), then by their extension. The same set of paths always gives the
/// same ids, in the order given.
pub fn document_ids(paths: &[&Path]) -> Vec<String> {
    let mut depth = vec![0usize; paths.len()];
    let mut with_extension = vec![false; paths.len()];
    let mut ids: Vec<String> = paths.iter().map(|p| id_at_depth(p, 0, false)).collect();
    for _ in 0..16 {
        let collisions = colliding(&ids);
        if collisions.is_empty() {
            break;
        }
        for &index in &collisions {
            let same_folder = collisions.iter().any(|&other| {
                other != index
                    && ids[other] == ids[index]
                    && paths[other].parent() == paths[index].parent()
            });
            if same_folder {
                with_extension[index] = true;
            } else {
                depth[index] += 1;
            }
        }
        for &index in &collisions {
            ids[index] = id_at_depth(paths[index], depth[index], with_extension[index]);
        }
    }
    ids
}

fn colliding(ids: &[String]) -> Vec<usize> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in ids {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    (0..ids.len())
        .filter(|&i| seen[ids[i].as_str()] > 1)
        .collect()
}

fn id_at_depth(path: &Path, depth: usize, with_extension: bool) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let mut parts: Vec<String> = path
        .parent()
        .into_iter()
        .flat_map(|p| p.components().rev())
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .take(depth)
        .collect();
    parts.reverse();
    parts.push(stem.into_owned());
    if with_extension && let Some(extension) = path.extension() {
        parts.push(extension.to_string_lossy().into_owned());
    }
    let id = slug(&parts.join("-"));
    if id.is_empty() {
        "source".to_string()
    } else {
        id
    }
}

fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_then_folders_then_extensions() {
        let paths = [
            Path::new("corpus/2020/Wigan CEO.txt"),
            Path::new("corpus/2021/wigan_ceo.txt"),
            Path::new("corpus/2021/leeds.txt"),
            Path::new("corpus/2021/leeds.vtt"),
            Path::new("notes.md"),
        ];
        assert_eq!(
            document_ids(&paths),
            [
                "2020-wigan-ceo",
                "2021-wigan-ceo",
                "leeds-txt",
                "leeds-vtt",
                "notes"
            ]
        );
    }
}
