//! `verbatim generate` (hidden): a deterministic synthetic interview round for benchmarks
//! (see `verbatim_project::synthetic`).

use std::path::PathBuf;

use clap::Args;
use verbatim_project::synthetic::{RoundSpec, generate};

use crate::context::Context;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Quotes to generate (interviews of 75 quotes each).
    #[arg(long, default_value_t = 1000)]
    quotes: usize,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    /// Codebook whose rule terms seed the theme language (copied into the project).
    #[arg(long, value_name = "FILE")]
    codebook: PathBuf,
    /// Folder to write the project into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Round name, and the sub-folder of `interviews/` the files go to.
    #[arg(long, default_value = "2021")]
    round: String,
}

pub fn run(context: &Context, args: &GenerateArgs) -> anyhow::Result<()> {
    let generated = generate(&RoundSpec {
        quotes: args.quotes,
        seed: args.seed,
        codebook: args.codebook.clone(),
        out: args.out.clone(),
        round: args.round.clone(),
    })?;
    if !context.quiet {
        println!(
            "wrote {} interviews ({} quotes) to {}",
            generated.interviews,
            generated.quotes,
            args.out.display()
        );
    }
    Ok(())
}
