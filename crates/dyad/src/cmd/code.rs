//! `dyad code`: code events: JSONL or text on stdout, or files in --out DIR.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use dyad_core::Doc;
use dyad_io::read;

use crate::cmd::annotate::{annotate_with, Rendered};
use crate::{CodingArgs, Format, RunArgs};

/// `dyad code`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct CodeArgs {
    /// Files, directories (read recursively) or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    coding: CodingArgs,
    /// Also write each article's places, dates, quotes, counts, persons and organisations
    /// here (JSONL, one object per article, in input order).
    #[arg(long)]
    gkg: Option<PathBuf>,
    /// Write into this folder instead: events.jsonl and gkg.jsonl, GDELT 2.0's tables
    /// events.tsv (61 columns), mentions.tsv (16) and gkg.tsv (GKG 2.1, 27), and the same
    /// tables as Parquet; `--format jsonl|gdelt|parquet|all` picks (default all).
    #[arg(long, conflicts_with = "gkg")]
    out: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

pub(crate) fn code(args: CodeArgs) -> anyhow::Result<ExitCode> {
    let CodeArgs {
        inputs,
        coding,
        gkg,
        out,
        run,
    } = args;
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let gkg = gkg.or_else(|| out.as_ref().map(|d| d.join("gkg.jsonl")));
    let main_out = out.as_ref().map(|d| d.join("events.jsonl"));
    let lex = coding.lexicon(run.quiet)?;
    let date = coding.date()?;
    let config = coding.config();
    let parses = coding.parses.get();
    // What goes to stdout (text or JSONL) or into --out (which files).
    let (text, jsonl, tables) = match (run.format, out.is_some()) {
        (None | Some(Format::Jsonl), false) => (false, true, None),
        (Some(Format::Text), false) => (true, false, None),
        (None | Some(Format::All), true) => (false, true, Some((true, true))),
        (Some(Format::Jsonl), true) => (false, true, None),
        (Some(Format::Gdelt), true) => (false, false, Some((true, false))),
        (Some(Format::Parquet), true) => (false, false, Some((false, true))),
        (Some(Format::Text), true) => {
            anyhow::bail!("--out DIR writes jsonl, gdelt, parquet or all, not text")
        }
        (Some(Format::Gdelt | Format::Parquet | Format::All), false) => {
            anyhow::bail!("--format gdelt, parquet and all write files: give --out DIR")
        }
        (Some(Format::Conllu), _) => {
            anyhow::bail!(
                "dyad code writes events as jsonl or text; CoNLL-U is for `dyad annotate`"
            )
        }
    };
    let skips = std::sync::Arc::new(read::Skips::new());
    let records = read::open_with_skips(&inputs, &run.reader_config(), &skips);
    let lex: &dyad_coder::Lexicon = &lex;
    let with_gkg = gkg.is_some();
    let render = move |doc: &Doc| -> io::Result<Rendered> {
        let mut buf = Vec::new();
        if text {
            let _ = writeln!(buf, "# {}", doc.article.id);
            buf.extend_from_slice(dyad::coding::events_text(doc, lex, date).as_bytes());
            return Ok((buf, Vec::new()));
        }
        let events = dyad::coding::code_events(doc, lex, config, parses, date);
        let facts = dyad::coding::facts(doc, &events, date);
        dyad::coding::write_events_jsonl(&mut buf, doc, lex, &events, &facts)?;
        let mut side = Vec::new();
        if with_gkg {
            dyad::gkg::write_jsonl(&mut side, doc, &facts)?;
        }
        Ok((buf, side))
    };
    let flush_each = crate::cmd::annotate::reads_stdin(&inputs);
    let code = annotate_with(
        records,
        &run,
        main_out.as_deref(),
        gkg.as_deref(),
        flush_each,
        render,
    )?;
    crate::cmd::annotate::report_skips(&skips, run.quiet);
    if let (Some(dir), Some((tsv, parquet))) = (&out, tables) {
        let formats = dyad::tables::Formats { tsv, parquet };
        let (e, m, g) = dyad::gdelt::write_tables(dir, formats)?;
        if !jsonl {
            // The records the tables were made from, not asked for.
            for name in ["events.jsonl", "gkg.jsonl"] {
                std::fs::remove_file(dir.join(name))
                    .with_context(|| format!("removing {}", dir.join(name).display()))?;
            }
        }
        if !run.quiet {
            eprintln!(
                "dyad: {} Events, {m} Mentions and {g} GKG rows in {}",
                e,
                dir.display()
            );
        }
    }
    Ok(code)
}
