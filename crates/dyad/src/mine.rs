//! `dyad dict mine`: candidates for the dictionaries, mined from real text.
//!
//! Articles are annotated and coded as `dyad code` does; then each sentence is searched for
//! what the dictionaries miss:
//!
//! 1. **uncovered verbs**: a verb (or a light verb with its object noun, "hold talks") whose
//!    subject is an actor and whose object, prepositional object or passive agent is another
//!    actor or a place, and on which no event fired;
//! 2. **uncovered nouns**: a noun with an actor as possessive or modifier and another actor (or
//!    a place) in a prepositional modifier ("Russia's war in Ukraine"), and no event;
//! 3. **uncoded names**: named entities and runs of proper nouns that no dictionary phrase
//!    covers (a lone word the text also writes in lower case often, "Budget", "Director", is
//!    left out).
//!
//! Each row has its count and the first example sentences in input order, so the report is
//! the same whatever the thread count.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use dyad_coder::{Coded, Config, Lexicon, Rel, Sent};
use dyad_core::{Date, Doc};
use dyad_io::read::{self, ReaderConfig, Record};
use serde_json::json;

use crate::coding::{self, DocEvents, Parses};
use crate::pipeline::{self, Annotator, RunConfig};

/// Sentences are quoted up to this many characters.
const EXAMPLE_CHARS: usize = 200;

/// A lone capitalised word is a common noun, not a name, when the text writes it in lower case
/// at least once for every this many capitalised uses.
const LOWER_SHARE: u64 = 5;

/// Prepositions whose object is a source, a role, a channel or a topic, not a party ("according
/// to Reuters", "served as minister", "said via Twitter").
const NOT_PARTIES: &[&str] = &[
    "according",
    "as",
    "via",
    "like",
    "than",
    "despite",
    "including",
    "regarding",
    "following",
    "such",
    "during",
];

/// The date undated articles (plain text files) are coded at without `--date`, as in
/// `dyad explain`.
const DEFAULT_DATE: (i32, u32, u32) = (2022, 3, 10);

/// The arguments of `dyad dict mine`.
#[derive(Debug, clap::Args)]
pub struct MineArgs {
    /// Files, directories (read recursively) or `-` for standard input, as for `dyad code`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Dictionaries instead of the built-in ones (as for `dyad code`; repeat to combine).
    #[arg(long)]
    pub dicts: Vec<PathBuf>,
    /// Rows per section.
    #[arg(long, default_value_t = 40)]
    pub top: usize,
    /// Example sentences per row.
    #[arg(long, default_value_t = 3)]
    pub examples: usize,
    /// Read at most this many records.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Date (YYYY-MM-DD) for articles without one [default: 2022-03-10].
    #[arg(long)]
    pub date: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = MineFormat::Text)]
    pub format: MineFormat,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MineFormat {
    /// Three sections for a person to read.
    Text,
    /// One JSON object per row, with its `section`.
    Jsonl,
}

/// Runs `dyad dict mine` and writes the report to standard output.
pub fn cli(args: &MineArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let lex = match args.dicts.as_slice() {
        [] => std::borrow::Cow::Borrowed(coding::builtin_lexicon()),
        paths => {
            let (lex, diags) = coding::load_lexicon(paths)?;
            coding::report_diagnostics(&diags, args.quiet);
            std::borrow::Cow::Owned(lex)
        }
    };
    let date = match &args.date {
        Some(d) => Some(
            Date::parse_iso(d)
                .or_else(|| Date::parse_compact(d))
                .ok_or_else(|| anyhow::anyhow!("--date {d}: expected YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let records = read::open(&args.inputs, &ReaderConfig::default());
    let records: Box<dyn Iterator<Item = Record> + Send> = match args.limit {
        Some(n) => Box::new(records.take(n)),
        None => records,
    };
    let opts = Options {
        examples: args.examples,
        date,
        threads: args.threads,
    };
    let report = mine(records, &lex, &opts, |e| {
        if !args.quiet {
            eprintln!("dyad: error: {e}");
        }
    });
    let text = match args.format {
        MineFormat::Text => report.text(args.top),
        MineFormat::Jsonl => report.jsonl(args.top),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    if !args.quiet {
        eprintln!(
            "dyad: mined {} articles, {} sentences ({} unreadable records) in {:.1} s",
            report.articles,
            report.sentences,
            report.failed,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Options of [`mine`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Example sentences kept per row.
    pub examples: usize,
    /// Date for articles without one (else 2022-03-10).
    pub date: Option<Date>,
    /// Worker threads (0 = one per core).
    pub threads: usize,
}

/// The three sections of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Verbs and light-verb phrases between two actors (or an actor and a place).
    Verbs,
    /// Nouns between an actor modifier and a prepositional actor.
    Nouns,
    /// Names no dictionary phrase covers.
    Names,
}

impl Section {
    /// The name used in JSONL output.
    pub fn name(self) -> &'static str {
        match self {
            Section::Verbs => "verbs",
            Section::Nouns => "nouns",
            Section::Names => "names",
        }
    }
}

/// One example of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Article id.
    pub article: String,
    /// Sentence index (0-based).
    pub sentence: usize,
    /// The sentence, whitespace collapsed, cut at [`EXAMPLE_CHARS`] characters.
    pub text: String,
    /// The actor codes found (`USA → IRN`, `RUS → PLACE Kherson`); empty for names.
    pub dyad: String,
}

/// One row of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The lemma (`frobnicate`), light verb and noun (`hold talks`), noun, or name.
    pub key: String,
    /// Occurrences.
    pub count: u64,
    /// Frames (`[frobnicate] +`, `$'s [war] in +`) or entity labels, most frequent first.
    pub kinds: Vec<(String, u64)>,
    /// Whether the (verb or noun) lemma is a trigger of any pattern; for a light verb, the
    /// verb's and the noun's.
    pub trigger: Option<(bool, Option<bool>)>,
    /// The first examples in input order.
    pub examples: Vec<Example>,
}

/// What a mining run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Articles read.
    pub articles: u64,
    /// Sentences coded.
    pub sentences: u64,
    /// Records that could not be read.
    pub failed: u64,
    /// Uncovered verbs and light-verb phrases, by count.
    pub verbs: Vec<Row>,
    /// Uncovered nouns, by count.
    pub nouns: Vec<Row>,
    /// Uncoded names, by count.
    pub names: Vec<Row>,
}

/// One finding in one sentence.
#[derive(Debug, Clone)]
struct Hit {
    section: Section,
    key: String,
    kind: String,
    trigger: Option<(bool, Option<bool>)>,
    example: Example,
}

#[derive(Debug, Default)]
struct Agg {
    count: u64,
    kinds: BTreeMap<String, u64>,
    trigger: Option<(bool, Option<bool>)>,
    examples: Vec<Example>,
}

/// Annotates, codes and mines `records`; `on_error` sees each unreadable record.
pub fn mine(
    records: Box<dyn Iterator<Item = Record> + Send>,
    lex: &Lexicon,
    opts: &Options,
    mut on_error: impl FnMut(&dyad_core::RecordError),
) -> Report {
    let fallback = opts.date.unwrap_or_else(|| {
        Date::new(DEFAULT_DATE.0, DEFAULT_DATE.1, DEFAULT_DATE.2).expect("valid")
    });
    let annotator = Annotator::new();
    let mut aggs: BTreeMap<(Section, String), Agg> = BTreeMap::new();
    // How often each word is written in lower case: a lone capitalised word the text also writes
    // in lower case often enough ("Budget", "Nation", "Director") is a common noun.
    let mut lower: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut report = Report::default();
    let render = |doc: &Doc| -> (u64, Vec<Hit>) {
        match coding::code_events(doc, lex, Config::default(), Parses::Own, Some(fallback)) {
            DocEvents::Coded { codings, .. } => {
                let mut hits = Vec::new();
                for sc in &codings {
                    sentence_hits(doc, lex, sc.sentence, &sc.sent, &sc.coded, &mut hits);
                }
                (codings.len() as u64, hits)
            }
            DocEvents::NoDate | DocEvents::BadParse(_) => (0, Vec::new()),
        }
    };
    let sink = |r: Result<(&Doc, (u64, Vec<Hit>)), &dyad_core::RecordError>| {
        match r {
            Ok((doc, (sentences, hits))) => {
                for t in 0..doc.tokens.len() {
                    let w = doc.text_of(doc.tokens.span(t));
                    if w.starts_with(|c: char| c.is_lowercase()) {
                        match lower.get_mut(w) {
                            Some(n) => *n += 1,
                            None => {
                                lower.insert(w.to_string(), 1);
                            }
                        }
                    }
                }
                report.articles += 1;
                report.sentences += sentences;
                for h in hits {
                    let a = aggs.entry((h.section, h.key)).or_default();
                    a.count += 1;
                    *a.kinds.entry(h.kind).or_default() += 1;
                    a.trigger = match (a.trigger, h.trigger) {
                        (Some((v, n)), Some((v2, n2))) => Some((
                            v || v2,
                            match (n, n2) {
                                (Some(a), Some(b)) => Some(a || b),
                                (a, b) => a.or(b),
                            },
                        )),
                        (a, b) => a.or(b),
                    };
                    let seen = a.examples.iter().any(|e| {
                        e.article == h.example.article && e.sentence == h.example.sentence
                    });
                    if !seen && a.examples.len() < opts.examples {
                        a.examples.push(h.example);
                    }
                }
            }
            Err(e) => {
                report.failed += 1;
                on_error(e);
            }
        }
        Ok::<(), std::convert::Infallible>(())
    };
    let config = RunConfig {
        threads: opts.threads,
    };
    let Ok(_) = pipeline::run(&annotator, records, config, render, sink);
    for ((section, key), a) in aggs {
        let common = section == Section::Names
            && !key.contains(' ')
            && lower
                .get(&key.to_lowercase())
                .is_some_and(|&n| n * LOWER_SHARE >= a.count);
        if common {
            continue;
        }
        let mut kinds: Vec<(String, u64)> = a.kinds.into_iter().collect();
        kinds.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        let row = Row {
            key,
            count: a.count,
            kinds,
            trigger: a.trigger,
            examples: a.examples,
        };
        match section {
            Section::Verbs => report.verbs.push(row),
            Section::Nouns => report.nouns.push(row),
            Section::Names => report.names.push(row),
        }
    }
    for rows in [&mut report.verbs, &mut report.nouns, &mut report.names] {
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    }
    report
}

/// What the coder knows about the words of one sentence.
struct View<'a> {
    s: &'a Sent,
    coded: &'a Coded,
    /// The coded actor whose head is this word.
    head_actor: Vec<Option<usize>>,
    /// The narrowest coded actor whose words include this word.
    cover: Vec<Option<usize>>,
    /// Inside an actor or agent phrase of the dictionaries.
    in_mention: Vec<bool>,
    /// Inside a place the recognizer found (LOC).
    loc: Vec<bool>,
    /// Some event (or a negated pattern match) has this word as its trigger.
    trigger: Vec<bool>,
}

/// How the other party hangs from a verb.
enum Frame {
    /// The passive subject (the source is the `by` agent).
    Passive,
    /// The direct object.
    Obj,
    /// A prepositional object of the verb or of its object noun.
    Prep(String),
}

/// The other party of a governing word.
enum Party {
    Actor(usize),
    Place(usize),
}

impl<'a> View<'a> {
    fn new(doc: &Doc, s: &'a Sent, coded: &'a Coded, first_token: usize) -> View<'a> {
        let n = s.len();
        let mut head_actor = vec![None; n];
        let mut cover: Vec<Option<usize>> = vec![None; n];
        for (k, dyad_coder::CodedActor { head: h, actor: a }) in coded.actors.iter().enumerate() {
            if *h < n {
                head_actor[*h] = Some(k);
            }
            let width = |k: usize| {
                let w = coded.actors[k].actor.words;
                w.1.saturating_sub(w.0)
            };
            for slot in cover.iter_mut().take(a.words.1.min(n)).skip(a.words.0) {
                if slot.is_none_or(|c| width(k) < width(c)) {
                    *slot = Some(k);
                }
            }
        }
        let mut in_mention = vec![false; n];
        for &dyad_coder::Mention {
            start: a, end: b, ..
        } in &coded.mentions
        {
            for m in in_mention.iter_mut().take(b.min(n)).skip(a) {
                *m = true;
            }
        }
        let mut loc = vec![false; n];
        let last_token = first_token + n;
        for e in &doc.entities {
            if e.label != "LOC" {
                continue;
            }
            for t in e.tokens.start as usize..e.tokens.end as usize {
                if (first_token..last_token).contains(&t) {
                    loc[t - first_token] = true;
                }
            }
        }
        let mut trigger = vec![false; n];
        for i in coded
            .events
            .iter()
            .map(|e| e.trigger.word)
            .chain(coded.suppressed.iter().map(|x| x.trigger))
        {
            if i < n {
                trigger[i] = true;
            }
        }
        View {
            s,
            coded,
            head_actor,
            cover,
            in_mention,
            loc,
            trigger,
        }
    }

    /// The coded actor at word `k` when the word names it (a dictionary phrase, or a pronoun
    /// or role resolved in the document): the one headed there, else the narrowest one around
    /// it. "Trump's conduct" is coded by its possessive, but the conduct is no party.
    fn actor(&self, k: usize) -> Option<usize> {
        let named = self.in_mention[k]
            || self.head_actor[k].is_some_and(|a| {
                let a = &self.coded.actors[a].actor;
                a.antecedent.is_some() || a.resolved.is_some()
            });
        named
            .then(|| self.head_actor[k].or(self.cover[k]))
            .flatten()
    }

    fn code(&self, a: usize) -> &str {
        &self.coded.actors[a].actor.code
    }

    /// A place at word `k`: the recognizer's LOC that no dictionary phrase covers.
    fn place(&self, k: usize) -> bool {
        self.loc[k] && self.actor(k).is_none() && !self.in_mention[k]
    }

    fn party(&self, k: usize) -> Option<Party> {
        if NOT_PARTIES.contains(&self.prep(k).as_str()) {
            return None;
        }
        if let Some(a) = self.actor(k) {
            return Some(Party::Actor(a));
        }
        self.place(k).then_some(Party::Place(k))
    }

    /// The preposition of a nominal (`with`, `on`), or empty.
    fn prep(&self, k: usize) -> String {
        self.s
            .child(k, Rel::Case)
            .map(|c| self.s.words[c].lower.clone())
            .unwrap_or_default()
    }

    fn subject(&self, v: usize) -> Option<usize> {
        let s = self.s;
        let own = s.child(v, Rel::Subj);
        // "Russia wants to attack…", "Russia shelled X and attacked Y": the subject of the
        // governing or first verb.
        let inherited = || {
            matches!(s.rel[v], Rel::Xcomp | Rel::Conj)
                .then(|| s.head_of(v))
                .flatten()
                .filter(|&h| s.words[h].is_verb())
                .and_then(|h| s.child(h, Rel::Subj))
        };
        own.or_else(inherited).and_then(|c| self.actor(c))
    }
}

/// Finds the three kinds of candidates in one coded sentence.
fn sentence_hits(
    doc: &Doc,
    lex: &Lexicon,
    sentence: usize,
    sent: &Sent,
    coded: &Coded,
    hits: &mut Vec<Hit>,
) {
    let repaired;
    let s = match &coded.repaired {
        Some(dyad_coder::Repair { head, rel }) => {
            repaired = Sent {
                head: head.clone(),
                rel: rel.clone(),
                index: Default::default(),
                ..sent.clone()
            };
            &repaired
        }
        None => sent,
    };
    if s.is_empty() {
        return;
    }
    let first_token = doc.sentences.tokens(sentence).start;
    let view = View::new(doc, s, coded, first_token);
    let text = example_text(doc.text().get(s.span.range()).unwrap_or(""));
    let example = |dyad: String| Example {
        article: doc.article.id.clone(),
        sentence,
        text: text.clone(),
        dyad,
    };
    let party_text = |p: &Party| match p {
        Party::Actor(a) => view.code(*a).to_string(),
        Party::Place(k) => format!("PLACE {}", s.words[*k].form),
    };
    // Two parties that are one: the same code, or the same words.
    let distinct = |src: usize, p: &Party| match p {
        Party::Actor(a) => {
            view.code(src) != view.code(*a)
                && coded.actors[src].actor.words != coded.actors[*a].actor.words
        }
        Party::Place(_) => true,
    };
    if !coded.actors.is_empty() {
        verb_hits(&view, lex, &distinct, &party_text, &example, hits);
        noun_hits(&view, lex, &distinct, &party_text, &example, hits);
    }
    name_hits(doc, &view, first_token, &example, hits);
}

/// Section 1.
fn verb_hits(
    view: &View,
    lex: &Lexicon,
    distinct: &dyn Fn(usize, &Party) -> bool,
    party_text: &dyn Fn(&Party) -> String,
    example: &dyn Fn(String) -> Example,
    hits: &mut Vec<Hit>,
) {
    let s = view.s;
    for v in 0..s.len() {
        let w = &s.words[v];
        if !w.is_verb()
            || matches!(s.rel[v], Rel::Aux | Rel::AuxPass | Rel::Cop)
            || w.lemma == "be"
            || view.in_mention[v]
        {
            continue;
        }
        let by_agent = s
            .children(v)
            .find(|&c| s.rel[c] == Rel::Obl && view.prep(c) == "by");
        // The other parties, in order of preference: passive subject, object, prepositional
        // objects of the verb, then of its object noun.
        let mut parties: Vec<(Frame, Party)> = Vec::new();
        let source = match s.child(v, Rel::SubjPass) {
            Some(p) => {
                if let Some(a) = view.actor(p) {
                    parties.push((Frame::Passive, Party::Actor(a)));
                }
                by_agent.and_then(|c| view.actor(c))
            }
            None => view.subject(v),
        };
        let Some(src) = source else {
            continue;
        };
        // A light verb's object ("held talks with", "imposed sanctions on").
        let mut light: Option<usize> = None;
        for c in s.children(v).filter(|&c| s.rel[c] == Rel::Obj) {
            match view.party(c) {
                Some(p) => parties.push((Frame::Obj, p)),
                None => {
                    let o = &s.words[c];
                    if light.is_none() && (o.xpos == "NN" || o.xpos == "NNS") && !view.in_mention[c]
                    {
                        light = Some(c);
                    }
                }
            }
        }
        let preps = |h: usize, rel: Rel| {
            s.children(h)
                .filter(move |&c| s.rel[c] == rel && Some(c) != by_agent)
                .filter_map(|c| view.party(c).map(|p| (Frame::Prep(view.prep(c)), p)))
        };
        parties.extend(preps(v, Rel::Obl));
        if let Some(n) = light {
            parties.extend(preps(n, Rel::Nmod));
        }
        // An actor beats a place; the first of each wins.
        let chosen = parties
            .iter()
            .filter(|p| matches!(p.1, Party::Actor(_)) && distinct(src, &p.1))
            .chain(parties.iter().filter(|p| matches!(p.1, Party::Place(_))))
            .next();
        let Some((frame, party)) = chosen else {
            continue;
        };
        // The object noun is part of the key only when the party is not the object itself.
        let noun = light.filter(|_| matches!(frame, Frame::Prep(_)));
        if view.trigger[v] || noun.is_some_and(|n| view.trigger[n]) {
            continue;
        }
        let prt = s
            .child(v, Rel::Prt)
            .map(|p| format!(" {}", s.words[p].lower))
            .unwrap_or_default();
        let verb = format!("{}{prt}", w.lemma);
        let key = match noun {
            Some(n) => format!("{verb} {}", s.words[n].lemma),
            None => verb.clone(),
        };
        let slot = match party {
            Party::Actor(_) => "+",
            Party::Place(_) => "PLACE",
        };
        let kind = match frame {
            Frame::Passive => format!("+ [{verb}] by $"),
            Frame::Obj => format!("[{verb}] {slot}"),
            Frame::Prep(p) => {
                let object = noun.map(|n| s.words[n].lower.as_str()).unwrap_or("");
                words(&[&format!("[{verb}]"), object, p, slot])
            }
        };
        hits.push(Hit {
            section: Section::Verbs,
            key,
            kind,
            trigger: Some((lex.is_trigger(w), noun.map(|n| lex.is_trigger(&s.words[n])))),
            example: example(format!("{} → {}", view.code(src), party_text(party))),
        });
    }
}

/// Section 2.
fn noun_hits(
    view: &View,
    lex: &Lexicon,
    distinct: &dyn Fn(usize, &Party) -> bool,
    party_text: &dyn Fn(&Party) -> String,
    example: &dyn Fn(String) -> Example,
    hits: &mut Vec<Hit>,
) {
    let s = view.s;
    for n in 0..s.len() {
        let w = &s.words[n];
        if !(w.xpos == "NN" || w.xpos == "NNS") || view.in_mention[n] || view.trigger[n] {
            continue;
        }
        // The noun as the topic of a coded verb ("imposed sanctions on Iran").
        if s.head_of(n).is_some_and(|h| view.trigger[h]) {
            continue;
        }
        let owner = s.children(n).find_map(|c| {
            let poss = match s.rel[c] {
                Rel::Poss => true,
                Rel::Amod | Rel::Compound => false,
                _ => return None,
            };
            view.actor(c).map(|a| (a, poss))
        });
        let Some((src, poss)) = owner else {
            continue;
        };
        let target = s
            .children(n)
            .filter(|&m| s.rel[m] == Rel::Nmod)
            .find_map(|m| {
                let p = view.party(m)?;
                let prep = view.prep(m);
                // "the Syrian city of Aleppo", "the Indian capital of New Delhi" name a place.
                let naming = prep == "of"
                    && match p {
                        Party::Place(_) => true,
                        Party::Actor(a) => view.code(a).get(..3) == view.code(src).get(..3),
                    };
                (distinct(src, &p) && !naming).then_some((prep, p))
            });
        let Some((prep, party)) = target else {
            continue;
        };
        let owner = if poss { "$'s" } else { "$" };
        let slot = match party {
            Party::Actor(_) => "+",
            Party::Place(_) => "PLACE",
        };
        hits.push(Hit {
            section: Section::Nouns,
            key: w.lemma.clone(),
            kind: words(&[owner, &format!("[{}]", w.lemma), &prep, slot]),
            trigger: Some((lex.is_trigger(w), None)),
            example: example(format!("{} → {}", view.code(src), party_text(&party))),
        });
    }
}

/// Section 3.
fn name_hits(
    doc: &Doc,
    view: &View,
    first_token: usize,
    example: &dyn Fn(String) -> Example,
    hits: &mut Vec<Hit>,
) {
    let s = view.s;
    let n = s.len();
    let mut actor_mention = vec![false; n];
    for &dyad_coder::Mention {
        start: a,
        end: b,
        found: f,
    } in &view.coded.mentions
    {
        if matches!(f, dyad_coder::Found::Actor(_)) {
            for m in actor_mention.iter_mut().take(b.min(n)).skip(a) {
                *m = true;
            }
        }
    }
    // Words of entities that no named actor covers (a title the dictionaries know may leave
    // the name after it: "Minister Zorblax").
    let mut label: Vec<Option<&'static str>> = vec![None; n];
    // Words of an entity that a role phrase partly covers ("Budget" of "Office of Management and
    // Budget" where "Office of Management" is a role).
    let mut leftover = vec![false; n];
    for e in &doc.entities {
        let (a, b) = (e.tokens.start as usize, e.tokens.end as usize);
        if a < first_token || b > first_token + n || a >= b {
            continue;
        }
        let (a, b) = (a - first_token, b - first_token);
        if actor_mention[a..b].iter().any(|&m| m) {
            continue;
        }
        let partly = view.in_mention[a..b].iter().any(|&m| m);
        for k in a..b {
            if !view.in_mention[k] {
                label[k] = Some(e.label);
                leftover[k] = partly;
            }
        }
    }
    // Name words: entity words and proper nouns outside every phrase, and a capitalised
    // adjective or noun right before one ("Conservative Party").
    let mut name: Vec<bool> = (0..n)
        .map(|k| !view.in_mention[k] && (label[k].is_some() || s.words[k].xpos.starts_with("NNP")))
        .collect();
    for k in (0..n.saturating_sub(1)).rev() {
        let w = &s.words[k];
        if !name[k]
            && name[k + 1]
            && !view.in_mention[k]
            && matches!(w.xpos.as_str(), "JJ" | "NN" | "NNS")
            && w.form.starts_with(|c: char| c.is_uppercase())
        {
            name[k] = true;
        }
    }
    let mut k = 0;
    while k < n {
        if !name[k] {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && name[k] {
            k += 1;
        }
        // A name begins and ends with a noun, adjective or number ("the", "'s", "We" are cut).
        let content = |k: usize| {
            matches!(
                s.words[k].xpos.as_str(),
                "NNP" | "NNPS" | "NN" | "NNS" | "JJ" | "CD" | "FW"
            )
        };
        let (mut lo, mut hi) = (start, k);
        while lo < hi && !content(lo) {
            lo += 1;
        }
        while hi > lo && !content(hi - 1) {
            hi -= 1;
        }
        let entity = label[lo..hi].iter().flatten().next().copied();
        // A lone word is listed only when the recognizer calls it a name, and not when it is
        // what a role phrase left of an entity.
        if lo >= hi
            || hi - lo < 2 && (entity.is_none() || leftover[lo])
            || !s.words[lo].form.starts_with(|c: char| c.is_uppercase())
        {
            continue;
        }
        let text = doc
            .text()
            .get(s.words[lo].span.start as usize..s.words[hi - 1].span.end as usize)
            .unwrap_or("");
        let key = text.split_whitespace().collect::<Vec<_>>().join(" ");
        hits.push(Hit {
            section: Section::Names,
            key,
            kind: entity.unwrap_or("NNP").to_string(),
            trigger: None,
            example: example(String::new()),
        });
    }
}

/// The non-empty parts, separated by spaces.
fn words(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A sentence for a report line: whitespace collapsed, at most [`EXAMPLE_CHARS`] characters.
fn example_text(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(EXAMPLE_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

impl Report {
    fn sections(&self) -> [(Section, &'static str, &[Row]); 3] {
        [
            (
                Section::Verbs,
                "Uncovered governing verbs (actor subject; actor or place as object, \
                 prepositional object or passive agent; no event on the verb)",
                &self.verbs,
            ),
            (
                Section::Nouns,
                "Uncovered nouns (actor possessive or modifier; prepositional actor or place; \
                 no event on the noun)",
                &self.nouns,
            ),
            (
                Section::Names,
                "Frequent uncoded names (entities and proper-noun runs outside every \
                 dictionary phrase)",
                &self.names,
            ),
        ]
    }

    /// The report for a person to read: three sections, `top` rows each.
    pub fn text(&self, top: usize) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "# dyad dict mine: {} articles, {} sentences, {} unreadable records",
            self.articles, self.sentences, self.failed
        );
        for (i, (section, title, rows)) in self.sections().into_iter().enumerate() {
            let _ = writeln!(
                o,
                "\n## {}. {title}: {} distinct, top {}\n",
                i + 1,
                rows.len(),
                top.min(rows.len())
            );
            if rows.is_empty() {
                let _ = writeln!(o, "(none)");
            }
            for r in rows.iter().take(top) {
                let kinds = r
                    .kinds
                    .iter()
                    .take(4)
                    .map(|(k, c)| format!("{k} ({c})"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let trigger = match (section, r.trigger) {
                    (_, None) => String::new(),
                    (_, Some((v, None))) => format!("  trigger: {}", yes(v)),
                    (_, Some((v, Some(n)))) => {
                        format!("  trigger: verb {}, noun {}", yes(v), yes(n))
                    }
                };
                let _ = writeln!(o, "{:>6}  {}{trigger}  [{kinds}]", r.count, r.key);
                for e in &r.examples {
                    let dyad = if e.dyad.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", e.dyad)
                    };
                    let _ = writeln!(o, "        {}#{}{dyad}: {}", e.article, e.sentence, e.text);
                }
            }
        }
        o
    }

    /// One JSON object per row: `section`, `key`, `count`, `kinds` (frames or labels),
    /// `trigger` (verb or noun) and `noun_trigger` (light verbs), `examples`.
    pub fn jsonl(&self, top: usize) -> String {
        let mut o = String::new();
        for (section, _, rows) in self.sections() {
            for r in rows.iter().take(top) {
                let v = json!({
                    "section": section.name(),
                    "key": r.key,
                    "count": r.count,
                    "kinds": r.kinds.iter().map(|(k, c)| json!({"kind": k, "count": c})).collect::<Vec<_>>(),
                    "trigger": r.trigger.map(|t| t.0),
                    "noun_trigger": r.trigger.and_then(|t| t.1),
                    "examples": r.examples.iter().map(|e| json!({
                        "article": e.article,
                        "sentence": e.sentence,
                        "text": e.text,
                        "dyad": e.dyad,
                    })).collect::<Vec<_>>(),
                });
                o.push_str(&v.to_string());
                o.push('\n');
            }
        }
        o
    }
}
