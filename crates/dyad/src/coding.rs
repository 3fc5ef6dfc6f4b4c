//! Event coding wired to the rest of dyad: dictionaries (built-in or a folder), sentences from
//! dyad's own parse or a supplied Penn parse, JSONL event records with provenance, and the
//! human-readable `dyad explain` report.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use dyad_coder::timex::TimexType;
use dyad_coder::{penn, Coded, Coder, Config, Context, Event, Focus, Found, Lexicon, Sent};
use dyad_core::{cameo, plover, Date, Doc};
use dyad_dict::{Diagnostic, Severity};
use dyad_io::output::{
    ActorOut, CodeLine, EntryOut, ErrorRecord, EventRecord, PatternOut, PloverOut, ProvenanceOut,
    TextSpan, WhenOut,
};
use dyad_nlp::tagger::Upos;

use crate::models::Models;

/// Where sentence structure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parses {
    /// dyad's own tagger and parser.
    Own,
    /// The Penn Treebank parse supplied with the record (PETRARCH XML); records without one
    /// fall back to dyad's own.
    Supplied,
}

/// The built-in dictionaries, compiled on first use.
pub fn builtin_lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| Lexicon::compile(&dyad_dict::builtin().0))
}

/// Compiles dictionaries from folders (dyad's own format or TABARI/PETRARCH files) and single
/// TABARI/PETRARCH files. Fails when nothing usable is found; diagnostics come back for the
/// caller to print.
pub fn load_lexicon(paths: &[std::path::PathBuf]) -> anyhow::Result<(Lexicon, Vec<Diagnostic>)> {
    let mut dicts = dyad_dict::Dictionaries::default();
    let mut diags = Vec::new();
    for p in paths {
        if p.is_dir() {
            let (d, g) = dyad_dict::read_any(p);
            dicts.actors.extend(d.actors);
            dicts.agents.extend(d.agents);
            dicts.verbs.extend(d.verbs);
            dicts.discards.extend(d.discards);
            dicts.issues.extend(d.issues);
            diags.extend(g);
        } else {
            anyhow::ensure!(p.is_file(), "{}: no such file or folder", p.display());
            diags.extend(dyad_dict::read_path(&mut dicts, p));
        }
    }
    let s = dicts.stats();
    anyhow::ensure!(
        s.actors + s.verbs + s.patterns > 0,
        "no actor or verb dictionary in {} (expected dyad's actors/*.tsv and verbs.tsv, or \
         TABARI/PETRARCH *.actors.txt and *verbs.txt files)",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok((Lexicon::compile(&dicts), diags))
}

/// Lemmas for words of a supplied parse, from dyad's lemmatizer.
pub fn penn_lemma(word: &str, tag: &str) -> String {
    let upos = if tag.starts_with("NNP") {
        Upos::Propn
    } else if tag.starts_with("VB") {
        Upos::Verb
    } else {
        Upos::Noun
    };
    Models::builtin_lemmatizer()
        .lemma(word, upos, tag)
        .to_lowercase()
}

/// The sentence view for a supplied parse of `text`.
pub fn supplied_sent(parse: &str, text: &str) -> Result<Sent, penn::ParseError> {
    let tree = penn::parse_tree(parse)?;
    Ok(penn::to_sent(&tree, text, &penn_lemma))
}

/// The events of one sentence, with everything the coder found.
#[derive(Debug, Clone)]
pub struct SentenceCoding {
    /// Sentence index in the document.
    pub sentence: usize,
    /// The sentence view that was coded.
    pub sent: Sent,
    /// What the coder found.
    pub coded: Coded,
}

/// Codes every sentence of an annotated document. With [`Parses::Supplied`] and a parse on the
/// article, the whole text is one sentence with that parse. Returns an error message when a
/// supplied parse is unreadable.
pub fn code_doc(
    doc: &Doc,
    lex: &Lexicon,
    config: Config,
    parses: Parses,
    date: Date,
) -> Result<Vec<SentenceCoding>, String> {
    let coder = Coder { lex, config };
    let mut ctx = Context::default();
    ctx.focus = focus(doc, lex, date);
    let mut out = Vec::new();
    if let (Parses::Supplied, Some(parse)) = (parses, &doc.article.parse) {
        let sent =
            supplied_sent(parse, doc.text()).map_err(|e| format!("bad supplied parse: {e}"))?;
        let coded = coder.code(&sent, date, &mut ctx);
        out.push(SentenceCoding {
            sentence: 0,
            sent,
            coded,
        });
        return Ok(out);
    }
    for s in 0..doc.sentences.len() {
        let sent = Sent::from_doc(doc, s);
        let coded = coder.code(&sent, date, &mut ctx);
        out.push(SentenceCoding {
            sentence: s,
            sent,
            coded,
        });
    }
    let mut whole: Vec<(&Sent, &mut Vec<Event>)> = out
        .iter_mut()
        .map(|c| (&c.sent, &mut c.coded.events))
        .collect();
    coder.finish(&mut whole);
    Ok(out)
}

/// The document's focus from its title and source metadata (the title's words are looked up
/// in the dictionaries; they are not coded).
pub fn focus(doc: &Doc, lex: &Lexicon, date: Date) -> Focus {
    static SEGMENTER: OnceLock<dyad_text::Segmenter> = OnceLock::new();
    let title = doc.article.title.as_deref().unwrap_or("");
    let mut tokens = dyad_core::Tokens::default();
    let mut sentences = dyad_core::Sentences::default();
    SEGMENTER
        .get_or_init(dyad_text::Segmenter::new)
        .segment(title, &mut tokens, &mut sentences);
    let words: Vec<dyad_coder::Word> = (0..tokens.len())
        .map(|t| {
            let span = tokens.span(t);
            let form = &title[span.range()];
            dyad_coder::Word::new(span, form, &penn_lemma(form, "NNP"), "NNP")
        })
        .collect();
    let source = [doc.article.source.as_deref(), doc.article.url.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Focus::from_title(lex, &words, &source, date)
}

fn date_str(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn entry(lex: &Lexicon, o: dyad_coder::Origin) -> EntryOut {
    EntryOut {
        file: lex.file(o).to_string(),
        line: o.line,
    }
}

/// The text and span of `span` in the document.
pub fn text_span(doc: &Doc, span: dyad_core::Span) -> TextSpan {
    TextSpan {
        text: doc.text().get(span.range()).unwrap_or("").to_string(),
        span: [span.start as usize, span.end as usize],
    }
}

fn actor_out(doc: &Doc, lex: &Lexicon, a: &Option<dyad_coder::ActorRef>) -> Option<ActorOut> {
    let a = a.as_ref()?;
    let TextSpan { text, span } = text_span(doc, a.span);
    Some(ActorOut {
        code: a.code.to_string(),
        text,
        span,
        entries: a.entries.iter().map(|o| entry(lex, *o)).collect(),
        resolved: a.resolved.map(str::to_string),
        antecedent: a.antecedent.map(|ant| text_span(doc, ant)),
        place: None,
    })
}

/// One event as `dyad code` records it, without what the document's facts add (place, quote,
/// a date stated in the clause): see [`event_record`].
pub fn event_out(
    doc: &Doc,
    lex: &Lexicon,
    s: &SentenceCoding,
    e: &Event,
    date: Date,
) -> EventRecord {
    let info = cameo::event(&e.code);
    let pattern = e.pattern.map(|p| {
        let p = &lex.patterns[p as usize];
        PatternOut {
            file: lex.file(p.origin).to_string(),
            line: p.origin.line,
            pattern: p.text.to_string(),
            code: p.code.to_string(),
        }
    });
    EventRecord {
        article: doc.article.id.clone(),
        sentence: s.sentence,
        date: date_str(date),
        source: actor_out(doc, lex, &e.source),
        target: actor_out(doc, lex, &e.target),
        cameo: e.code.to_string(),
        name: info.map(|i| i.name.to_string()),
        root: info
            .map(|i| i.root)
            .or_else(|| e.code.get(..2))
            .map(str::to_string),
        quad: info.map(|i| i.quad_class.number()),
        goldstein: info.map(|i| (f64::from(i.goldstein) * 10.0).round() / 10.0),
        plover: plover::plover(&e.code).map(|p| PloverOut {
            event_type: p.event_type.as_str().to_string(),
            mode: p.mode.map(str::to_string),
        }),
        negated: e.negated,
        historical: e.when.is_some(),
        when: e.when.as_ref().map(|w| {
            let TextSpan { text, span } = text_span(doc, w.span);
            WhenOut {
                value: w.value.to_string(),
                text,
                span,
            }
        }),
        provenance: ProvenanceOut {
            verb: text_span(doc, e.trigger.span),
            sentence_span: [s.sent.span.start as usize, s.sent.span.end as usize],
            pattern,
            rule: e.rule.map(str::to_string),
        },
        quote: None,
        place: None,
    }
}

/// What `dyad code` makes of one document.
#[derive(Debug, Clone)]
pub enum DocEvents {
    /// Neither the article nor the command line gives a date: nothing is coded.
    NoDate,
    /// The supplied parse could not be read.
    BadParse(String),
    /// The codings of every sentence, dated `date`.
    Coded {
        /// The date events carry (and actor codes are taken at).
        date: Date,
        /// One per sentence.
        codings: Vec<SentenceCoding>,
    },
}

/// Codes an annotated document as `dyad code` does: dated by the article, else `fallback`.
pub fn code_events(
    doc: &Doc,
    lex: &Lexicon,
    config: Config,
    parses: Parses,
    fallback: Option<Date>,
) -> DocEvents {
    let Some(date) = article_date(doc, fallback) else {
        return DocEvents::NoDate;
    };
    match code_doc(doc, lex, config, parses, date) {
        Ok(codings) => DocEvents::Coded { date, codings },
        Err(msg) => DocEvents::BadParse(msg),
    }
}

/// The `dyad code` record of one event: [`event_out`] with the place where it happened
/// (from the document's [`crate::gkg::Facts`]: its resolved place names), the date its clause
/// states, and the quote it was reported in.
pub fn event_record(
    doc: &Doc,
    lex: &Lexicon,
    s: &SentenceCoding,
    e: &Event,
    date: Date,
    facts: &crate::gkg::Facts,
) -> EventRecord {
    let (places, quotes) = (&facts.places, &facts.quotes);
    let mut v = event_out(doc, lex, s, e, date);
    // An event reported inside a quote or reported speech: whose words they are.
    let t = e.trigger.span.start as usize;
    v.quote = quotes
        .iter()
        .filter(|q| q.span.0 <= t && t < q.span.1)
        .min_by_key(|q| q.span.1 - q.span.0)
        .map(|q| crate::quotes::quote_out(doc, q));
    v.place =
        crate::geo::event_place(places, s, e).map(|(p, rule)| crate::geo::place_out(doc, p, rule));
    for (out, actor) in [(&mut v.source, &e.source), (&mut v.target, &e.target)] {
        if let (Some(out), Some(a)) = (out, actor) {
            out.place = crate::geo::actor_place(doc, places, a);
        }
    }
    // The date the event's clause states ("met on Thursday"); more than a week before the
    // story, the event is historical.
    if e.when.is_none() {
        let clause = s.sent.clause_head(e.trigger.word);
        let found;
        let sentence_timexes = match facts.timexes.get(s.sentence) {
            Some(t) if facts.date == Some(date) => t,
            _ => {
                found = dyad_coder::timex::find(&s.sent, date);
                &found
            }
        };
        let stated = sentence_timexes
            .iter()
            .filter(|t| matches!(t.kind, TimexType::Date | TimexType::Time))
            .filter(|t| s.sent.clause_head(t.words.0) == clause)
            .filter(|t| t.value.as_bytes().first().is_some_and(u8::is_ascii_digit))
            .min_by_key(|t| t.words.0.abs_diff(e.trigger.word));
        if let Some(t) = stated {
            let end = last_day(&t.value);
            v.historical = end.is_some_and(|d| d.add_days(7).is_some_and(|d| d < date));
            let TextSpan { text, span } = text_span(doc, t.span);
            v.when = Some(WhenOut {
                value: t.value.to_string(),
                text,
                span,
            });
        }
    }
    v
}

/// The last day a TIMEX3 date value covers (`2022-02` → 2022-02-28; `2014` → 2014-12-31;
/// `2022-W09` → its Sunday).
fn last_day(value: &str) -> Option<Date> {
    let v = value.split('T').next().unwrap_or(value);
    if let Some(d) = Date::parse_iso(v) {
        return Some(d);
    }
    let num = |s: &str| s.parse::<i32>().ok();
    match v.len() {
        4 => Date::new(num(v)?, 12, 31),
        7 if v.as_bytes()[4] == b'-' => {
            let (y, m) = (num(&v[..4])?, num(&v[5..])? as u32);
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            Date::new(ny, nm, 1)?.add_days(-1)
        }
        8 if &v[4..6] == "-W" => {
            let (y, w) = (num(&v[..4])?, num(&v[6..])?);
            // ISO week 1 holds January 4th.
            let jan4 = Date::new(y, 1, 4)?;
            let monday = jan4.add_days(-i64::from(jan4.weekday()))?;
            monday.add_days(i64::from(w - 1) * 7 + 6)
        }
        _ => None,
    }
}

/// What `dyad code` writes for one document: one line per event, or one error record
/// (`no-date`, `bad-parse`) when the document could not be coded.
pub fn code_lines(
    doc: &Doc,
    lex: &Lexicon,
    events: &DocEvents,
    facts: &crate::gkg::Facts,
) -> Vec<CodeLine> {
    match events {
        DocEvents::NoDate => vec![CodeLine::Error(ErrorRecord::for_doc(
            doc,
            "no-date",
            "the article has no date: give --date YYYY-MM-DD",
        ))],
        DocEvents::BadParse(msg) => vec![CodeLine::Error(ErrorRecord::for_doc(
            doc,
            "bad-parse",
            msg.as_str(),
        ))],
        DocEvents::Coded { .. } => event_records(doc, lex, events, facts)
            .into_iter()
            .map(|e| CodeLine::Event(Box::new(e)))
            .collect(),
    }
}

/// Appends the `dyad code` JSONL records of one document ([`code_lines`]).
pub fn write_events_jsonl(
    buf: &mut Vec<u8>,
    doc: &Doc,
    lex: &Lexicon,
    events: &DocEvents,
    facts: &crate::gkg::Facts,
) -> std::io::Result<()> {
    for line in code_lines(doc, lex, events, facts) {
        dyad_io::output::write_line(buf, &line)?;
    }
    Ok(())
}

/// The event records of a coded article, as [`write_events_jsonl`] writes them; none for an
/// article that was not coded (no date, or a bad supplied parse).
pub fn event_records(
    doc: &Doc,
    lex: &Lexicon,
    events: &DocEvents,
    facts: &crate::gkg::Facts,
) -> Vec<EventRecord> {
    match events {
        DocEvents::Coded { date, codings } => codings
            .iter()
            .flat_map(|sc| {
                sc.coded
                    .events
                    .iter()
                    .map(move |e| event_record(doc, lex, sc, e, *date, facts))
            })
            .collect(),
        DocEvents::NoDate | DocEvents::BadParse(_) => Vec::new(),
    }
}

/// The facts of a coded article (places, quotes, dates, counts) over the sentence views its
/// coding built.
pub fn facts(doc: &Doc, events: &DocEvents, fallback: Option<Date>) -> crate::gkg::Facts {
    let date = article_date(doc, fallback);
    match events {
        DocEvents::Coded { codings, .. } if codings.len() == doc.sentences.len() => {
            let sents: Vec<&Sent> = codings.iter().map(|c| &c.sent).collect();
            crate::gkg::Facts::new(doc, &sents, date)
        }
        _ => crate::gkg::Facts::of(doc, date),
    }
}

/// The facts event records need (places, quotes, dates; no counts), as recoding a stored
/// article uses them: its GKG record is kept.
pub fn event_facts(doc: &Doc, events: &DocEvents, fallback: Option<Date>) -> crate::gkg::Facts {
    let date = article_date(doc, fallback);
    let DocEvents::Coded { codings, .. } = events else {
        return crate::gkg::Facts::default();
    };
    if codings.iter().all(|c| c.coded.events.is_empty()) {
        return crate::gkg::Facts::default();
    }
    if codings.len() != doc.sentences.len() {
        return crate::gkg::Facts::of(doc, date);
    }
    let sents: Vec<&Sent> = codings.iter().map(|c| &c.sent).collect();
    // Time expressions only where there are events to date.
    let timexes = match date {
        Some(d) => codings
            .iter()
            .map(|c| {
                if c.coded.events.is_empty() {
                    Vec::new()
                } else {
                    dyad_coder::timex::find(&c.sent, d)
                }
            })
            .collect(),
        None => Vec::new(),
    };
    crate::gkg::Facts {
        places: crate::geo::places(doc),
        quotes: crate::quotes::quotes_in(doc, &sents),
        timexes,
        counts: Vec::new(),
        date,
    }
}

/// The date events are dated with: the article's, else `fallback`, else none.
pub fn article_date(doc: &Doc, fallback: Option<Date>) -> Option<Date> {
    doc.article.published.map(|p| p.date()).or(fallback)
}

/// Where a dictionary entry is, as `file:line`.
fn at(lex: &Lexicon, o: dyad_coder::Origin) -> String {
    format!("{}:{}", lex.file(o), o.line)
}

/// What decided an event, for a person to read: the pattern with its file and line, or the rule.
fn why(lex: &Lexicon, e: &Event) -> String {
    let pattern = e.pattern.map(|p| {
        let p = &lex.patterns[p as usize];
        format!("pattern \"{}\" ({})", p.text, at(lex, p.origin))
    });
    let rule = e.rule.map(|r| format!("rule: {r}"));
    pattern
        .into_iter()
        .chain(rule)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A report of the coding of one text for a person to read.
pub fn explain(doc: &Doc, lex: &Lexicon, codings: &[SentenceCoding], date: Date) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "date: {}", date_str(date));
    for sc in codings {
        let repaired;
        let s = match &sc.coded.repaired {
            Some(dyad_coder::Repair { head, rel }) => {
                repaired = Sent {
                    head: head.clone(),
                    rel: rel.clone(),
                    index: Default::default(),
                    ..sc.sent.clone()
                };
                &repaired
            }
            None => &sc.sent,
        };
        let _ = writeln!(
            o,
            "\n# sentence {}: {}",
            sc.sentence,
            doc.text().get(s.span.range()).unwrap_or("").trim()
        );
        let _ = writeln!(
            o,
            "## tokens and parse{}",
            if sc.coded.repaired.is_some() {
                " (as repaired by the coder)"
            } else {
                ""
            }
        );
        for (i, w) in s.words.iter().enumerate() {
            let head = s.head_of(i).map_or("ROOT".to_string(), |h| {
                format!("{} {}", h + 1, s.words[h].form)
            });
            let _ = writeln!(
                o,
                "{:>3} {:<16} {:<12} {:<5} {:<11} -> {}",
                i + 1,
                w.form,
                w.lemma,
                w.xpos,
                s.rel[i].name(),
                head
            );
        }
        let _ = writeln!(o, "## phrases found");
        if sc.coded.mentions.is_empty() {
            let _ = writeln!(o, "(none)");
        }
        for &dyad_coder::Mention {
            start: a,
            end: b,
            found: f,
        } in &sc.coded.mentions
        {
            let text: Vec<&str> = s.words[a..b].iter().map(|w| w.form.as_str()).collect();
            let what = match f {
                Found::Actor(i) => {
                    let actor = &lex.actors[i as usize];
                    format!(
                        "actor {} = {} ({})",
                        actor.name,
                        actor.code_at(date).unwrap_or("(no code at this date)"),
                        at(lex, actor.origin)
                    )
                }
                Found::Agent(i) => {
                    let g = &lex.agents[i as usize];
                    format!("agent {} ({})", g.code, at(lex, g.origin))
                }
            };
            let _ = writeln!(o, "- \"{}\": {what}", text.join(" "));
        }
        let _ = writeln!(o, "## actors");
        for dyad_coder::CodedActor { head: h, actor: a } in &sc.coded.actors {
            let via = a
                .antecedent
                .map(|sp| {
                    format!(
                        " (refers to \"{}\")",
                        doc.text().get(sp.range()).unwrap_or("")
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "- {} \"{}\" (head {}){via}",
                a.code,
                doc.text().get(a.span.range()).unwrap_or(""),
                s.words[*h].form
            );
        }
        if let Some(d) = &sc.coded.discard {
            let (story, origin, text) = &lex.discards[d.entry as usize];
            let _ = writeln!(
                o,
                "## discarded ({}) by \"{text}\" ({})",
                if *story { "story" } else { "sentence" },
                at(lex, *origin)
            );
        }
        for dyad_coder::Suppressed { trigger: t, code } in &sc.coded.suppressed {
            let _ = writeln!(
                o,
                "## negated: \"{}\" would be {code}; not coded",
                s.words[*t].form
            );
        }
        let _ = writeln!(o, "## events");
        if sc.coded.events.is_empty() {
            let _ = writeln!(o, "(none)");
        }
        for e in &sc.coded.events {
            let code = |a: &Option<dyad_coder::ActorRef>| {
                a.as_ref().map_or("---".to_string(), |a| a.code.clone())
            };
            let name = cameo::event(&e.code).map_or("", |i| i.name);
            let why = why(lex, e);
            let _ = writeln!(
                o,
                "- {} {} {} ({name}) verb \"{}\"{}: {why}",
                code(&e.source),
                e.code,
                code(&e.target),
                s.words[e.trigger.word].form,
                if e.negated { " [negated]" } else { "" }
            );
        }
    }
    o
}

/// Prints dictionary diagnostics of warning or error severity to stderr.
pub fn report_diagnostics(diags: &[Diagnostic], quiet: bool) {
    if quiet {
        return;
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!("dyad: warning: the dictionaries have {errors} line(s) that were skipped; run `dyad dict check` for the list");
    }
}

/// One behaviour case: `date<TAB>text<TAB>expected<TAB>note` (see `tests/data/coder/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// File and line.
    pub origin: String,
    /// The case file's name.
    pub file: String,
    /// Story date.
    pub date: Date,
    /// The text.
    pub text: String,
    /// Expected `(source, code, target)` triples; `-` for no target.
    pub expected: std::collections::BTreeSet<(String, String, String)>,
    /// The construction tested.
    pub note: String,
    /// The article's title, when the case needs the document's focus (a fifth column).
    pub title: Option<String>,
}

impl Case {
    /// The case's stable identifier: `FILE: TEXT` (its file's name and its text), which does
    /// not move when lines are added above it.
    pub fn id(&self) -> String {
        format!("{}: {}", self.file, self.text)
    }
}

/// The outcome of a folder of behaviour cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CasesReport {
    /// Each failure (case, expected and coded events) and a score line per file.
    pub lines: Vec<String>,
    /// Cases passed.
    pub passed: usize,
    /// Cases run.
    pub total: usize,
    /// The identifiers ([`Case::id`]) of the failed cases, in order.
    pub failed: Vec<String>,
}

/// Reads a case file; malformed lines are errors naming the line.
pub fn read_cases(name: &str, text: &str) -> anyhow::Result<Vec<Case>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let origin = format!("{name}:{}", i + 1);
        let f: Vec<&str> = line.split('\t').collect();
        anyhow::ensure!(
            f.len() >= 3,
            "{origin}: a case is date<TAB>text<TAB>expected[<TAB>note[<TAB>title]]"
        );
        let date = Date::parse_iso(f[0].trim())
            .ok_or_else(|| anyhow::anyhow!("{origin}: bad date `{}`", f[0]))?;
        let mut expected = std::collections::BTreeSet::new();
        let exp = f[2].trim();
        if exp != "none" {
            for e in exp.split(';') {
                let parts: Vec<&str> = e.split_whitespace().collect();
                anyhow::ensure!(
                    parts.len() == 3,
                    "{origin}: `{e}` is not `SOURCE CODE TARGET`"
                );
                expected.insert((
                    parts[0].to_string(),
                    parts[1].to_string(),
                    parts[2].to_string(),
                ));
            }
        }
        out.push(Case {
            origin,
            file: name.to_string(),
            date,
            text: f[1].trim().to_string(),
            expected,
            note: f.get(3).map_or(String::new(), |s| s.trim().to_string()),
            title: f
                .get(4)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        });
    }
    Ok(out)
}

/// Codes one case with dyad's own parses; returns the coded triples.
pub fn run_case(
    case: &Case,
    lex: &Lexicon,
    annotator: &crate::pipeline::Annotator,
) -> std::collections::BTreeSet<(String, String, String)> {
    let mut doc = Doc::new(dyad_core::Article::new("case", case.text.clone()));
    doc.article.title = case.title.clone();
    annotator.annotate(&mut doc);
    let mut got = std::collections::BTreeSet::new();
    if let Ok(codings) = code_doc(&doc, lex, Config::default(), Parses::Own, case.date) {
        for sc in &codings {
            for e in &sc.coded.events {
                let a = |x: &Option<dyad_coder::ActorRef>| {
                    x.as_ref().map_or("-".to_string(), |a| a.code.clone())
                };
                got.insert((a(&e.source), e.code.clone(), a(&e.target)));
            }
        }
    }
    got
}

/// Runs every `*.tsv` case file in `dir`.
pub fn eval_cases(dir: &Path, lex: &Lexicon) -> anyhow::Result<CasesReport> {
    let annotator = crate::pipeline::Annotator::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    paths.sort();
    let mut report = CasesReport::default();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&p)?;
        let cases = read_cases(&name, &text)?;
        let mut file_ok = 0;
        for c in &cases {
            let got = run_case(c, lex, &annotator);
            report.total += 1;
            if got == c.expected {
                report.passed += 1;
                file_ok += 1;
            } else {
                report.failed.push(c.id());
                let show = |s: &std::collections::BTreeSet<(String, String, String)>| {
                    if s.is_empty() {
                        "none".to_string()
                    } else {
                        s.iter()
                            .map(|(a, b, c)| format!("{a} {b} {c}"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                };
                report.lines.push(format!(
                    "FAIL {} [{}] {}\n  expected: {}\n  got:      {}",
                    c.origin,
                    c.note,
                    c.text,
                    show(&c.expected),
                    show(&got)
                ));
            }
        }
        if !cases.is_empty() {
            report
                .lines
                .push(format!("{name}: {file_ok}/{}", cases.len()));
        }
    }
    Ok(report)
}

/// One coded event reduced to what expectations compare: source, code, target, verb text.
pub type Flat = (String, String, String, String);

/// Codes a whole article (dyad's own parses) and flattens its events.
pub fn code_article(text: &str, date: Date, lex: &Lexicon) -> Vec<Flat> {
    let mut doc = Doc::new(dyad_core::Article::new("article", text));
    crate::pipeline::Annotator::new().annotate(&mut doc);
    let mut out = Vec::new();
    if let Ok(codings) = code_doc(&doc, lex, Config::default(), Parses::Own, date) {
        for sc in &codings {
            for e in &sc.coded.events {
                let a = |x: &Option<dyad_coder::ActorRef>| {
                    x.as_ref().map_or("-".to_string(), |a| a.code.clone())
                };
                out.push((
                    a(&e.source),
                    e.code.clone(),
                    a(&e.target),
                    doc.text()[e.trigger.span.range()].to_string(),
                ));
            }
        }
    }
    out
}

/// Scores coded events against an expectation file (`tests/data/coder/seed/*.tsv`): returns the
/// report lines, the ids found, the ids expected and the number of forbidden events coded.
pub fn score_article(events: &[Flat], expected: &str) -> (Vec<String>, usize, usize, usize) {
    let alt = |field: &str, value: &str| field == "*" || field.split('|').any(|x| x == value);
    let mut ids: Vec<(String, bool)> = Vec::new();
    let mut lines = Vec::new();
    let mut forbidden = 0;
    for line in expected.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] == "forbid" && f.len() >= 3 {
            for e in events.iter().filter(|e| e.3 == f[1]) {
                if f[2] == "*" || f[2].split('|').any(|p| e.1.starts_with(p)) {
                    forbidden += 1;
                    lines.push(format!(
                        "FORBIDDEN {} {} {} (verb \"{}\"): {}",
                        e.0,
                        e.1,
                        e.2,
                        e.3,
                        f.get(3).unwrap_or(&"")
                    ));
                }
            }
            continue;
        }
        if f.len() < 4 {
            continue;
        }
        let hit = events
            .iter()
            .any(|e| alt(f[1], &e.0) && alt(f[2], &e.1) && alt(f[3], &e.2));
        if !hit {
            lines.push(format!(
                "MISSING {} {} {} {} ({})",
                f[0],
                f[1],
                f[2],
                f[3],
                f.get(4).unwrap_or(&"")
            ));
        }
        match ids.iter_mut().find(|(id, _)| id == f[0]) {
            Some((_, ok)) => *ok &= hit,
            None => ids.push((f[0].to_string(), hit)),
        }
    }
    let found = ids.iter().filter(|(_, ok)| *ok).count();
    (lines, found, ids.len(), forbidden)
}

/// The events of a document as indented human-readable lines (the demo's text output).
pub fn events_text(doc: &Doc, lex: &Lexicon, date: Option<Date>) -> String {
    let mut o = String::new();
    let Some(date) = date.or_else(|| article_date(doc, None)) else {
        o.push_str("  events: (no date: not coded)\n");
        return o;
    };
    let Ok(codings) = code_doc(doc, lex, Config::default(), Parses::Own, date) else {
        return o;
    };
    let n: usize = codings.iter().map(|c| c.coded.events.len()).sum();
    let _ = writeln!(o, "  events ({n}, dated {}):", date_str(date));
    for sc in &codings {
        for e in &sc.coded.events {
            let code = |a: &Option<dyad_coder::ActorRef>| {
                a.as_ref().map_or("---".to_string(), |a| a.code.clone())
            };
            let text = |a: &Option<dyad_coder::ActorRef>| {
                a.as_ref().map_or(String::new(), |a| {
                    format!(" \"{}\"", doc.text().get(a.span.range()).unwrap_or(""))
                })
            };
            let name = cameo::event(&e.code).map_or("", |i| i.name);
            let why = why(lex, e);
            let _ = writeln!(
                o,
                "    [{}] {}{} {} {}{}  {name}; verb \"{}\"; {why}",
                sc.sentence + 1,
                code(&e.source),
                text(&e.source),
                e.code,
                code(&e.target),
                text(&e.target),
                doc.text().get(e.trigger.span.range()).unwrap_or(""),
            );
        }
    }
    o
}
