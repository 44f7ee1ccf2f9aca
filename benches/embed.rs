//! Criterion bench of sentence embedding: quotes per second for the transformer and for the
//! static embedding distilled from it, on 256 interview-like sentences of 10 to 60 words
//! made here from a fixed seed. Run: `cargo bench -p verbatim-semantic --bench embed`.
//!
//! Needs the installed model (`verbatim model add`); without it the bench says so and
//! measures nothing. When the model's folder has no distilled table yet, the first run
//! distils one (under a minute, untimed) and saves it, as `Embedder::load` always does.
//! Set `VERBATIM_BENCH_DISTIL=1` to time one distillation as well (printed, not saved).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use verbatim_semantic::install::{ModelFiles, find, models_dir};
use verbatim_semantic::{Distilled, Embedder, EmbedderKind, Encoder};

const QUOTES: usize = 256;

/// Everyday interview talk: function words often, theme words now and then.
const WORDS: &[&str] = &[
    "we",
    "the",
    "and",
    "a",
    "to",
    "of",
    "it",
    "was",
    "they",
    "in",
    "that",
    "really",
    "just",
    "so",
    "I",
    "think",
    "you",
    "know",
    "but",
    "with",
    "for",
    "there",
    "were",
    "people",
    "council",
    "police",
    "partners",
    "volunteers",
    "budget",
    "funding",
    "data",
    "shared",
    "digital",
    "young",
    "housing",
    "hospital",
    "staff",
    "community",
    "trust",
    "meeting",
    "every",
    "week",
    "morning",
    "changed",
    "together",
    "local",
    "families",
    "school",
    "support",
    "services",
    "lockdown",
    "started",
    "because",
    "nobody",
    "better",
    "harder",
    "money",
    "time",
    "worked",
    "helped",
    "lost",
    "again",
    "now",
    "before",
    "after",
    "residents",
    "charity",
    "food",
    "bank",
    "homes",
    "rent",
    "jobs",
    "training",
    "exhausted",
    "burnt",
    "out",
    "plan",
    "decisions",
    "quickly",
    "slowly",
    "online",
];

/// `QUOTES` sentences of 10 to 60 words, the same on every run.
fn sentences() -> Vec<String> {
    let mut state: u64 = 0x5eed_cafe;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    (0..QUOTES)
        .map(|_| {
            let words = 10 + next() % 51;
            let mut sentence = String::new();
            for i in 0..words {
                let word = WORDS[next() % WORDS.len()];
                if i == 0 {
                    let mut chars = word.chars();
                    sentence.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                    sentence.push_str(chars.as_str());
                } else {
                    // A comma now and then, as transcribed speech has.
                    sentence.push_str(if next() % 9 == 0 { ", " } else { " " });
                    sentence.push_str(word);
                }
            }
            sentence.push('.');
            sentence
        })
        .collect()
}

fn model() -> Option<ModelFiles> {
    let found = models_dir().and_then(|dir| find(&dir, None));
    match found {
        Ok(Some(files)) => Some(files),
        Ok(None) => {
            eprintln!("no sentence model installed: nothing to measure");
            None
        }
        Err(e) => {
            eprintln!("no usable sentence model ({e}): nothing to measure");
            None
        }
    }
}

fn load(files: &ModelFiles, kind: EmbedderKind) -> Option<Embedder> {
    let start = Instant::now();
    match Embedder::load(files, kind) {
        Ok(embedder) => {
            let seconds = start.elapsed().as_secs_f64();
            eprintln!("{} loaded in {seconds:.2} s", embedder.name());
            Some(embedder)
        }
        Err(e) => {
            eprintln!("cannot load the {kind:?} embedding: {e}");
            None
        }
    }
}

/// One timed distillation, when asked for: too slow to repeat as a criterion sample.
fn time_distillation(files: &ModelFiles) {
    if std::env::var("VERBATIM_BENCH_DISTIL").is_ok_and(|v| v == "1") {
        let distilled = Encoder::load(files).and_then(|encoder| {
            let start = Instant::now();
            let distilled = Distilled::distil(&encoder, files)?;
            Ok((distilled, start.elapsed()))
        });
        match distilled {
            Ok((distilled, took)) => eprintln!(
                "distilling {} took {:.1} s",
                distilled.name(),
                took.as_secs_f64()
            ),
            Err(e) => eprintln!("distillation failed: {e}"),
        }
    }
}

fn embed(c: &mut Criterion) {
    let Some(files) = model() else { return };
    time_distillation(&files);
    let texts = sentences();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    for (kind, samples, seconds) in [
        // About 4 s per round of the transformer on two cores: few, long samples.
        (EmbedderKind::Transformer, 10, 45),
        (EmbedderKind::Distilled, 40, 10),
    ] {
        let Some(embedder) = load(&files, kind) else {
            continue;
        };
        if let Err(e) = embedder.embed(&texts) {
            eprintln!("{} cannot embed: {e}", embedder.name());
            continue;
        }
        let mut group = c.benchmark_group("embed 256 quotes");
        group.throughput(Throughput::Elements(QUOTES as u64));
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(seconds));
        group.bench_function(embedder.name(), |b| {
            b.iter(|| embedder.embed(black_box(&texts)))
        });
        group.finish();
    }
}

criterion_group!(benches, embed);
criterion_main!(benches);
