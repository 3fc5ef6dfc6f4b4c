//! `dyad eval`: score dyad against gold data.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use dyad::models::Models;
use dyad_nlp::ner::Ner;
use dyad_nlp::parser::Parser as DepParser;
use dyad_nlp::tagger::Tagger;

use crate::{load, CodingArgs};

/// `dyad eval`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    #[command(subcommand)]
    what: EvalCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvalCommand {
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

pub(crate) fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let EvalArgs { what } = args;
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
            let date = dyad_core::Date::parse_iso(&date).context("--date: expected YYYY-MM-DD")?;
            let article = std::fs::read_to_string(&text)
                .with_context(|| format!("reading {}", text.display()))?;
            let exp = std::fs::read_to_string(&expected)
                .with_context(|| format!("reading {}", expected.display()))?;
            let events =
                dyad::coding::code_article(&article, date, dyad::coding::builtin_lexicon());
            for e in &events {
                println!("event {} {} {} (verb \"{}\")", e.0, e.1, e.2, e.3);
            }
            let (lines, found, total, forbidden) = dyad::coding::score_article(&events, &exp);
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
