//! Criterion benchmarks of the hot paths: speaker-turn parsing, report-quote extraction,
//! indexing, codebook compilation, coding, search and report aggregation. Inputs are made
//! here from a fixed seed, so runs compare like with like. Run: `cargo bench --bench hot_paths`.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use verbatim_coder::{Coder, QuoteIndex};
use verbatim_ingest::{IngestOptions, Source, ingest};
use verbatim_model::{Codebook, Coding, Origin, Quote};
use verbatim_report::{Dataset, Filter, Report, ReportOptions};

const WORDS: &[&str] = &[
    "we",
    "the",
    "council",
    "partners",
    "really",
    "tired",
    "volunteers",
    "budget",
    "data",
    "shared",
    "digital",
    "young",
    "people",
    "housing",
    "police",
    "hospital",
    "funding",
    "climate",
    "jobs",
    "trust",
    "staff",
    "community",
    "government",
    "plan",
    "week",
    "change",
    "together",
    "local",
];

/// A transcript of `answers` turns, deterministic.
fn transcript(answers: usize) -> String {
    let mut state: u64 = 42;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    let mut out = String::from("---\ninterviewee: Ann Lee\ninterviewer: Jo Park\n---\n\n");
    for _ in 0..answers {
        out.push_str("Jo Park: What changed this year?\n\nAnn Lee: ");
        for i in 0..90 {
            out.push_str(WORDS[next() % WORDS.len()]);
            out.push_str(if i % 12 == 11 { ". " } else { " " });
        }
        out.push_str("\n\n");
    }
    out
}

fn quotes(count: usize) -> Vec<Quote> {
    let text = transcript(count);
    let source = Source {
        name: "bench.txt",
        id: "bench",
        extension: Some("txt"),
        bytes: text.as_bytes(),
    };
    ingest(&source, None, &IngestOptions::default())
        .map(|i| i.quotes)
        .unwrap_or_default()
}

fn codebook() -> Codebook {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codebooks/seizing-the-moment-2020.toml");
    Codebook::load(&path).unwrap_or_else(|e| panic!("codebook: {e}"))
}

fn benches(c: &mut Criterion) {
    let text = transcript(75);
    c.bench_function("ingest: one 7,000-word transcript", |b| {
        b.iter(|| {
            let source = Source {
                name: "b.txt",
                id: "b",
                extension: Some("txt"),
                bytes: text.as_bytes(),
            };
            black_box(ingest(&source, None, &IngestOptions::default()).map(|i| i.quotes.len()))
        })
    });
    let report_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reports/blind-2022-report.txt"),
    )
    .unwrap_or_default();
    c.bench_function("ingest: quotes from a 3,300-word report", |b| {
        b.iter(|| {
            let options = IngestOptions {
                format: Some(verbatim_ingest::Format::Report),
                ..IngestOptions::default()
            };
            let source = Source {
                name: "r.txt",
                id: "r",
                extension: Some("txt"),
                bytes: report_text.as_bytes(),
            };
            black_box(ingest(&source, None, &options).map(|i| i.quotes.len()))
        })
    });
    let book = codebook();
    c.bench_function("codebook: compile the 2020 codebook", |b| {
        b.iter(|| black_box(Coder::new(&book).is_ok()))
    });
    let many = quotes(10_000);
    c.bench_function("index: 10,000 quotes in memory", |b| {
        b.iter_batched(
            || many.clone(),
            |q| black_box(QuoteIndex::in_memory(&q).is_ok()),
            BatchSize::LargeInput,
        )
    });
    let index = QuoteIndex::in_memory(&many).unwrap_or_else(|e| panic!("index: {e}"));
    let coder = Coder::new(&book).unwrap_or_else(|e| panic!("coder: {e}"));
    c.bench_function("code: 10,000 quotes, 40 themes", |b| {
        b.iter(|| black_box(coder.code(&index).map(|c| c.len())))
    });
    c.bench_function("search: a two-word query over 10,000 quotes", |b| {
        b.iter(|| {
            let query = index
                .parse_search("volunteers OR housing")
                .unwrap_or_else(|e| panic!("{e}"));
            black_box(index.ranked(query.as_ref()).map(|r| r.len()))
        })
    });
    let codes = coder.code(&index).unwrap_or_default();
    let codings: Vec<Coding> = many
        .iter()
        .zip(&codes)
        .flat_map(|(q, codes)| {
            codes.iter().map(move |c| Coding {
                quote: q.id.clone(),
                theme: c.theme.clone(),
                score: Some(c.score),
                origin: Origin::Auto,
                coder: None,
                evidence: Vec::new(),
            })
        })
        .collect();
    c.bench_function(
        "report: frequency, two matrices, co-occurrence over 10,000 quotes",
        |b| {
            b.iter(|| {
                let data = Dataset::new(&many, &codings, Some(&book), &Filter::default());
                black_box(Report::new(&data, &ReportOptions::default()).themes.len())
            })
        },
    );
}

/// The engine's incremental refresh of a synthetic 7,500-quote project (100 interviews):
/// with nothing changed, and with one interview changed.
fn refresh(c: &mut Criterion) {
    use verbatim_project::synthetic::{RoundSpec, generate};
    use verbatim_project::{Project, Silent};
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    generate(&RoundSpec {
        quotes: 7_500,
        seed: 2021,
        codebook: root.join("codebooks/seizing-the-moment-2020.toml"),
        out: dir.path().to_path_buf(),
        round: "2021".into(),
    })
    .expect("generate");
    let project = Project::load(dir.path()).expect("project");
    verbatim_project::refresh(&project, None, &Silent).expect("first refresh");
    c.bench_function("refresh: 7,500 quotes, nothing changed", |b| {
        b.iter(|| {
            black_box(
                verbatim_project::refresh(&project, None, &Silent)
                    .expect("refresh")
                    .kept,
            )
        })
    });
    let changed = dir.path().join("interviews/2021/2021-000050.txt");
    let original = std::fs::read_to_string(&changed).expect("interview");
    let mut turn = 0;
    c.bench_function("refresh: 7,500 quotes, one interview changed", |b| {
        b.iter(|| {
            turn += 1;
            let text =
                format!("{original}\nJo Whitcombe: One more?\n\nAnswer number {turn} was tired.\n");
            std::fs::write(&changed, text).expect("change");
            black_box(
                verbatim_project::refresh(&project, None, &Silent)
                    .expect("refresh")
                    .read,
            )
        })
    });
}

criterion_group! {
    name = hot_paths;
    config = Criterion::default().sample_size(10);
    targets = benches, refresh
}
criterion_main!(hot_paths);
