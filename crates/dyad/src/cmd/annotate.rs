//! `dyad annotate`, and the annotate-and-write loop that `code` and `demo` share: records in,
//! rendered on the workers, written in input order, error records reported, a summary.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use dyad::pipeline::{self, Annotator, RunConfig, RunStats};
use dyad_core::{Doc, RecordError};
use dyad_io::output;
use dyad_io::read::{self, Record};

use crate::{Format, RunArgs};

/// `dyad annotate`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct AnnotateArgs {
    /// Files, directories (read recursively) or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

pub(crate) fn annotate_cmd(args: AnnotateArgs) -> anyhow::Result<ExitCode> {
    let skips = Arc::new(read::Skips::new());
    let records = read::open_with_skips(&args.inputs, &args.run.reader_config(), &skips);
    let code = annotate(records, &args.run, Format::Jsonl, reads_stdin(&args.inputs))?;
    report_skips(&skips, args.run.quiet);
    Ok(code)
}

/// Says on stderr which records the readers passed over on purpose, by reason (WARC requests,
/// non-HTML responses, feed items without text): they are not errors, but not lost silently.
pub(crate) fn report_skips(skips: &read::Skips, quiet: bool) {
    if quiet || skips.total() == 0 {
        return;
    }
    let reasons: Vec<String> = skips
        .summary()
        .into_iter()
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    eprintln!(
        "dyad: skipped {} records: {}",
        skips.total(),
        reasons.join(", ")
    );
}

/// Whether standard input is among the inputs: then output is flushed after every article, so
/// that dyad can sit in a pipe and answer each article as it comes.
pub(crate) fn reads_stdin(inputs: &[PathBuf]) -> bool {
    inputs.iter().any(|p| p.as_os_str() == "-")
}

pub(crate) fn annotate(
    records: Box<dyn Iterator<Item = Record> + Send>,
    args: &RunArgs,
    default_format: Format,
    flush_each: bool,
) -> anyhow::Result<ExitCode> {
    let format = args.format.unwrap_or(default_format);
    if matches!(format, Format::Gdelt | Format::Parquet | Format::All) {
        anyhow::bail!("--format gdelt, parquet and all are for `dyad code --out DIR`");
    }
    let render = |doc: &Doc| {
        let mut buf = Vec::with_capacity(doc.text().len() * 8);
        let written = match format {
            Format::Jsonl => output::write_jsonl(&mut buf, doc, args.with_text),
            Format::Text => output::write_text(&mut buf, doc),
            Format::Conllu => output::write_conllu(&mut buf, doc),
            Format::Gdelt | Format::Parquet | Format::All => unreachable!("refused above"),
        };
        written.map(|()| (buf, Vec::new()))
    };
    annotate_with(records, args, None, None, flush_each, render)
}

/// What a command renders per article: the bytes for standard output, and for the side file.
pub(crate) type Rendered = (Vec<u8>, Vec<u8>);

pub(crate) fn annotate_with(
    records: Box<dyn Iterator<Item = Record> + Send>,
    args: &RunArgs,
    main_out: Option<&Path>,
    side: Option<&Path>,
    flush_each: bool,
    render: impl Fn(&Doc) -> io::Result<Rendered> + Sync,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut out: BufWriter<Box<dyn Write>> = BufWriter::with_capacity(
        1 << 16,
        match main_out {
            Some(path) => Box::new(
                File::create(path).with_context(|| format!("creating {}", path.display()))?,
            ),
            None => Box::new(io::stdout().lock()),
        },
    );
    let mut side = match side {
        Some(path) => Some(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let mut errors = match &args.errors {
        Some(path) => Some(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let progress = (!args.quiet && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} articles  {per_sec}  {elapsed}",
            )
            .expect("a valid progress template"),
        );
        bar
    });
    let config = RunConfig {
        threads: args.threads,
    };
    let annotator = Annotator::with_stages(args.stages());
    let sink = |record: Result<(&Doc, io::Result<Rendered>), &RecordError>| {
        match record {
            Ok((doc, rendered)) => {
                let (main, extra) = rendered?;
                out.write_all(&main)?;
                if flush_each {
                    out.flush()?;
                }
                if let Some(w) = side.as_mut() {
                    w.write_all(&extra)?;
                }
                for d in doc
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == dyad_core::Severity::Warning)
                {
                    let line = format!(
                        "dyad: warning: {}: {}: {}",
                        doc.article.origin, d.code, d.message
                    );
                    match &progress {
                        Some(bar) => bar.println(line),
                        None if !args.quiet => eprintln!("{line}"),
                        None => {}
                    }
                }
            }
            Err(e) => {
                let line = format!("dyad: error: {e}");
                match &progress {
                    Some(bar) => bar.println(line),
                    None => eprintln!("{line}"),
                }
                if let Some(w) = errors.as_mut() {
                    serde_json::to_writer(&mut *w, &output::ErrorRecord::from_error(e))?;
                    w.write_all(b"\n")?;
                }
            }
        }
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        Ok::<(), anyhow::Error>(())
    };
    let stats = pipeline::run(&annotator, records, config, render, sink)?;
    out.flush()?;
    if let Some(w) = side.as_mut() {
        w.flush()?;
    }
    if let Some(mut w) = errors {
        w.flush()?;
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if !args.quiet {
        summary(&stats, started.elapsed().as_secs_f64());
    }
    Ok(if stats.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn summary(s: &RunStats, secs: f64) {
    eprintln!(
        "dyad: {} articles ({} passed through unannotated), {} sentences, {} tokens, {} failed records, {:.2} MB in {:.2} s",
        s.articles,
        s.unannotated,
        s.sentences,
        s.tokens,
        s.failed,
        s.bytes as f64 / 1e6,
        secs
    );
}
