//! Reading a safetensors header without its tensor data, and checking the tensor shapes
//! against a BERT config, so a wrong or damaged weights file fails at install time.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use super::common::{At, invalid};
use crate::SemanticError;

/// The safetensors format itself refuses headers above 100 MB.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// One entry of a safetensors header.
#[derive(Deserialize)]
struct TensorInfo {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: [u64; 2],
}

/// The tensor shapes in a safetensors header, read without loading any tensor data, after
/// checking every tensor's byte range fits its shape and the file ends where the data does.
pub(super) fn read_safetensors_header(
    path: &Path,
) -> Result<BTreeMap<String, Vec<u64>>, SemanticError> {
    let mut file = File::open(path).at(path)?;
    let len = file.metadata().at(path)?.len();
    if len < 8 {
        bail!(path, "is {len} bytes, too short for a safetensors file");
    }
    let mut prefix = [0u8; 8];
    file.read_exact(&mut prefix).at(path)?;
    let header_len = u64::from_le_bytes(prefix);
    if header_len > MAX_HEADER_BYTES || header_len > len - 8 {
        bail!(
            path,
            "header claims {header_len} bytes but the file is {len}: truncated?"
        );
    }
    let mut header = Vec::new();
    (&mut file)
        .take(header_len)
        .read_to_end(&mut header)
        .at(path)?;
    let header: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&header)
        .map_err(|e| invalid(path, format!("safetensors header is not valid JSON: {e}")))?;
    let mut tensors = BTreeMap::new();
    let mut data_end = 0u64;
    for (name, value) in header
        .into_iter()
        .filter(|(name, _)| name != "__metadata__")
    {
        let info: TensorInfo = serde_json::from_value(value)
            .map_err(|e| invalid(path, format!("tensor {name}: {e}")))?;
        let (shape, dtype, [begin, end]) = (info.shape, info.dtype, info.data_offsets);
        let Some(elem) = dtype_size(&dtype) else {
            bail!(path, "tensor {name} has unknown dtype {dtype}");
        };
        let needed = shape.iter().try_fold(elem, |acc, &d| acc.checked_mul(d));
        if begin > end || needed != Some(end - begin) {
            bail!(
                path,
                "tensor {name} ({dtype} {shape:?}) has data_offsets [{begin}, {end}]"
            );
        }
        data_end = data_end.max(end);
        tensors.insert(name, shape);
    }
    // data_end is at most u64::MAX and header_len at most 100 MB, so u128 cannot overflow.
    let expected = u128::from(data_end) + u128::from(8 + header_len);
    if expected != u128::from(len) {
        bail!(
            path,
            "is {len} bytes but its header describes {expected}: truncated or corrupt"
        );
    }
    Ok(tensors)
}

pub(super) fn check_shapes(
    path: &Path,
    tensors: &BTreeMap<String, Vec<u64>>,
    hidden: u64,
    vocab: u64,
    layers: usize,
) -> Result<(), SemanticError> {
    let find = |suffix: &str| {
        let found = tensors.iter().find(|(name, _)| name.ends_with(suffix));
        found
            .map(|(_, shape)| shape.as_slice())
            .ok_or_else(|| invalid(path, format!("no tensor …{suffix}")))
    };
    match find("embeddings.word_embeddings.weight")? {
        [v, h] if *h != hidden => bail!(
            path,
            "word embeddings are [{v}, {h}] but config says hidden_size {hidden}"
        ),
        [v, h] if *v != vocab => bail!(
            path,
            "word embeddings are [{v}, {h}] but config says vocab_size {vocab}"
        ),
        [_, _] => {}
        other => bail!(
            path,
            "word embeddings are {other:?}, expected [vocab_size, hidden_size]"
        ),
    }
    match find("embeddings.position_embeddings.weight")? {
        [_, h] if *h == hidden => {}
        other => bail!(
            path,
            "position embeddings are {other:?} but config says hidden_size {hidden}"
        ),
    }
    // The trailing dot keeps layer 1 from matching layer 10.
    let has_layer = |i: usize| {
        let prefix = format!("encoder.layer.{i}.");
        let inner = format!(".{prefix}");
        tensors
            .keys()
            .any(|k| k.starts_with(&prefix) || k.contains(&inner))
    };
    let missing: Vec<usize> = (0..layers).filter(|&i| !has_layer(i)).collect();
    if !missing.is_empty() {
        bail!(
            path,
            "no tensors for encoder layers {missing:?} but config says num_hidden_layers {layers}"
        );
    }
    if has_layer(layers) {
        bail!(
            path,
            "has encoder layer {layers} but config says num_hidden_layers {layers}"
        );
    }
    Ok(())
}

fn dtype_size(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" => 1,
        "U16" | "I16" | "F16" | "BF16" => 2,
        "U32" | "I32" | "F32" => 4,
        "U64" | "I64" | "F64" => 8,
        _ => return None,
    })
}
