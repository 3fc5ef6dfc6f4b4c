//! The `dyad` command line: argument parsing and wiring only.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use dyad::models::Stages;
use dyad_io::read::{InputFormat, ReaderConfig};

mod cmd;

/// mimalloc rather than the system allocator: annotation and coding make many small,
/// short-lived allocations, and glibc's malloc and free took a quarter of `dyad recode`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// dyad turns news articles into structured political event data.
#[derive(Debug, Parser)]
#[command(name = "dyad", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Segment, tag, parse and find the entities of articles; one record per article on stdout.
    Annotate(cmd::annotate::AnnotateArgs),
    /// Run the whole pipeline on the bundled sample corpus (data/sample): a table of events per
    /// article, the full outputs and a store in target/dyad-demo, and how to serve them.
    Demo(cmd::demo::DemoArgs),
    /// Score dyad against gold data.
    Eval(cmd::eval::EvalArgs),
    /// Train a model from gold data.
    Train(cmd::train::TrainArgs),
    /// Check, summarize or convert event-coding dictionaries (dyad's format or TABARI/PETRARCH).
    Dict(cmd::dict::DictArgs),
    /// Build or query the gazetteer (places, first-level divisions, countries, regions).
    Gazetteer {
        #[command(subcommand)]
        what: dyad::geo::GazetteerCommand,
    },
    /// Code events: one JSON object per event (source, CAMEO code, target, provenance).
    Code(cmd::code::CodeArgs),
    /// Annotate, code and store articles in a store (SQLite): idempotent (an article whose URL
    /// or text is stored is skipped) and resumable (a transaction per batch).
    Ingest(cmd::store::IngestArgs),
    /// Code a store's articles again from their stored annotation (with new dictionaries:
    /// --dicts DIR) and report the events added and removed, per root code.
    Recode(cmd::store::RecodeArgs),
    /// Print a store's events by actor, code, dates, distance or article text.
    Query(cmd::store::QueryArgs),
    /// Write a store's events and GKG records as JSONL, GDELT tables or Parquet.
    Export(cmd::store::ExportArgs),
    /// Serve a store over HTTP: the JSON API (/api/…, described at /api/openapi.json) and the
    /// dashboard at /.
    Serve(cmd::serve::ServeArgs),
    /// Load-test a running `dyad serve`: requests at a fixed rate for a bounded time; prints
    /// requests/s and latency percentiles.
    Loadtest(cmd::loadtest::LoadtestArgs),
    /// Show how one sentence (or short text) is coded: tokens, parse, actors, pattern.
    Explain(cmd::explain::ExplainArgs),
    /// Run a PETRARCH validation file (e.g. PETR.UnitTest.records.xml) and compare the codings.
    Validate(cmd::validate::ValidateArgs),
    /// Measure the throughput of each stage (median of several runs).
    Bench(cmd::bench::BenchArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ParsesArg {
    /// dyad's own tagger and parser.
    Own,
    /// The Penn Treebank parse in each record.
    Supplied,
}

impl ParsesArg {
    fn get(self) -> dyad::coding::Parses {
        match self {
            ParsesArg::Own => dyad::coding::Parses::Own,
            ParsesArg::Supplied => dyad::coding::Parses::Supplied,
        }
    }
}

#[derive(Debug, clap::Args)]
struct CodingArgs {
    /// Dictionaries instead of the built-in ones: a folder in dyad's format (actors/*.tsv,
    /// agents.tsv, verbs.tsv, discards.tsv), a folder of TABARI/PETRARCH files, or single
    /// TABARI/PETRARCH files; repeat the flag to combine them.
    #[arg(long)]
    dicts: Vec<PathBuf>,
    /// Date (YYYY-MM-DD) for articles without one, e.g. plain text files.
    #[arg(long)]
    date: Option<String>,
    /// Sentence structure for records that carry a Penn parse (PETRARCH XML).
    #[arg(long, value_enum, default_value_t = ParsesArg::Own)]
    parses: ParsesArg,
    /// Drop events without a target.
    #[arg(long)]
    require_target: bool,
}

impl CodingArgs {
    fn date(&self) -> anyhow::Result<Option<dyad_core::Date>> {
        self.date
            .as_deref()
            .map(|d| {
                dyad_core::Date::parse_iso(d)
                    .or_else(|| dyad_core::Date::parse_compact(d))
                    .with_context(|| format!("--date {d}: expected YYYY-MM-DD"))
            })
            .transpose()
    }

    fn lexicon(
        &self,
        quiet: bool,
    ) -> anyhow::Result<std::borrow::Cow<'static, dyad_coder::Lexicon>> {
        Ok(match self.dicts.as_slice() {
            [] => std::borrow::Cow::Borrowed(dyad::coding::builtin_lexicon()),
            paths => {
                let (lex, diags) = dyad::coding::load_lexicon(paths)?;
                dyad::coding::report_diagnostics(&diags, quiet);
                std::borrow::Cow::Owned(lex)
            }
        })
    }

    fn config(&self) -> dyad_coder::Config {
        dyad_coder::Config {
            require_dyad: self.require_target,
            ..dyad_coder::Config::default()
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object per article.
    Jsonl,
    /// Human-readable: one line per sentence, tokens separated by `|`.
    Text,
    /// CoNLL-U, one block per sentence (byte spans in MISC as TokenRange).
    Conllu,
    /// `dyad code --out DIR`: GDELT 2.0's tables, events.tsv, mentions.tsv and gkg.tsv.
    Gdelt,
    /// `dyad code --out DIR`: the same tables as Parquet, events.parquet, mentions.parquet and
    /// gkg.parquet.
    Parquet,
    /// `dyad code --out DIR`: jsonl, gdelt and parquet (the default with --out).
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StageArg {
    /// Part-of-speech tags and lemmas.
    Tag,
    /// Dependency parse.
    Parse,
    /// Named entities.
    Ner,
    /// Segmentation and tokenization only.
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormatArg {
    /// Decide per file from its extension (stdin: from its first bytes).
    Auto,
    /// One article per file.
    Text,
    /// One JSON article per line.
    Jsonl,
    /// One HTML page per file.
    Html,
    /// PETRARCH/TABARI XML records.
    Petrarch,
    /// WARC web archive records (CC-NEWS): the HTML pages of `response` records.
    Warc,
    /// RSS or Atom feeds: one article per item.
    Feed,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Output format [default: jsonl for annotate and code, text for demo].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Format of the inputs.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    input_format: InputFormatArg,
    /// Worker threads (0 = one per core). Output is identical whatever the count.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Articles larger than this many bytes are refused as error records.
    #[arg(long, default_value_t = 2_000_000)]
    max_article_bytes: usize,
    /// Statistical stages to run after segmentation (comma-separated), or `none`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "tag,parse,ner"
    )]
    stages: Vec<StageArg>,
    /// Include the article text in JSONL output.
    #[arg(long)]
    with_text: bool,
    /// Also write error records as JSON lines to this file.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// No progress bar and no summary on stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl RunArgs {
    fn reader_config(&self) -> ReaderConfig {
        let format = match self.input_format {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
            InputFormatArg::Html => InputFormat::Html,
            InputFormatArg::Petrarch => InputFormat::Petrarch,
            InputFormatArg::Warc => InputFormat::Warc,
            InputFormatArg::Feed => InputFormat::Feed,
        };
        ReaderConfig {
            max_article_bytes: self.max_article_bytes,
            format,
        }
    }

    fn stages(&self) -> Stages {
        let has = |s| self.stages.contains(&s);
        Stages {
            tag: has(StageArg::Tag),
            parse: has(StageArg::Parse),
            ner: has(StageArg::Ner),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("dyad: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Reads a model file and decodes it, naming the file in any error.
fn load<T, E: std::error::Error + Send + Sync + 'static>(
    path: &std::path::Path,
    decode: impl FnOnce(&[u8]) -> Result<T, E>,
) -> anyhow::Result<T> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    decode(&bytes).with_context(|| format!("loading model {}", path.display()))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Annotate(args) => cmd::annotate::annotate_cmd(args),
        Command::Demo(args) => cmd::demo::demo(args),
        Command::Eval(args) => cmd::eval::eval(args),
        Command::Train(args) => cmd::train::train(args),
        Command::Gazetteer { what } => dyad::geo::gazetteer_cli(&what),
        Command::Dict(args) => cmd::dict::dict(args),
        Command::Code(args) => cmd::code::code(args),
        Command::Ingest(args) => cmd::store::ingest(args),
        Command::Recode(args) => cmd::store::recode(args),
        Command::Query(args) => cmd::store::query(args),
        Command::Export(args) => cmd::store::export(args),
        Command::Serve(args) => cmd::serve::serve(args),
        Command::Loadtest(args) => cmd::loadtest::loadtest(args),
        Command::Explain(args) => cmd::explain::explain(args),
        Command::Validate(args) => cmd::validate::validate(args),
        Command::Bench(args) => cmd::bench::bench(args),
    }
}
