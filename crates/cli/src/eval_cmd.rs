//! `verbatim eval`: the coding-quality harness over the gold sets of
//! `benches/quality/gold/`, and `--fit` to refit the fusion weights from them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use verbatim_model::write_atomic;
use verbatim_project::embeddings::{VectorCache, load_model};
use verbatim_project::quality::{
    SetFeatures, SetScores, fit_weights, load_gold_sets, score_set, set_features,
};

use crate::context::Context;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Folder of gold set descriptions.
    #[arg(long, default_value = "benches/quality/gold")]
    sets: PathBuf,
    /// Fit the fusion weights on every set and write them to this file.
    #[arg(long, value_name = "FILE")]
    fit: Option<PathBuf>,
    /// Fail unless every set described can be read (its source present).
    #[arg(long)]
    require_all: bool,
    /// JSON: one object per set and way of coding.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &EvalArgs) -> anyhow::Result<()> {
    let reporter = context.reporter();
    let root = std::env::current_dir().context("the current folder")?;
    let (sets, skipped) = load_gold_sets(&args.sets, &root)?;
    if args.require_all && !skipped.is_empty() {
        anyhow::bail!("gold sets not found: {}", skipped.join("; "));
    }
    for note in &skipped {
        reporter.note(&format!("skipped {note}"));
    }
    let encoder = load_model(context.model.as_deref(), &reporter)?;
    let mut lexical = Vec::new();
    let mut semantic = Vec::new();
    let mut cache = encoder.as_ref().map(|encoder| {
        let path = root
            .join(".verbatim/quality")
            .join(format!("{}.bin", encoder.name()));
        VectorCache::open(Some(&path), encoder)
    });
    for set in &sets {
        lexical.push(set_features(set, None, true, &reporter)?);
        if let (Some(encoder), Some(cache)) = (&encoder, cache.as_mut()) {
            semantic.push(set_features(set, Some((encoder, cache)), true, &reporter)?);
        }
    }
    if let Some(cache) = &cache {
        cache.save()?;
    }
    let model_name = encoder.as_ref().map(|e| e.name().to_string());
    let mut rows: Vec<SetScores> = Vec::new();
    let shipped = verbatim_coder::FusionWeights::shipped();
    for (i, set) in lexical.iter().enumerate() {
        let left_out = fit_weights(&others(&semantic, i), &others(&lexical, i), "left out");
        let mut push = |features: &SetFeatures, mode: &str, weights: &str, w: &[f64]| {
            rows.push(SetScores {
                set: set.name.clone(),
                mode: mode.to_string(),
                weights: weights.to_string(),
                scores: score_set(features, w),
            })
        };
        push(set, "words", "shipped", &shipped.lexical);
        push(set, "words", "left out", &left_out.lexical);
        if let (Some(features), Some(name)) = (semantic.get(i), &model_name) {
            push(features, name, "shipped", &shipped.semantic);
            push(features, name, "left out", &left_out.semantic);
            // How far meaning alone goes, without the codebook's rules and words.
            let meaning_only = verbatim_coder::fit(
                &verbatim_project::quality::labelled(&others(&semantic, i)),
                &[0, 5, 6, 7],
            );
            push(features, "meaning only", "left out", &meaning_only);
        }
    }
    if let Some(out) = &args.fit {
        let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
        let note = format!(
            "fitted by `verbatim eval --fit` on {} ({} quotes) with {}",
            names.join(", "),
            sets.iter().map(|s| s.quotes.len()).sum::<usize>(),
            model_name
                .as_deref()
                .unwrap_or("no model (semantic weights kept)")
        );
        let weights = fit_weights(
            &others(&semantic, usize::MAX),
            &others(&lexical, usize::MAX),
            &note,
        );
        let json = serde_json::to_string_pretty(&weights)?;
        write_atomic(out, |w| writeln!(w, "{json}"))?;
        reporter.note(&format!("weights written to {}", out.display()));
    }
    print(&rows, args.json)
}

/// Every set but number `left_out`.
fn others(sets: &[SetFeatures], left_out: usize) -> Vec<&SetFeatures> {
    sets.iter()
        .enumerate()
        .filter(|(j, _)| *j != left_out)
        .map(|(_, s)| s)
        .collect()
}

fn print(rows: &[SetScores], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        for row in rows {
            writeln!(out, "{}", serde_json::to_string(row)?)?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{:<20} {:<18} {:<9} {:>6} {:>6} {:>6} {:>8} {:>6} {:>6} {:>6} {:>6} {:>8}",
        "set",
        "coding",
        "weights",
        "quotes",
        "top1",
        "top3",
        "category",
        "kappa",
        "prec",
        "recall",
        "f1",
        "uncoded"
    )?;
    for row in rows {
        let s = &row.scores;
        writeln!(
            out,
            "{:<20} {:<18} {:<9} {:>6} {:>6.3} {:>6.3} {:>8.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>8.3}",
            row.set,
            row.mode,
            row.weights,
            s.quotes,
            s.top1,
            s.top3,
            s.category,
            s.kappa,
            s.precision,
            s.recall,
            s.f1,
            s.uncoded
        )?;
    }
    Ok(())
}
