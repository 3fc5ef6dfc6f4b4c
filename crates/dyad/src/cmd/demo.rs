//! `dyad demo`: the bundled sample articles, coded, stored and exported, shown as one short
//! table of events per article; `--verbose` adds the token dump, `--format` gives the
//! annotation alone.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use dyad::pipeline::{self, Annotator, RunConfig};
use dyad_core::{Doc, RecordError};
use dyad_io::output::{ActorOut, EventRecord};
use dyad_store::{NewArticle, Store};

use crate::RunArgs;

/// `dyad demo`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// Also print each article's tokens, tags, parse and entities, and each event's pattern.
    #[arg(long)]
    verbose: bool,
    /// Where to write the outputs (out/) and the store (dyad.db).
    #[arg(long, default_value = "target/dyad-demo")]
    dir: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

/// What the demo prints of an article, and what it stores.
type Shown = (String, NewArticle);

/// Cuts `s` to `n` characters, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        return s;
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An article's events as an aligned table: source, event, target, place, date, sentence.
fn table(doc: &Doc, events: &[EventRecord]) -> String {
    let title = doc.article.title.as_deref().unwrap_or("");
    let date = doc
        .article
        .published
        .map_or("no date".to_string(), |p| p.date().to_string());
    let mut o = format!("\n{}  {date}  {}\n", doc.article.id, cut(title, 70));
    if events.is_empty() {
        o.push_str("  (no events)\n");
        return o;
    }
    let rows: Vec<[String; 6]> = events
        .iter()
        .map(|e| {
            let actor = |a: &Option<ActorOut>| match a {
                None => "—".to_string(),
                Some(a) => format!("{} ({})", a.code, cut(&a.text, 22)),
            };
            let [a, b] = e.provenance.sentence_span;
            let sentence = doc.text().get(a..b).unwrap_or("");
            [
                actor(&e.source),
                cut(
                    &format!("{} {}", e.cameo, e.name.as_deref().unwrap_or("")),
                    34,
                ),
                actor(&e.target),
                cut(e.place.as_ref().map_or("", |p| p.name.as_str()), 16),
                e.date.clone(),
                format!("“{}”", cut(sentence, 60)),
            ]
        })
        .collect();
    let header = ["source", "event", "target", "place", "date", "sentence"].map(String::from);
    let mut width = [0usize; 6];
    for r in rows.iter().chain(std::iter::once(&header)) {
        for (w, f) in width.iter_mut().zip(r) {
            *w = (*w).max(f.chars().count());
        }
    }
    for r in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = r
            .iter()
            .zip(width)
            .map(|(f, w)| format!("{f:<w$}"))
            .collect();
        o.push_str("  ");
        o.push_str(line.join("  ").trim_end());
        o.push('\n');
    }
    o
}

pub(crate) fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let run = &args.run;
    let records = dyad::sample::records(&run.reader_config());
    if run.format.is_some() {
        return crate::cmd::annotate::annotate(
            Box::new(records.into_iter()),
            run,
            crate::Format::Text,
            false,
        );
    }
    let lex = dyad::coding::builtin_lexicon();
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let db = args.dir.join("dyad.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    let mut store = Store::open(&db)?;
    let verbose = args.verbose;
    let render = |doc: &Doc| -> io::Result<Shown> {
        let events = dyad::coding::code_events(
            doc,
            lex,
            dyad_coder::Config::default(),
            dyad::coding::Parses::Own,
            None,
        );
        let facts = dyad::coding::facts(doc, &events, None);
        let records = dyad::coding::event_records(doc, lex, &events, &facts);
        let mut shown = String::new();
        if verbose {
            let mut buf = Vec::new();
            dyad_io::output::write_text(&mut buf, doc)?;
            shown.push_str(&String::from_utf8_lossy(&buf));
            shown.push_str(&dyad::coding::events_text(doc, lex, None));
        }
        shown.push_str(&table(doc, &records));
        Ok((
            shown,
            NewArticle {
                article: doc.article.clone(),
                annotation: dyad_core::codec::encode(doc),
                events: records,
                gkg: dyad::gkg::record_of(doc, &facts),
            },
        ))
    };
    let mut out = io::stdout().lock();
    let mut batch = Vec::new();
    let mut failed = 0;
    let sink = |r: Result<(&Doc, io::Result<Shown>), &RecordError>| {
        match r {
            Ok((_, rendered)) => {
                let (shown, new) = rendered?;
                out.write_all(shown.as_bytes())?;
                batch.push(new);
            }
            Err(e) => {
                failed += 1;
                eprintln!("dyad: error: {e}");
            }
        }
        Ok::<(), anyhow::Error>(())
    };
    let annotator = Annotator::with_stages(run.stages());
    pipeline::run(
        &annotator,
        Box::new(records.into_iter()),
        RunConfig {
            threads: run.threads,
        },
        render,
        sink,
    )?;
    let stored = store.insert(&batch)?;
    drop(store);
    let tables = args.dir.join("out");
    std::fs::create_dir_all(&tables)?;
    let reader = Store::open_read_only(&db)?;
    let mut events = io::BufWriter::new(std::fs::File::create(tables.join("events.jsonl"))?);
    let mut gkg = io::BufWriter::new(std::fs::File::create(tables.join("gkg.jsonl"))?);
    reader.export_jsonl(&mut events, &mut gkg)?;
    events.flush()?;
    gkg.flush()?;
    drop((events, gkg));
    let formats = dyad::tables::Formats {
        tsv: true,
        parquet: true,
    };
    let (e, m, g) = dyad::gdelt::write_tables(&tables, formats)?;
    println!(
        "\n{} articles, {} events. Full records (events.jsonl, gkg.jsonl) and GDELT tables \
         ({e} Events, {m} Mentions, {g} GKG rows; .tsv and .parquet) are in {}/; the store is {}.",
        stored.added,
        stored.events,
        tables.display(),
        db.display()
    );
    println!(
        "Browse them: cargo run --release -- serve --db {}   (then open http://127.0.0.1:8080/)",
        db.display()
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
