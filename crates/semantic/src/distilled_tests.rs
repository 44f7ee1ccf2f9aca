//! Tests for `distilled` on a tiny hand-made table and tokenizer (no model needed).

use super::*;

/// A BERT-style WordPiece tokenizer over ten tokens, like the real one minus its size.
const TOKENIZER_JSON: &str = r###"{
  "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                 "strip_accents": null, "lowercase": true},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "post_processor": null, "decoder": null,
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4,
                      "[unused0]": 5, "the": 6, "cat": 7, "dog": 8, "##s": 9}}
}"###;
const VOCABULARY: usize = 10;
const DIMENSIONS: usize = 3;

fn tokenizer() -> Tokenizer {
    TOKENIZER_JSON.parse().expect("tiny tokenizer")
}

/// Weights and rows for the tiny vocabulary: padding and the special tokens count for
/// nothing, the rest have easy numbers.
fn parts() -> (Vec<f32>, Vec<f32>) {
    let weights = vec![0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.25, 1.0, 1.0, 0.5];
    let mut vectors = vec![0.0; VOCABULARY * DIMENSIONS];
    let rows: [(usize, [f32; 3]); 5] = [
        (1, [0.0, 0.0, 4.0]),
        (6, [1.0, 1.0, 1.0]),
        (7, [2.0, 0.0, 0.0]),
        (8, [0.0, 2.0, 0.0]),
        (9, [0.0, -2.0, 2.0]),
    ];
    for (id, row) in rows {
        vectors[id * DIMENSIONS..(id + 1) * DIMENSIONS].copy_from_slice(&row);
    }
    (weights, vectors)
}

fn tiny(source: &str, source_bytes: u64) -> Distilled {
    let (weights, vectors) = parts();
    Distilled::from_parts(
        tokenizer(),
        source,
        source_bytes,
        weights,
        vectors,
        Path::new("tiny"),
    )
    .expect("tiny table")
}

/// A model folder as `Distilled::load` sees it: the tiny tokenizer and a weights file of
/// `weights_bytes` bytes (only its size matters here).
fn model_folder(dir: &Path, name: &str, weights_bytes: usize) -> ModelFiles {
    fs::write(dir.join("tokenizer.json"), TOKENIZER_JSON).expect("tokenizer");
    fs::write(dir.join("model.safetensors"), vec![0u8; weights_bytes]).expect("weights");
    ModelFiles {
        name: name.to_owned(),
        dir: dir.to_path_buf(),
        config: dir.join("config.json"),
        tokenizer: dir.join("tokenizer.json"),
        weights: dir.join("model.safetensors"),
        known: false,
        hidden_size: DIMENSIONS,
        vocab_size: VOCABULARY,
    }
}

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "{got:?} != {want:?}");
    }
}

fn unit(v: [f32; 3]) -> Vec<f32> {
    normalised(v.to_vec())
}

#[test]
fn a_sentence_is_the_weighted_mean_of_its_tokens() {
    let (weights, vectors) = parts();
    // cat (weight 1) and dog (weight 1): the plain mean.
    let got = weighted_mean(&[7, 8], &weights, &vectors, DIMENSIONS);
    assert_close(&got, &unit([1.0, 1.0, 0.0]));
    // the (0.25) and cat (1): (0.25·[1,1,1] + [2,0,0]) / 1.25.
    let got = weighted_mean(&[6, 7], &weights, &vectors, DIMENSIONS);
    assert_close(&got, &unit([2.25 / 1.25, 0.25 / 1.25, 0.25 / 1.25]));
    // A repeated token counts twice: 2·cat + dog.
    let got = weighted_mean(&[7, 8, 7], &weights, &vectors, DIMENSIONS);
    assert_close(&got, &unit([4.0, 2.0, 0.0]));
    // Weightless and unknown ids count for nothing.
    let got = weighted_mean(&[0, 2, 7, 3, 99], &weights, &vectors, DIMENSIONS);
    assert_close(&got, &unit([1.0, 0.0, 0.0]));
    // Nothing to count: the zero vector, not NaN.
    assert_eq!(weighted_mean(&[], &weights, &vectors, DIMENSIONS), [0.0; 3]);
    assert_eq!(
        weighted_mean(&[0, 3], &weights, &vectors, DIMENSIONS),
        [0.0; 3]
    );
}

#[test]
fn texts_are_tokenized_without_cls_and_sep() {
    let table = tiny("tiny", 0);
    let vectors = table
        .embed(&["The cats", "DOG", "", "zebra", "cat dog"])
        .expect("embed");
    // "the", "cat", "##s": 0.25·[1,1,1] + [2,0,0] + 0.5·[0,-2,2], over 1.75.
    assert_close(&vectors[0], &unit([2.25, -0.75, 1.25]));
    assert_close(&vectors[1], &unit([0.0, 1.0, 0.0]));
    assert_eq!(vectors[2], [0.0; 3]);
    // An unknown word is [UNK], which is kept.
    assert_close(&vectors[3], &unit([0.0, 0.0, 1.0]));
    assert_close(&vectors[4], &unit([1.0, 1.0, 0.0]));
    assert_eq!(table.name(), "tiny-static");
    assert_eq!(table.dimensions(), DIMENSIONS);
}

#[test]
fn embedding_is_bitwise_the_same_alone_or_in_a_batch() {
    let table = tiny("tiny", 0);
    let texts: Vec<String> = (0..200)
        .map(|i| ["the cat", "dogs", "the dog cats", "cat"][i % 4].repeat(i % 7 + 1))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let together = table.embed(&refs).expect("batch");
    for (text, vector) in refs.iter().zip(&together) {
        let alone = &table.embed(&[text]).expect("alone")[0];
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(alone), bits(vector), "{text}");
    }
}

#[test]
fn the_file_round_trips() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = model_folder(tmp.path(), "tiny", 40);
    assert!(Distilled::load(&files).expect("no table yet").is_none());
    let table = tiny("tiny", 40);
    table.save(&Distilled::path(&files)).expect("save");
    let loaded = Distilled::load(&files).expect("load").expect("a table");
    assert_eq!(loaded.name(), "tiny-static");
    assert_eq!(loaded.source_bytes, 40);
    assert_eq!(loaded.weights, table.weights);
    assert_eq!(loaded.vectors, table.vectors);
    let texts = ["the cats", "dog"];
    assert_eq!(
        loaded.embed(&texts).expect("loaded"),
        table.embed(&texts).expect("original")
    );
    // Saving again replaces the table and leaves no temporary file behind.
    table.save(&Distilled::path(&files)).expect("save again");
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["distilled.bin", "model.safetensors", "tokenizer.json"]
    );
}

#[test]
fn the_header_says_what_it_holds() {
    let bytes = tiny("tiny", 40).encode();
    let floats = VOCABULARY * (DIMENSIONS + 1);
    assert_eq!(bytes.len(), FIXED_HEADER + 4 + 4 * floats + CHECKSUM);
    assert_eq!(&bytes[..8], b"VBSTATIC");
    assert_eq!(bytes[8..12], VERSION.to_le_bytes());
    assert_eq!(bytes[12..16], 10u32.to_le_bytes());
    assert_eq!(bytes[16..20], 3u32.to_le_bytes());
    assert_eq!(bytes[20..28], 40u64.to_le_bytes());
    assert_eq!(bytes[28..32], 4u32.to_le_bytes());
    assert_eq!(&bytes[32..36], b"tiny");
    // The first weight is [PAD]'s 0, then [UNK]'s 0.5, little-endian.
    assert_eq!(bytes[36..44], [0, 0, 0, 0, 0, 0, 0, 0x3f]);
}

#[test]
fn damaged_files_are_refused() {
    let good = tiny("tiny", 40).encode();
    let refused = |bytes: &[u8], expected: &str| {
        let message = decode(bytes).err().expect("refused");
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
    };
    refused(&good[..good.len() - 1], "truncated");
    refused(&good[..good.len() - 5], "truncated");
    refused(&good[..40], "truncated");
    refused(&good[..30], "truncated");
    refused(&good[..5], "not a distilled table");
    refused(&[], "not a distilled table");
    let mut longer = good.clone();
    longer.insert(50, 0);
    refused(&longer, "truncated or corrupt");

    let mut flipped = good.clone();
    flipped[60] ^= 1;
    refused(&flipped, "checksum");
    let mut magic = good.clone();
    magic[0] = b'X';
    refused(&magic, "not a distilled table");

    // A header that is consistent but lies needs a fresh checksum to get past the sizes.
    let resealed = |mut bytes: Vec<u8>| {
        bytes.truncate(bytes.len() - CHECKSUM);
        let checksum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&checksum);
        bytes
    };
    let mut version = good.clone();
    version[8..12].copy_from_slice(&2u32.to_le_bytes());
    refused(&resealed(version), "format version 2");
    let mut dims = good.clone();
    dims[16..20].copy_from_slice(&4u32.to_le_bytes());
    refused(&resealed(dims), "truncated or corrupt");
    let mut huge = good.clone();
    huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    refused(&resealed(huge), "truncated or corrupt");
    let mut name = good.clone();
    name[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
    refused(&resealed(name), "names a model of");
    let mut nan = good.clone();
    nan[40..44].copy_from_slice(&f32::NAN.to_le_bytes());
    refused(&resealed(nan), "not a finite number");
}

#[test]
fn a_table_from_another_model_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = model_folder(tmp.path(), "tiny", 40);
    let path = Distilled::path(&files);
    let message = |table: Distilled| {
        table.save(&path).expect("save");
        Distilled::load(&files).expect_err("refused").to_string()
    };
    assert!(message(tiny("other", 40)).contains("not from this model"));
    assert!(message(tiny("tiny", 41)).contains("not from this model"));
    let mut wider = files.clone();
    wider.hidden_size = 4;
    tiny("tiny", 40).save(&path).expect("save");
    assert!(Distilled::load(&wider).is_err());
    // A damaged file in the folder is an error naming it, not a missing table.
    fs::write(&path, b"VBSTATIC").expect("write");
    let error = Distilled::load(&files).expect_err("damaged").to_string();
    assert!(error.contains("distilled.bin"), "{error}");
}

#[test]
fn special_and_unused_tokens_get_no_vector() {
    let kept = kept_tokens(&tokenizer(), VOCABULARY, &[2, 3]);
    assert_eq!(kept, [1, 6, 7, 8, 9]);
    // Ids beyond the model's embedding table are dropped too.
    assert_eq!(kept_tokens(&tokenizer(), 8, &[2, 3]), [1, 6, 7]);
}

#[test]
fn finishing_centres_the_rows_and_weights_rare_tokens_more() {
    let ids = [1, 6, 7];
    let raw = [1.0, 2.0, 3.0, 2.0, 2.0, 2.0, 3.0, 2.0, 1.0];
    let (weights, vectors) = finish(&ids, &raw, 8, DIMENSIONS);
    assert_eq!(weights.len(), 8);
    assert_eq!(vectors.len(), 8 * DIMENSIONS);
    // The mean of the kept rows is [2, 2, 2].
    assert_eq!(&vectors[3..6], [-1.0, 0.0, 1.0]);
    assert_eq!(&vectors[18..21], [0.0, 0.0, 0.0]);
    assert_eq!(&vectors[21..24], [1.0, 0.0, -1.0]);
    for skipped in [0, 2, 3, 4, 5] {
        assert_eq!(weights[skipped], 0.0);
        assert!(
            vectors[skipped * 3..skipped * 3 + 3]
                .iter()
                .all(|&x| x == 0.0)
        );
    }
    assert!(0.0 < weights[1] && weights[1] < weights[6] && weights[6] < weights[7]);
    assert!(weights[7] < 1.0);
}

#[test]
fn sif_weights_follow_zipf() {
    let weights = sif_weights(30_000);
    assert!(weights.windows(2).all(|w| w[0] < w[1]));
    assert!(weights[0] > 0.0 && weights[29_999] < 1.0);
    // p(rank) = 1 / (rank · H), H ≈ ln n + γ ≈ 10.887 for 30,000 tokens.
    let p = 1.0 / (1000.0 * 10.887);
    assert!((f64::from(weights[999]) - SIF_A / (SIF_A + p)).abs() < 1e-4);
}

#[test]
fn an_embedder_passes_calls_through() {
    let table = tiny("tiny", 0);
    let direct = table.embed(&["the cats", ""]).expect("direct");
    let embedder = crate::Embedder::Distilled(table);
    assert_eq!(embedder.name(), "tiny-static");
    assert_eq!(embedder.dimensions(), DIMENSIONS);
    assert_eq!(embedder.embed(&["the cats", ""]).expect("embedder"), direct);
}
