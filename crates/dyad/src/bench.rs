//! Throughput benchmarks (`dyad bench`) and the generated news-like corpus they run on.
//!
//! Each stage is timed several times and the median is reported as one line
//! `bench <stage>: <value> <unit>`. Every stage also checks its result (the same token count on
//! every run, and a plausible count), so that a fast wrong answer fails instead of looking good.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use dyad_core::{Doc, Sentences, Tokens};
use dyad_io::read::{self, InputFormat, ReaderConfig};

use crate::models::{Models, Scratch, Stages};
use crate::pipeline::{self, Annotator, RunConfig};

/// A small deterministic pseudo-random generator (xorshift64*), so that the generated corpus is
/// the same on every machine without a dependency.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COUNTRIES: &[(&str, &str, &str)] = &[
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("Russia", "Russian", "Moscow"),
    ("Turkey", "Turkish", "Ankara"),
    ("the U.S.", "American", "Washington"),
    ("China", "Chinese", "Beijing"),
    ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"),
    ("Japan", "Japanese", "Tokyo"),
    ("India", "Indian", "New Delhi"),
    ("Brazil", "Brazilian", "Brasília"),
    ("Nigeria", "Nigerian", "Abuja"),
    ("Iran", "Iranian", "Tehran"),
    ("Israel", "Israeli", "Jerusalem"),
    ("the U.K.", "British", "London"),
    ("Poland", "Polish", "Warsaw"),
    ("Egypt", "Egyptian", "Cairo"),
];

const PEOPLE: &[&str] = &[
    "Anna Kovalenko",
    "Sergei Volkov",
    "Mehmet Aydın",
    "John R. Hale",
    "Li Wen",
    "Claire Dubois",
    "Jürgen Weber",
    "Kenji Sato",
    "Priya Raman",
    "Ana Souza",
    "Chidi Okafor",
    "Reza Karimi",
];

const TITLES: &[&str] = &[
    "Foreign Minister",
    "Defence Minister",
    "President",
    "Prime Minister",
    "Gen.",
    "Mr.",
    "Dr.",
    "Ambassador",
    "Secretary of State",
];

const VERBS: &[&str] = &[
    "met",
    "called",
    "criticised",
    "accused",
    "praised",
    "urged",
    "warned",
    "thanked",
    "hosted",
    "visited",
    "rebuked",
    "welcomed",
];

const TOPICS: &[&str] = &[
    "a ceasefire",
    "the grain corridor",
    "sanctions relief",
    "humanitarian access",
    "the withdrawal of troops",
    "energy prices",
    "a prisoner exchange",
    "the nuclear programme",
    "border security",
    "trade tariffs",
];

const MONTHS: &[&str] = &[
    "Jan.", "Feb.", "March", "April", "May", "June", "Aug.", "Sept.", "Oct.",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "last week",
];

fn sentence(rng: &mut Rng, out: &mut String) {
    let (c1, d1, cap1) = COUNTRIES[rng.below(COUNTRIES.len())];
    let (c2, d2, cap2) = COUNTRIES[rng.below(COUNTRIES.len())];
    let p1 = rng.pick(PEOPLE);
    let p2 = rng.pick(PEOPLE);
    let t1 = rng.pick(TITLES);
    let topic = rng.pick(TOPICS);
    let day = rng.pick(DAYS);
    let n = rng.below(9000) + 100;
    let frac = rng.below(10);
    let _ = match rng.below(12) {
        0 => write!(out, "{d1} {t1} {p1} {} {d2} counterpart {p2} in {cap2} on {day}.", rng.pick(VERBS)),
        1 => write!(out, "\u{201c}We didn't come here to discuss {topic},\u{201d} {p1} told reporters, adding that {c1}'s position hadn't changed."),
        2 => write!(out, "More than {n},{:03} people have fled since {} {}, according to the U.N. refugee agency.", rng.below(1000), rng.pick(MONTHS), rng.below(28) + 1),
        3 => write!(out, "The package, worth ${n}.{frac} billion (about €{}.{frac} billion), covers 2023–2025 and includes a {}% tariff cut.", n / 2, rng.below(40) + 1),
        4 => write!(out, "{cap1} demanded that {c2} withdraw its forces \u{2014} a demand {cap2} rejected within hours."),
        5 => write!(out, "Officials in {cap1} said the talks, held behind closed doors, would resume {day}; neither side's delegation commented."),
        6 => write!(out, "\"It's a very difficult moment,\" said {t1} {p2}, who didn't rule out new sanctions against {c1}."),
        7 => write!(out, "The ministry said at 9:30 a.m. that {n} troops had been moved to the border region (see https://example.org/report-{n} or write to press@example.org)."),
        8 => write!(out, "Asked whether {c1} would impose an embargo, {p1} replied: \"We will see...\""),
        9 => write!(out, "{d2} forces shelled the outskirts of the city overnight, killing at least {} civilians, local officials said.", rng.below(40) + 2),
        10 => write!(out, "U.S. Secretary of State {p2} spoke by phone with {p1} on {day} to discuss {topic} and the {d1}-{d2} border dispute."),
        _ => write!(out, "Gen. {p1}, a long-time ally of the {d1} government, said No. 10 had not been informed about {topic}."),
    };
}

/// Generates a deterministic news-like corpus of about `bytes` bytes as JSONL articles: wire
/// stories with headlines, datelines, quotes, numbers, abbreviations and paragraph breaks.
pub fn generate_corpus(bytes: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut jsonl = String::with_capacity(bytes + 4096);
    let mut produced = 0;
    let mut n = 0;
    while produced < bytes {
        n += 1;
        let mut text = String::new();
        let (_, d1, cap1) = COUNTRIES[rng.below(COUNTRIES.len())];
        let _ = write!(
            text,
            "{d1} officials weigh response to {}\n\n",
            rng.pick(TOPICS)
        );
        let _ = write!(text, "{} (dyad Wire) \u{2014} ", cap1.to_uppercase());
        for para in 0..(4 + rng.below(5)) {
            if para > 0 {
                text.push_str("\n\n");
            }
            for s in 0..(2 + rng.below(4)) {
                if s > 0 {
                    text.push(' ');
                }
                sentence(&mut rng, &mut text);
            }
        }
        text.push_str("\n\nPhoto: dyad Wire/Staff");
        produced += text.len();
        let record = serde_json::json!({
            "id": format!("gen-{n:05}"),
            "date": format!("2022-03-{:02}", 1 + n % 28),
            "source": "dyad generated corpus",
            "text": text,
        });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
    }
    jsonl
}

/// What `dyad bench` measures.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Timed runs per stage; the median is reported.
    pub runs: usize,
    /// Worker threads for the end-to-end stage (0 = one per core).
    pub threads: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_runs<T: PartialEq + std::fmt::Debug>(
    runs: usize,
    stage: &str,
    mut f: impl FnMut() -> T,
) -> anyhow::Result<(Duration, T)> {
    let expected = f(); // warm-up run, also the reference result
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let got = f();
        times.push(start.elapsed());
        anyhow::ensure!(
            got == expected,
            "bench {stage}: result changed between runs"
        );
    }
    Ok((median(times), expected))
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

/// Runs every stage over `input` (the bytes of the file `name`, read as `format`) and returns
/// the report, one line per stage.
pub fn run(
    name: &str,
    input: &[u8],
    format: InputFormat,
    config: &BenchConfig,
) -> anyhow::Result<String> {
    let reader = ReaderConfig {
        format,
        ..ReaderConfig::default()
    };
    let mut report = String::new();

    let (t, docs) = time_runs(config.runs, "read", || {
        read::read_bytes(name, input, format, &reader)
            .into_iter()
            .filter_map(Result::ok)
            .map(|d| d.article)
            .collect::<Vec<_>>()
    })?;
    anyhow::ensure!(
        !docs.is_empty(),
        "bench: the input holds no readable article"
    );
    let text_bytes: usize = docs.iter().map(|a| a.text.len()).sum();
    writeln!(
        report,
        "# corpus: {} articles, {:.2} MB of text ({} bytes of input); median of {} runs",
        docs.len(),
        text_bytes as f64 / 1e6,
        input.len(),
        config.runs
    )?;
    writeln!(report, "bench read: {:.1} MB/s", mb_per_s(input.len(), t))?;

    let (t, langs) = time_runs(config.runs, "language", || {
        docs.iter()
            .filter_map(|a| dyad_text::language::detect(&a.text))
            .count()
    })?;
    writeln!(
        report,
        "bench language: {:.1} MB/s ({langs} articles identified)",
        mb_per_s(text_bytes, t)
    )?;

    let annotator = Annotator::new();
    let seg = annotator.segmenter();
    let mut tokens = Tokens::default();
    let mut sentences = Sentences::default();
    let (t, (ntok, nsent)) = time_runs(config.runs, "segment", || {
        let (mut nt, mut ns) = (0, 0);
        for a in &docs {
            tokens.clear();
            sentences.clear();
            seg.segment(&a.text, &mut tokens, &mut sentences);
            nt += tokens.len();
            ns += sentences.len();
        }
        (nt, ns)
    })?;
    // A tokenizer that finds fewer tokens than one per 12 bytes of news text is broken.
    anyhow::ensure!(
        ntok * 12 > text_bytes,
        "bench segment: implausibly few tokens ({ntok})"
    );
    writeln!(
        report,
        "bench segment: {:.1} MB/s (1 thread; {ntok} tokens, {nsent} sentences, {:.0} tokens/s)",
        mb_per_s(text_bytes, t),
        ntok as f64 / t.as_secs_f64()
    )?;

    // The statistical stages, one thread, over the segmented corpus.
    let start = Instant::now();
    let loaded = Models::load();
    let load_time = start.elapsed();
    drop(loaded);
    writeln!(
        report,
        "bench load: {:.0} ms (all models, from the embedded bytes)",
        load_time.as_secs_f64() * 1e3
    )?;
    let models = Models::builtin();
    let mut segmented: Vec<Doc> = docs
        .iter()
        .map(|a| {
            let mut doc = Doc::new(a.clone());
            seg.segment(&a.text, &mut doc.tokens, &mut doc.sentences);
            doc
        })
        .collect();
    let stage_runs: [(&str, Stages); 4] = [
        (
            "tag",
            Stages {
                tag: true,
                parse: false,
                ner: false,
            },
        ),
        (
            "parse",
            Stages {
                tag: false,
                parse: true,
                ner: false,
            },
        ),
        (
            "ner",
            Stages {
                tag: false,
                parse: false,
                ner: true,
            },
        ),
        ("annotate", Stages::ALL),
    ];
    for (stage, stages) in stage_runs {
        let (t, (heads, entities)) = time_runs(config.runs, stage, || {
            let mut scratch = Scratch::default();
            let (mut heads, mut entities) = (0, 0);
            for doc in &mut segmented {
                models.annotate(doc, stages, &mut scratch);
                heads += doc.tags.head.len();
                entities += doc.entities.len();
            }
            (heads, entities)
        })?;
        if stages.parse {
            anyhow::ensure!(
                heads == ntok,
                "bench {stage}: {heads} heads for {ntok} tokens"
            );
        }
        if stages.ner {
            // News text names someone or somewhere in most sentences.
            anyhow::ensure!(
                entities * 4 > nsent,
                "bench {stage}: implausibly few entities ({entities})"
            );
        }
        let what = match stage {
            "tag" => "tags + lemmas".to_string(),
            "parse" => "tags + dependency parse".to_string(),
            "ner" => format!("{entities} entities"),
            _ => "tags + lemmas + parse + entities".to_string(),
        };
        writeln!(
            report,
            "bench {stage}: {:.0} tokens/s (1 thread; {what})",
            ntok as f64 / t.as_secs_f64()
        )?;
    }

    // Event coding over the annotated corpus, one thread: first with the sentence views built
    // (what `dyad code` does after annotation), then the coder alone.
    let lex = crate::coding::builtin_lexicon();
    let coder = dyad_coder::Coder::new(lex);
    let date = dyad_core::Date::new(2022, 3, 10).expect("a valid date");
    let (t, events) = time_runs(config.runs, "code", || {
        let mut events = 0usize;
        for doc in &segmented {
            let mut ctx = dyad_coder::Context::default();
            let sents: Vec<dyad_coder::Sent> = (0..doc.sentences.len())
                .map(|s| dyad_coder::Sent::from_doc(doc, s))
                .collect();
            events += code_document(&coder, &sents, date, &mut ctx);
        }
        events
    })?;
    writeln!(
        report,
        "bench code: {:.0} sentences/s (1 thread; sentence views + coding, built-in dictionaries, {events} events)",
        nsent as f64 / t.as_secs_f64()
    )?;
    let views: Vec<Vec<dyad_coder::Sent>> = segmented
        .iter()
        .map(|doc| {
            (0..doc.sentences.len())
                .map(|s| dyad_coder::Sent::from_doc(doc, s))
                .collect()
        })
        .collect();
    let (t, events2) = time_runs(config.runs, "coder", || {
        let mut events = 0usize;
        for doc in &views {
            let mut ctx = dyad_coder::Context::default();
            events += code_document(&coder, doc, date, &mut ctx);
        }
        events
    })?;
    anyhow::ensure!(
        events == events2,
        "bench coder: event count differs from code"
    );
    writeln!(
        report,
        "bench coder: {:.0} sentences/s (1 thread; coding only, annotations given)",
        nsent as f64 / t.as_secs_f64()
    )?;
    // The same across the worker pool, one article per task (coding is per article: the
    // coreference context runs through it).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| anyhow::anyhow!("thread pool: {e}"))?;
    let (t, events3) = time_runs(config.runs, "coder-threads", || {
        use rayon::prelude::*;
        pool.install(|| {
            views
                .par_iter()
                .map(|doc| {
                    let mut ctx = dyad_coder::Context::default();
                    code_document(&coder, doc, date, &mut ctx)
                })
                .sum::<usize>()
        })
    })?;
    anyhow::ensure!(
        events == events3,
        "bench coder-threads: event count differs from code"
    );
    writeln!(
        report,
        "bench coder-threads: {:.0} sentences/s ({} threads; coding only, annotations given)",
        nsent as f64 / t.as_secs_f64(),
        pool.current_num_threads()
    )?;

    // Places, dates, quotes, counts and tone of each annotated document (what `dyad code` adds to
    // events and its GKG records).
    let start = Instant::now();
    let gaz = dyad_geo::Gazetteer::builtin();
    writeln!(
        report,
        "bench gazetteer: {:.0} ms to load ({} places)",
        start.elapsed().as_secs_f64() * 1e3,
        gaz.places.len()
    )?;
    let (t, found) = time_runs(config.runs, "places-dates-quotes", || {
        segmented
            .iter()
            .map(|doc| {
                crate::geo::places(doc).len()
                    + crate::time::timexes(doc, date).len()
                    + crate::quotes::quotes(doc).len()
                    + crate::counts::counts(doc).len()
                    + crate::tone::tone(doc).words
            })
            .sum::<usize>()
    })?;
    writeln!(
        report,
        "bench places-dates-quotes: {:.0} articles/s (1 thread; places, dates, quotes, counts and tone; {found} items and words)",
        segmented.len() as f64 / t.as_secs_f64()
    )?;

    let run_config = RunConfig {
        threads: config.threads,
    };
    let (t, written) = time_runs(config.runs, "pipeline", || {
        let mut out = Vec::with_capacity(input.len() * 8);
        let records = Box::new(read::read_bytes(name, input, format, &reader).into_iter());
        let render = |doc: &Doc| {
            let mut buf = Vec::with_capacity(doc.text().len() * 8);
            dyad_io::output::write_jsonl(&mut buf, doc, false).map(|()| buf)
        };
        let stats = pipeline::run(&annotator, records, run_config, render, |r| {
            if let Ok((_, rendered)) = r {
                out.extend_from_slice(&rendered?);
            }
            std::io::Result::Ok(())
        })
        .expect("writing to memory cannot fail");
        (stats.tokens, out.len())
    })?;
    anyhow::ensure!(
        written.0 as usize == ntok,
        "bench pipeline: token count differs from segment"
    );
    let threads = if config.threads == 0 {
        rayon::current_num_threads()
    } else {
        config.threads
    };
    writeln!(
        report,
        "bench pipeline: {:.1} MB/s ({threads} threads; read + segment + tag + parse + NER + JSONL, {:.0} articles/s)",
        mb_per_s(input.len(), t),
        docs.len() as f64 / t.as_secs_f64()
    )?;
    Ok(report)
}

/// Codes one document's sentences and finishes it, as `dyad code` does; returns its events.
fn code_document(
    coder: &dyad_coder::Coder<'_>,
    sents: &[dyad_coder::Sent],
    date: dyad_core::Date,
    ctx: &mut dyad_coder::Context,
) -> usize {
    let mut events: Vec<Vec<dyad_coder::Event>> = sents
        .iter()
        .map(|s| coder.code(s, date, ctx).events)
        .collect();
    let mut whole: Vec<(&dyad_coder::Sent, &mut Vec<dyad_coder::Event>)> =
        sents.iter().zip(events.iter_mut()).collect();
    coder.finish(&mut whole);
    events.iter().map(Vec::len).sum()
}
