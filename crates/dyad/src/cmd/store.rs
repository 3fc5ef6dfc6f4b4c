//! `dyad ingest`, `dyad recode`, `dyad query` and `dyad export`: the embedded store
//! ([`dyad_store`]).

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use clap::ValueEnum;
use dyad::pipeline::{self, Annotator, RunConfig};
use dyad_core::{Doc, RecordError};
use dyad_io::output::{self, ActorOut, EventRecord};
use dyad_io::read;
use dyad_store::{EventKey, Filter, NewArticle, Recoded, Store};
use rayon::prelude::*;
use serde_json::Value;

use crate::{CodingArgs, RunArgs};

/// Articles per transaction.
const BATCH: usize = 256;

/// `dyad ingest`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct IngestArgs {
    /// Files, directories (read recursively) or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The store (created when missing).
    #[arg(long)]
    db: PathBuf,
    #[command(flatten)]
    coding: CodingArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// `dyad recode`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct RecodeArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    #[command(flatten)]
    coding: CodingArgs,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Report what would change without storing it.
    #[arg(long)]
    dry_run: bool,
}

/// The filters of `dyad query` (and of the HTTP API's `/api/events`).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct FilterArgs {
    /// Source or target code prefix (RUS matches RUSGOV).
    #[arg(long)]
    actor: Option<String>,
    /// Source code prefix.
    #[arg(long)]
    source: Option<String>,
    /// Target code prefix.
    #[arg(long)]
    target: Option<String>,
    /// CAMEO code prefix (19 matches 190–196).
    #[arg(long)]
    code: Option<String>,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// Events whose place is within KM of LAT,LON: `--near 36.9,30.7,50`.
    #[arg(long, value_parser = parse_near)]
    near: Option<(f64, f64, f64)>,
    /// Words all found in the article's text (full-text search).
    #[arg(long)]
    text: Option<String>,
    /// Most events to print.
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Events to skip first (paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

fn parse_near(s: &str) -> Result<(f64, f64, f64), String> {
    let parts: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{s:?}: expected LAT,LON,KM"))?;
    match parts.as_slice() {
        &[lat, lon, km] => Ok((lat, lon, km)),
        _ => Err(format!("{s:?}: expected LAT,LON,KM")),
    }
}

impl FilterArgs {
    pub(crate) fn filter(&self) -> Filter {
        Filter {
            actor: self.actor.clone(),
            source: self.source.clone(),
            target: self.target.clone(),
            code: self.code.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            near: self.near,
            text: self.text.clone(),
            article: None,
            limit: self.limit,
            offset: self.offset,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum QueryFormat {
    /// An aligned table: date, source, event, target, place, article.
    Table,
    /// One `dyad code` event record per line.
    Jsonl,
    /// The table's columns as CSV.
    Csv,
}

/// `dyad query`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct QueryArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    format: QueryFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// events.jsonl and gkg.jsonl, as `dyad code` writes them.
    Jsonl,
    /// GDELT 2.0's events.tsv, mentions.tsv and gkg.tsv.
    Gdelt,
    /// The same tables as Parquet.
    Parquet,
    /// All of them.
    All,
}

/// `dyad export`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    /// The folder to write.
    #[arg(long)]
    out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::All)]
    format: ExportFormat,
}

fn progress_bar(quiet: bool, template: &str) -> Option<indicatif::ProgressBar> {
    (!quiet && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(template).expect("a valid progress template"),
        );
        bar
    })
}

/// Annotates and codes articles and stores them, a transaction per batch; articles already
/// stored (same URL or same text) are skipped before they are annotated.
pub(crate) fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let run = &args.run;
    let mut store = Store::open(&args.db)?;
    let lex = args.coding.lexicon(run.quiet)?;
    let lex: &dyad_coder::Lexicon = &lex;
    let date = args.coding.date()?;
    let config = args.coding.config();
    // Skip what is stored already, on the reader thread, before any annotation.
    let seen = Store::open(&args.db)?;
    let skipped = Arc::new(AtomicU64::new(0));
    let skipped_reader = Arc::clone(&skipped);
    let skips = Arc::new(read::Skips::new());
    let records = read::open_with_skips(&args.inputs, &run.reader_config(), &skips).filter(
        move |r| match r {
            Ok(doc) => {
                let stored = seen
                    .contains(doc.article.url.as_deref(), doc.text())
                    .unwrap_or(false);
                if stored {
                    skipped_reader.fetch_add(1, Ordering::Relaxed);
                }
                !stored
            }
            Err(_) => true,
        },
    );
    let render = |doc: &Doc| -> (NewArticle, bool) {
        let events = dyad::coding::code_events(doc, lex, config, dyad::coding::Parses::Own, date);
        let facts = dyad::coding::facts(doc, &events, date);
        let undated = matches!(events, dyad::coding::DocEvents::NoDate);
        let records = dyad::coding::event_records(doc, lex, &events, &facts);
        let gkg = dyad::gkg::record_of(doc, &facts);
        let mut article = doc.article.clone();
        article.parse = None;
        (
            NewArticle {
                article,
                annotation: dyad_core::codec::encode(doc),
                events: records,
                gkg,
            },
            undated,
        )
    };
    let progress = progress_bar(
        run.quiet,
        "{spinner} {pos} articles stored  {per_sec}  {elapsed}",
    );
    let say = |line: String| match &progress {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    let mut errors = match &run.errors {
        Some(path) => Some(io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let mut batch: Vec<NewArticle> = Vec::with_capacity(BATCH);
    let mut totals = dyad_store::Inserted::default();
    let mut undated = 0u64;
    let mut flush = |batch: &mut Vec<NewArticle>, totals: &mut dyad_store::Inserted| {
        let done = store.insert(batch)?;
        totals.added += done.added;
        totals.duplicates += done.duplicates;
        totals.events += done.events;
        if let Some(bar) = &progress {
            bar.inc(done.added as u64);
        }
        batch.clear();
        Ok::<(), anyhow::Error>(())
    };
    let sink = |record: Result<(&Doc, (NewArticle, bool)), &RecordError>| {
        match record {
            Ok((doc, (new, no_date))) => {
                if no_date {
                    undated += 1;
                    if !run.quiet {
                        say(format!(
                            "dyad: warning: {}: no-date: stored without events (give --date YYYY-MM-DD and recode)",
                            doc.article.origin
                        ));
                    }
                }
                batch.push(new);
                if batch.len() >= BATCH {
                    flush(&mut batch, &mut totals)?;
                }
            }
            Err(e) => {
                say(format!("dyad: error: {e}"));
                if let Some(w) = errors.as_mut() {
                    serde_json::to_writer(&mut *w, &output::ErrorRecord::from_error(e))?;
                    w.write_all(b"\n")?;
                }
            }
        }
        Ok::<(), anyhow::Error>(())
    };
    let annotator = Annotator::with_stages(run.stages());
    let stats = pipeline::run(
        &annotator,
        Box::new(records),
        RunConfig {
            threads: run.threads,
        },
        render,
        sink,
    )?;
    flush(&mut batch, &mut totals)?;
    if let Some(mut w) = errors {
        w.flush()?;
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    if !run.quiet {
        eprintln!(
            "dyad ingest: {} articles stored with {} events, {} already stored, {} without a date, {} failed records, in {:.2} s ({:.1} articles/s) -> {}",
            totals.added,
            totals.events,
            skipped.load(Ordering::Relaxed) + totals.duplicates as u64,
            undated,
            stats.failed,
            secs,
            stats.articles as f64 / secs.max(1e-9),
            args.db.display()
        );
    }
    crate::cmd::annotate::report_skips(&skips, run.quiet);
    Ok(if stats.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn key_of(e: &EventRecord) -> EventKey {
    let code = |a: &Option<ActorOut>| a.as_ref().map_or(String::new(), |a| a.code.clone());
    (
        e.sentence as i64,
        code(&e.source),
        e.cameo.clone(),
        code(&e.target),
    )
}

/// Codes every stored article again from its stored annotation (no annotation is redone) and
/// replaces its events (the GKG facts do not depend on the dictionaries and stay); reports the
/// events added and removed, per root code.
pub(crate) fn recode(args: RecodeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let reader = Store::open(&args.db)?;
    let mut writer = Store::open(&args.db)?;
    let lex = args.coding.lexicon(false)?;
    let lex: &dyad_coder::Lexicon = &lex;
    let date = args.coding.date()?;
    let config = args.coding.config();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("building the worker pool")?;
    let (mut articles, mut before, mut after) = (0u64, 0u64, 0u64);
    // Per root: (added, removed).
    let mut per_root: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut failed = 0u64;
    reader.for_each_chunk(BATCH * 4, |chunk| {
        let ids: Vec<i64> = chunk.iter().map(|a| a.id).collect();
        let old = writer
            .event_keys(&ids)
            .map_err(|e| dyad_store::StoreError(e.to_string()))?;
        let coded: Vec<Result<Recoded, String>> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|stored| {
                    let doc = dyad_core::codec::decode(stored.article, &stored.annotation)
                        .map_err(|e| format!("article {}: {e}", stored.id))?;
                    let events = dyad::coding::code_events(
                        &doc,
                        lex,
                        config,
                        dyad::coding::Parses::Own,
                        date,
                    );
                    let facts = dyad::coding::event_facts(&doc, &events, date);
                    Ok(Recoded {
                        id: stored.id,
                        events: dyad::coding::event_records(&doc, lex, &events, &facts),
                        // Dictionaries change events, not the article's GKG facts.
                        gkg: None,
                    })
                })
                .collect()
        });
        let mut done = Vec::with_capacity(coded.len());
        for r in coded {
            match r {
                Ok(r) => done.push(r),
                Err(msg) => {
                    failed += 1;
                    eprintln!("dyad: error: {msg}");
                }
            }
        }
        for r in &done {
            articles += 1;
            let mut was: BTreeMap<EventKey, i64> = BTreeMap::new();
            for k in old.get(&r.id).into_iter().flatten() {
                *was.entry(k.clone()).or_default() += 1;
                before += 1;
            }
            for v in &r.events {
                after += 1;
                let k = key_of(v);
                match was.get_mut(&k) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => per_root.entry(root(&k.2)).or_default().0 += 1,
                }
            }
            for (k, n) in was {
                per_root.entry(root(&k.2)).or_default().1 += n.max(0) as u64;
            }
        }
        if !args.dry_run {
            writer.replace_codings(&done)?;
        }
        Ok(true)
    })?;
    let secs = started.elapsed().as_secs_f64();
    let added: u64 = per_root.values().map(|v| v.0).sum();
    let removed: u64 = per_root.values().map(|v| v.1).sum();
    println!(
        "recode: {articles} articles, events {before} -> {after} (+{added} -{removed}) in {secs:.2} s{}",
        if args.dry_run { " (dry run: nothing stored)" } else { "" }
    );
    for (root, (a, r)) in &per_root {
        if a + r > 0 {
            println!("  root {root}: +{a} -{r}");
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn root(code: &str) -> String {
    code.get(..2).unwrap_or(code).to_string()
}

/// One line of `dyad query`'s table or CSV: date, source, code and name, target, place, article.
fn row(v: &Value) -> [String; 6] {
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
    [
        s(&v["date"]),
        s(&v["source"]["code"]),
        format!("{} {}", s(&v["cameo"]), s(&v["name"])),
        s(&v["target"]["code"]),
        s(&v["place"]["name"]),
        format!(
            "{}#{}",
            s(&v["article"]),
            v["sentence"].as_u64().unwrap_or(0)
        ),
    ]
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// Prints the events a filter selects.
pub(crate) fn query(args: QueryArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&args.db)?;
    let (events, total) = store.events(&args.filter.filter())?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let header = [
        "date",
        "source",
        "event",
        "target",
        "place",
        "article#sentence",
    ];
    match args.format {
        QueryFormat::Jsonl => {
            for v in &events {
                serde_json::to_writer(&mut out, v)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            writeln!(out, "{}", header.join(","))?;
            for v in &events {
                let r = row(v);
                let fields: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
                writeln!(out, "{}", fields.join(","))?;
            }
        }
        QueryFormat::Table => {
            let rows: Vec<[String; 6]> = events.iter().map(row).collect();
            let mut width = header.map(|h| h.chars().count());
            for r in &rows {
                for (w, f) in width.iter_mut().zip(r) {
                    *w = (*w).max(f.chars().count().min(60));
                }
            }
            let line = |fields: &[String]| {
                fields
                    .iter()
                    .zip(width)
                    .map(|(f, w)| {
                        let f: String = f.chars().take(60).collect();
                        format!("{f:<w$}")
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(&header.map(String::from)))?;
            for r in &rows {
                writeln!(out, "{}", line(r))?;
            }
            let plus = if total >= dyad_store::COUNT_CAP {
                "+"
            } else {
                ""
            };
            writeln!(
                out,
                "{} of {total}{plus} events (--offset {} --limit {})",
                rows.len(),
                args.filter.offset,
                args.filter.limit
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the store's events and GKG records as `dyad code --out` does.
pub(crate) fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(&args.db)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let create = |name: &str| -> anyhow::Result<io::BufWriter<std::fs::File>> {
        let p = args.out.join(name);
        Ok(io::BufWriter::new(
            std::fs::File::create(&p).with_context(|| format!("creating {}", p.display()))?,
        ))
    };
    let (mut events, mut gkg) = (create("events.jsonl")?, create("gkg.jsonl")?);
    let (n_events, n_gkg) = store.export_jsonl(&mut events, &mut gkg)?;
    events.flush()?;
    gkg.flush()?;
    drop((events, gkg));
    let (tsv, parquet) = match args.format {
        ExportFormat::Jsonl => (false, false),
        ExportFormat::Gdelt => (true, false),
        ExportFormat::Parquet => (false, true),
        ExportFormat::All => (true, true),
    };
    let mut summary = format!("{n_events} event records and {n_gkg} GKG records");
    if tsv || parquet {
        let (e, m, g) =
            dyad::gdelt::write_tables(&args.out, dyad::tables::Formats { tsv, parquet })?;
        summary = format!("{e} Events, {m} Mentions and {g} GKG rows");
        if !matches!(args.format, ExportFormat::All) {
            for name in ["events.jsonl", "gkg.jsonl"] {
                std::fs::remove_file(args.out.join(name))?;
            }
        }
    }
    eprintln!("dyad export: {summary} in {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
