//! `dyad bench`: per-stage throughput.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use dyad_io::read::InputFormat;

/// `dyad bench`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// Input files (JSONL, text or HTML); without any, a generated 1 MB news-like corpus.
    inputs: Vec<PathBuf>,
    /// Size in bytes of the generated corpus.
    #[arg(long, default_value_t = 1_000_000)]
    corpus_bytes: usize,
    /// Write the generated corpus to this file and exit.
    #[arg(long)]
    write_corpus: Option<PathBuf>,
    /// Timed runs per stage.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Worker threads for the end-to-end stage (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub(crate) fn bench(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let BenchArgs {
        inputs,
        corpus_bytes,
        write_corpus,
        runs,
        threads,
    } = args;
    let config = dyad::bench::BenchConfig { runs, threads };
    if inputs.is_empty() {
        let corpus = dyad::bench::generate_corpus(corpus_bytes);
        if let Some(path) = write_corpus {
            std::fs::write(&path, &corpus)
                .with_context(|| format!("writing {}", path.display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        print!(
            "{}",
            dyad::bench::run(
                "generated.jsonl",
                corpus.as_bytes(),
                InputFormat::Jsonl,
                &config
            )?
        );
    } else {
        for path in inputs {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            println!("# input: {}", path.display());
            let name = path.display().to_string();
            print!(
                "{}",
                dyad::bench::run(&name, &bytes, InputFormat::Auto, &config)?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
