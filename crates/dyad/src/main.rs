//! The `dyad` command line: argument parsing and wiring only.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use dyad::models::{Models, Stages};
use dyad::pipeline::{self, Annotator, RunConfig, RunStats};
use dyad_core::{Doc, RecordError};
use dyad_io::output;
use dyad_io::read::{self, InputFormat, ReaderConfig, Record};
use dyad_nlp::ner::Ner;
use dyad_nlp::parser::Parser as DepParser;
use dyad_nlp::tagger::Tagger;

mod cmd;

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
    Annotate {
        /// Files, directories (read recursively) or `-` for standard input.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run the whole pipeline on the bundled sample corpus (data/sample): a table of events per
    /// article, the full outputs and a store in target/dyad-demo, and how to serve them.
    Demo(cmd::demo::DemoArgs),
    /// Score dyad against gold data.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Train a model from gold data.
    Train {
        #[command(subcommand)]
        what: TrainCommand,
    },
    /// Check, summarize or convert event-coding dictionaries (dyad's format or TABARI/PETRARCH).
    Dict {
        #[command(subcommand)]
        what: DictCommand,
    },
    /// Build or query the gazetteer (places, first-level divisions, countries, regions).
    Gazetteer {
        #[command(subcommand)]
        what: dyad::geo::GazetteerCommand,
    },
    /// Code events: one JSON object per event (source, CAMEO code, target, provenance).
    Code {
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
    },
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
    Explain {
        /// The text.
        text: String,
        #[command(flatten)]
        coding: CodingArgs,
    },
    /// Run a PETRARCH validation file (e.g. PETR.UnitTest.records.xml) and compare the codings.
    Validate {
        /// The XML file; its <Environment> names dictionaries in the same folder.
        file: PathBuf,
        /// Which parses to code: the supplied Penn trees or dyad's own.
        #[arg(long, value_enum, default_value_t = ParsesArg::Supplied)]
        parses: ParsesArg,
        /// Print `dyad explain`'s report for the record with this id (to stderr).
        #[arg(long)]
        show: Option<String>,
    },
    /// Measure the throughput of each stage (median of several runs).
    Bench {
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
    },
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Sentence boundaries against a CoNLL-U file: a line for boundary offsets, then the line
    /// `sentences: P=… R=… F1=…` for exact sentence spans (CoNLL 2018 style).
    Sentences {
        /// The gold CoNLL-U file.
        #[arg(long)]
        conllu: PathBuf,
    },
    /// Tokens against a CoNLL-U file's words; ends with `tokens: P=… R=… F1=…`.
    Tokens {
        /// The gold CoNLL-U file.
        #[arg(long)]
        conllu: PathBuf,
    },
    /// POS tags and lemmas on gold tokens; ends with `pos: upos=… xpos=…`.
    Pos {
        /// The gold CoNLL-U file.
        #[arg(long)]
        conllu: PathBuf,
        /// A tagger model file instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Dependency parse on gold tokens with predicted tags, punctuation included; ends with
    /// `parse: uas=… las=…`.
    Parse {
        /// The gold CoNLL-U file.
        #[arg(long)]
        conllu: PathBuf,
        /// A parser model file instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Use the file's gold tags instead of the tagger's.
        #[arg(long)]
        gold_tags: bool,
        /// A tagger model file instead of the built-in one (for example one that has not seen
        /// the file, when tuning).
        #[arg(long, conflicts_with = "gold_tags")]
        tagger: Option<PathBuf>,
        /// Also print a per-relation breakdown of the errors, before the score line.
        #[arg(long)]
        errors: bool,
    },
    /// Coder behaviour cases (`date<TAB>text<TAB>expected<TAB>note` files in DIR) with dyad's
    /// own parses; prints each failure and ends with `cases: N/M`.
    Cases {
        /// Folder of `*.tsv` case files.
        #[arg(default_value = "tests/data/coder")]
        dir: PathBuf,
        /// Dictionary folder [default: built in].
        #[arg(long)]
        dicts: Option<PathBuf>,
    },
    /// One article against an expectation file (`id, sources, codes, targets` lines and
    /// `forbid` lines); prints every coded event, what is missing, and ends with
    /// `article: N/M expected events (K forbidden)`.
    Article {
        /// The article text.
        #[arg(long)]
        text: PathBuf,
        /// The expectations.
        #[arg(long)]
        expected: PathBuf,
        /// The article's date.
        #[arg(long)]
        date: String,
    },
    /// Events of a gold set of passages (`../shared/eval/news-events-dev.jsonl`), coded as
    /// `dyad code` does and scored as `score_events.py` does; ends with `events root: P=… R=… F1=…`.
    Events {
        /// The gold passages (JSONL: id, date, title, text, events).
        #[arg(long)]
        gold: PathBuf,
        /// First list every miss and false event with its sentence and reason, and count them
        /// by category.
        #[arg(long)]
        errors: bool,
        /// Also write the coded events here, as `dyad code` writes them.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        coding: CodingArgs,
    },
    /// Places of a gold set (`../shared/eval/geo-lgl-dev.jsonl`): resolution with the gold
    /// mentions given, `geo: acc@161=… exact=… n=…`, then end to end, `geo-end-to-end: …`.
    Geo(dyad::eval::GoldArgs),
    /// Time expressions of a gold set (`tests/data/time/timexes.jsonl`), normalised against
    /// each passage's date; ends with `time: strict-F1=… relaxed-F1=… value-accuracy=…`.
    Time(dyad::eval::GoldArgs),
    /// Quotes and their speakers of a gold set (`tests/data/quotes/quotes.jsonl`); ends with
    /// `quotes: P=… R=… F1=… speaker=…`.
    Quotes(dyad::eval::GoldArgs),
    /// Named entities (PER, ORG, LOC), exact spans, micro average; ends with `ner: P=… R=… F1=…`.
    Ner {
        /// Gold IOB2 file, one token per line (`word<TAB>tag`, or UNER-EWT's columns).
        #[arg(long)]
        conll: PathBuf,
        /// An NER model file instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
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

#[derive(Debug, Subcommand)]
enum DictCommand {
    /// Read every dictionary file in DIR and print each problem with its file and line; exit 1
    /// when a line had to be skipped.
    Check {
        /// Folder of dictionary files: dyad's format (`actors/*.tsv`, `agents.tsv`, `verbs.tsv`,
        /// `discards.tsv`, as in `dicts/`) or TABARI/PETRARCH files (`*.actors.txt`,
        /// `*agents.txt`, `*verbs.txt`, `CAMEO.2.0.txt`, `*discards.txt`, `*IssueCoding.txt`).
        dir: PathBuf,
    },
    /// Count the entries, names, codes and patterns of the dictionaries in DIR.
    Stats {
        /// Folder of dictionary files.
        dir: PathBuf,
    },
    /// Convert TABARI/PETRARCH dictionaries in SRC to dyad's format in OUT.
    Convert {
        /// Folder of TABARI/PETRARCH files.
        src: PathBuf,
        /// Folder to write (created; existing files of the same names are replaced).
        out: PathBuf,
    },
    /// Mine articles for what the dictionaries miss: uncovered verbs and nouns between actors,
    /// and frequent uncoded names, with counts and example sentences.
    Mine(dyad::mine::MineArgs),
}

#[derive(Debug, Subcommand)]
enum TrainCommand {
    /// The sentence-boundary model.
    Segmenter {
        /// Training CoNLL-U files (repeat the flag).
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/segmenter/boundary.bin")]
        out: PathBuf,
    },
    /// The POS tagger and the lemmatizer (written next to it as lemmas.bin).
    Tagger {
        /// Training CoNLL-U files.
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// A development CoNLL-U file scored after training.
        #[arg(long)]
        dev: Option<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/tagger/tagger.bin")]
        out: PathBuf,
    },
    /// The dependency parser.
    Parser {
        /// Training CoNLL-U files.
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// A development CoNLL-U file scored after training.
        #[arg(long)]
        dev: Option<PathBuf>,
        /// Passes over the training data (default: the shipped model's setting).
        #[arg(long)]
        epochs: Option<u32>,
        /// Jackknife folds for the training tags (default: the shipped model's setting).
        #[arg(long)]
        jackknife: Option<usize>,
        /// The relation table has 2^N rows (default: the shipped model's setting).
        #[arg(long)]
        label_bits: Option<u8>,
        /// The relabeller's table has 2^N rows, 0 for no relabeller (default: the shipped
        /// model's setting).
        #[arg(long)]
        relabel_bits: Option<u8>,
        /// The attachment reviser's table has 2^N weights, 0 for no reviser (default: the
        /// shipped model's setting).
        #[arg(long)]
        revise_bits: Option<u8>,
        /// Where to write the model.
        #[arg(long, default_value = "models/parser/parser.bin")]
        out: PathBuf,
    },
    /// Word clusters from unlabelled text (the news texts and the UD training words).
    Clusters {
        /// The shared data folder (holds news/ and corpora/).
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Children per class at each level (comma-separated, at most three levels).
        #[arg(long, value_delimiter = ',', default_value = "16,16,16")]
        branching: Vec<u16>,
        /// Exchange passes per level.
        #[arg(long, default_value_t = 8)]
        iterations: usize,
        /// Words seen fewer times get no cluster.
        #[arg(long, default_value_t = 2)]
        min_count: u64,
        /// Where to write the clusters.
        #[arg(long, default_value = "models/clusters/clusters.bin")]
        out: PathBuf,
    },
    /// The named-entity recognizer, from every licensed source under the shared corpora folder.
    Ner {
        /// The shared data folder (holds corpora/).
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "models/ner/ner.bin")]
        out: PathBuf,
    },
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
        Command::Annotate { inputs, run } => {
            let records = read::open(&inputs, &run.reader_config());
            annotate(records, &run, Format::Jsonl)
        }
        Command::Demo(args) => cmd::demo::demo(args),
        Command::Eval { what } => {
            let segmenter = dyad_text::Segmenter::new();
            match what {
                EvalCommand::Sentences { conllu } => {
                    let (boundaries, spans) = dyad::eval::sentences_report(&conllu, &segmenter)?;
                    println!("{boundaries}");
                    println!("{spans}");
                }
                EvalCommand::Tokens { conllu } => {
                    println!("{}", dyad::eval::tokens(&conllu, &segmenter)?);
                }
                EvalCommand::Pos { conllu, model } => {
                    let loaded = model.map(|p| load(&p, Tagger::from_bytes)).transpose()?;
                    let tagger = loaded.as_ref().unwrap_or_else(|| &Models::builtin().tagger);
                    println!("{}", dyad::nlp::tagger::eval(tagger, &conllu)?);
                }
                EvalCommand::Parse {
                    conllu,
                    model,
                    gold_tags,
                    tagger,
                    errors,
                } => {
                    let loaded = model.map(|p| load(&p, DepParser::from_bytes)).transpose()?;
                    let parser = loaded.as_ref().unwrap_or_else(|| &Models::builtin().parser);
                    // With `--model`, only the built-in tagger is loaded (not every built-in
                    // model), so that a model of a new format can be scored before the
                    // embedded parser is replaced.
                    let own_tagger = match tagger {
                        Some(p) => Some(load(&p, Tagger::from_bytes)?),
                        None if loaded.is_some() && !gold_tags => Some(
                            Tagger::from_bytes(dyad::models::TAGGER_BYTES)
                                .context("the built-in tagger")?,
                        ),
                        None => None,
                    };
                    let tagger = match &own_tagger {
                        Some(t) => Some(t),
                        None => (!gold_tags).then(|| &Models::builtin().tagger),
                    };
                    if errors {
                        print!(
                            "{}",
                            dyad::nlp::parser::error_report(parser, tagger, &conllu)?
                        );
                    }
                    println!("{}", dyad::nlp::parser::eval(parser, tagger, &conllu)?);
                }
                EvalCommand::Article {
                    text,
                    expected,
                    date,
                } => {
                    let date =
                        dyad_core::Date::parse_iso(&date).context("--date: expected YYYY-MM-DD")?;
                    let article = std::fs::read_to_string(&text)
                        .with_context(|| format!("reading {}", text.display()))?;
                    let exp = std::fs::read_to_string(&expected)
                        .with_context(|| format!("reading {}", expected.display()))?;
                    let events =
                        dyad::coding::code_article(&article, date, dyad::coding::builtin_lexicon());
                    for e in &events {
                        println!("event {} {} {} (verb \"{}\")", e.0, e.1, e.2, e.3);
                    }
                    let (lines, found, total, forbidden) =
                        dyad::coding::score_article(&events, &exp);
                    for l in lines {
                        println!("{l}");
                    }
                    println!("article: {found}/{total} expected events ({forbidden} forbidden)");
                }
                EvalCommand::Cases { dir, dicts } => {
                    let lex = match dicts {
                        Some(d) => std::borrow::Cow::Owned(dyad::coding::load_lexicon(&[d])?.0),
                        None => std::borrow::Cow::Borrowed(dyad::coding::builtin_lexicon()),
                    };
                    let r = dyad::coding::eval_cases(&dir, &lex)?;
                    for l in r.lines {
                        println!("{l}");
                    }
                    println!("cases: {}/{}", r.passed, r.total);
                }
                EvalCommand::Quotes(args) => {
                    print!("{}", dyad::quotes::eval(&args.gold, args.errors)?);
                }
                EvalCommand::Time(args) => {
                    print!("{}", dyad::time::eval(&args.gold, args.errors)?);
                }
                EvalCommand::Geo(args) => {
                    dyad::geo::eval_cli(&args)?;
                }
                EvalCommand::Events {
                    gold,
                    errors,
                    out,
                    coding,
                } => {
                    let opts = dyad::eval_events::Options {
                        config: coding.config(),
                        parses: coding.parses.get(),
                        date: coding.date()?,
                        errors,
                        out: out.as_deref(),
                    };
                    let lex = coding.lexicon(false)?;
                    let report = dyad::eval_events::run(&gold, &lex, &opts)?;
                    io::stdout().lock().write_all(report.as_bytes())?;
                }
                EvalCommand::Ner { conll, model } => {
                    let loaded = model.map(|p| load(&p, Ner::from_bytes)).transpose()?;
                    let ner = loaded.as_ref().unwrap_or_else(|| &Models::builtin().ner);
                    println!("{}", dyad::nlp::ner::eval(ner, &conll)?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Train { what } => match what {
            TrainCommand::Segmenter { train, out } => {
                println!("{}", dyad::eval::train_segmenter(&train, &out)?);
                Ok(ExitCode::SUCCESS)
            }
            TrainCommand::Tagger { train, dev, out } => {
                println!(
                    "{}",
                    dyad::nlp::tagger::train(&train, dev.as_deref(), &out)?
                );
                Ok(ExitCode::SUCCESS)
            }
            TrainCommand::Parser {
                train,
                dev,
                epochs,
                jackknife,
                label_bits,
                relabel_bits,
                revise_bits,
                out,
            } => {
                println!(
                    "{}",
                    dyad::nlp::parser::train(
                        &train,
                        dev.as_deref(),
                        &out,
                        dyad::nlp::parser::Overrides {
                            epochs,
                            jackknife,
                            label_bits,
                            relabel_bits,
                            revise_bits,
                        }
                    )?
                );
                Ok(ExitCode::SUCCESS)
            }
            TrainCommand::Clusters {
                shared,
                branching,
                iterations,
                min_count,
                out,
            } => {
                if branching.is_empty()
                    || branching.len() > dyad_nlp::clusters::MAX_LEVELS
                    || branching.iter().any(|&b| b < 2)
                {
                    anyhow::bail!("--branching takes one to three factors, each at least 2");
                }
                let config = dyad_nlp::clusters::TrainConfig {
                    branching,
                    iterations,
                    min_count,
                };
                print!("{}", dyad::nlp::clusters::train(&shared, &out, &config)?);
                Ok(ExitCode::SUCCESS)
            }
            TrainCommand::Ner { shared, out } => {
                println!("{}", dyad::nlp::ner::train(&out, &shared)?);
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Gazetteer { what } => dyad::geo::gazetteer_cli(&what),
        Command::Dict { what } => {
            let dir = match &what {
                DictCommand::Check { dir } | DictCommand::Stats { dir } => dir,
                DictCommand::Convert { src, .. } => src,
                DictCommand::Mine(args) => return dyad::mine::cli(args),
            };
            anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
            let (dicts, diagnostics) = dyad_dict::read_any(dir);
            match what {
                DictCommand::Convert { out, .. } => {
                    let written = convert(&dicts, &out)?;
                    println!("dict convert: wrote {written} files to {}", out.display());
                    Ok(ExitCode::SUCCESS)
                }
                DictCommand::Check { .. } => {
                    for d in &diagnostics {
                        println!("{d}");
                    }
                    // The coder's word lists (dicts/coder.tsv), when the folder has them.
                    let words = dir.join("coder.tsv");
                    let words_error = std::fs::read_to_string(&words)
                        .ok()
                        .and_then(|t| dyad_coder::words::Words::parse(&t).err());
                    if let Some(e) = &words_error {
                        println!("{}: error: {e}", words.display());
                    }
                    let errors = diagnostics
                        .iter()
                        .filter(|d| d.severity == dyad_dict::Severity::Error)
                        .count()
                        + usize::from(words_error.is_some());
                    println!(
                        "dict check: {} problems ({errors} errors) in {} files",
                        diagnostics.len(),
                        dicts.stats().files
                    );
                    Ok(if errors > 0 {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    })
                }
                DictCommand::Stats { .. } => {
                    println!("{}", dicts.stats());
                    Ok(ExitCode::SUCCESS)
                }
                DictCommand::Mine(_) => unreachable!("mined above"),
            }
        }
        Command::Code {
            inputs,
            coding,
            gkg,
            out,
            run,
        } => {
            if let Some(dir) = &out {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
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
            let records = read::open(&inputs, &run.reader_config());
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
            let code = annotate_with(records, &run, main_out.as_deref(), gkg.as_deref(), render)?;
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
        Command::Ingest(args) => cmd::store::ingest(args),
        Command::Recode(args) => cmd::store::recode(args),
        Command::Query(args) => cmd::store::query(args),
        Command::Export(args) => cmd::store::export(args),
        Command::Serve(args) => cmd::serve::serve(args),
        Command::Loadtest(args) => cmd::loadtest::loadtest(args),
        Command::Explain { text, coding } => {
            let lex = coding.lexicon(false)?;
            let date = coding
                .date()?
                .unwrap_or(dyad_core::Date::new(2022, 3, 10).expect("valid"));
            let mut doc = Doc::new(dyad_core::Article::new("explain", text));
            Annotator::new().annotate(&mut doc);
            let codings = dyad::coding::code_doc(
                &doc,
                &lex,
                coding.config(),
                dyad::coding::Parses::Own,
                date,
            )
            .map_err(anyhow::Error::msg)?;
            print!("{}", dyad::coding::explain(&doc, &lex, &codings, date));
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { file, parses, show } => {
            let report = dyad::validate::run(&file, parses.get(), show.as_deref())?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            inputs,
            corpus_bytes,
            write_corpus,
            runs,
            threads,
        } => {
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
                    let bytes = std::fs::read(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
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
    }
}

fn annotate(
    records: Box<dyn Iterator<Item = Record> + Send>,
    args: &RunArgs,
    default_format: Format,
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
    annotate_with(records, args, None, None, render)
}

/// Writes TABARI/PETRARCH dictionaries in dyad's format; returns the number of files.
fn convert(dicts: &dyad_dict::Dictionaries, out: &std::path::Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out.join("actors"))
        .with_context(|| format!("creating {}", out.display()))?;
    let stem = |f: &str| {
        std::path::Path::new(f)
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(".txt")
                    .replace('.', "-")
            })
            .unwrap_or_default()
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for a in &dicts.actors {
        files.push((
            out.join("actors").join(format!("{}.tsv", stem(&a.file))),
            dyad_dict::write_actors(a),
        ));
    }
    let join = |parts: Vec<String>| parts.join("\n");
    if !dicts.agents.is_empty() {
        files.push((
            out.join("agents.tsv"),
            join(dicts.agents.iter().map(dyad_dict::write_agents).collect()),
        ));
    }
    if !dicts.verbs.is_empty() {
        files.push((
            out.join("verbs.tsv"),
            join(dicts.verbs.iter().map(dyad_dict::write_verbs).collect()),
        ));
    }
    if !dicts.discards.is_empty() {
        files.push((
            out.join("discards.tsv"),
            join(
                dicts
                    .discards
                    .iter()
                    .map(dyad_dict::write_discards)
                    .collect(),
            ),
        ));
    }
    for (path, text) in &files {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(files.len())
}

/// What a command renders per article: the bytes for standard output, and for the side file.
type Rendered = (Vec<u8>, Vec<u8>);

fn annotate_with(
    records: Box<dyn Iterator<Item = Record> + Send>,
    args: &RunArgs,
    main_out: Option<&Path>,
    side: Option<&Path>,
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

fn summary(s: &RunStats, secs: f64) {
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
