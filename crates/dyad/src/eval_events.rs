//! `dyad eval events`: codes the passages of an event gold set (`news-events-*.jsonl` in
//! `../shared/eval`) as `dyad code` would, and scores them exactly as the reference scorer
//! `score_events.py` does; with `--errors`, lists every miss and false event with its sentence
//! and dyad's one-line reason, and counts them by category.
//!
//! The scorer ([`score`]) is a pure function over gold passages and predicted events:
//! predictions are deduplicated per passage on (source key, code, target key), keeping the first;
//! gold events are matched one to one, in gold order, to the first unused prediction that
//! agrees at each level (`exact`, `source-root`, `root`). [`Scores::summary`] gives the reference
//! scorer's lines, the root level last.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use dyad_coder::{ActorRef, Config, Event, Lexicon, Word};
use dyad_core::{Date, Doc, Span};
use rayon::prelude::*;
use serde_json::Value;

use crate::coding::{self, DocEvents, Parses, SentenceCoding};

/// CAMEO region codes: inside an IGO/NGO code they qualify the organisation (`IGOEUREEC` is the
/// EU).
pub const REGIONS: &[&str] = &[
    "AFR", "ASA", "BLK", "CAS", "CAU", "CEU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR", "LAM",
    "MDT", "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WST",
];

/// Organisations known under two codes: the African Union succeeded the OAU.
pub const SAME_ORG: &[(&str, &str)] = &[("AFU", "OAU")];

/// The scoring levels, in the order the summary prints them (root last).
pub const LEVELS: [&str; 3] = ["exact", "source-root", "root"];

const ROOT: usize = 2;

/// The first `n` characters of `s` (Python's `s[:n]`).
fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The key an actor code is compared by: for IGO/NGO/IMG codes the prefix and the first
/// three-letter part that is not a region (`IGOEUREEC` and `IGOEEC` are both `IGOEEC`), else the
/// first three letters (the country, or a bare role such as `GOV`). Empty for no actor.
pub fn key(code: &str) -> String {
    let c: Vec<char> = code.to_uppercase().chars().filter(|&c| c != '-').collect();
    if c.is_empty() {
        return String::new();
    }
    let head: String = c.iter().take(3).collect();
    if matches!(head.as_str(), "IGO" | "NGO" | "IMG") {
        let org = c[3..]
            .chunks(3)
            .map(|p| p.iter().collect::<String>())
            .find(|p| !REGIONS.contains(&p.as_str()))
            .unwrap_or_default();
        let org = SAME_ORG
            .iter()
            .find(|(a, _)| *a == org)
            .map_or(org.clone(), |(_, b)| b.to_string());
        return head + &org;
    }
    head
}

/// One gold event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoldEvent {
    /// Source actor code, if any.
    pub source: Option<String>,
    /// CAMEO code.
    pub cameo: String,
    /// Target actor code, if any.
    pub target: Option<String>,
    /// Other acceptable codes.
    pub alt: Vec<String>,
    /// The words that express the act.
    pub trigger: Option<String>,
}

impl GoldEvent {
    /// The CAMEO roots a prediction may have: the code's and its alternatives'.
    fn roots(&self) -> HashSet<&str> {
        std::iter::once(&self.cameo)
            .chain(&self.alt)
            .map(|c| prefix(c, 2))
            .collect()
    }
}

/// One gold passage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoldPassage {
    /// The passage id; `None` when the file's id is not a string (no prediction can then be
    /// attributed to it, as with the reference scorer).
    pub id: Option<String>,
    /// The passage text.
    pub text: String,
    /// Its events; empty for a passage with no codable event.
    pub events: Vec<GoldEvent>,
}

/// One predicted event, as the scorer reads it: the article (passage) id, the codes as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Predicted {
    /// The passage id.
    pub article: String,
    /// Source code, empty for none.
    pub source: String,
    /// Event code.
    pub cameo: String,
    /// Target code, empty for none.
    pub target: String,
}

/// Python's line iteration of a text file opened in text mode: `\r\n`, `\r` and `\n` end lines.
fn py_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['\n', '\r'])
        .scan(false, |after_cr, piece| {
            // A `\n` right after a `\r` is the second half of one `\r\n` line end.
            let skip = *after_cr && piece == "\n";
            *after_cr = piece.ends_with('\r');
            Some((!skip).then(|| piece.trim_end_matches(['\n', '\r'])))
        })
        .flatten()
}

/// Reads a gold file: one passage per non-blank line. A line that is not a passage is an error
/// naming the line (the reference scorer stops there too).
pub fn read_gold(text: &str) -> anyhow::Result<Vec<GoldPassage>> {
    let mut out = Vec::new();
    for (i, line) in py_lines(text).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("gold line {}", i + 1);
        let v: Value = serde_json::from_str(line).with_context(at)?;
        let id = v.get("id").with_context(|| format!("{}: no `id`", at()))?;
        let str_of = |v: Option<&Value>, what: &str| -> anyhow::Result<Option<String>> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => anyhow::bail!("{}: `{what}` is not a string: {other}", at()),
            }
        };
        let mut events = Vec::new();
        if let Some(Value::Array(list)) = v.get("events") {
            for e in list {
                let cameo = str_of(e.get("cameo"), "cameo")?
                    .with_context(|| format!("{}: an event has no `cameo`", at()))?;
                let alt = match e.get("alt") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|x| str_of(Some(x), "alt").map(Option::unwrap_or_default))
                        .collect::<anyhow::Result<Vec<_>>>()?,
                    _ => Vec::new(),
                };
                events.push(GoldEvent {
                    source: str_of(e.get("source"), "source")?,
                    cameo,
                    target: str_of(e.get("target"), "target")?,
                    alt,
                    trigger: str_of(e.get("trigger"), "trigger").ok().flatten(),
                });
            }
        }
        out.push(GoldPassage {
            id: id.as_str().map(str::to_string),
            text: v
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            events,
        });
    }
    Ok(out)
}

/// Python's `str()` of a JSON value, for the fields the reference scorer passes through it.
fn py_str(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "None".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "True" } else { "False" }.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The reference scorer's `code_of`: an actor object's `code`, a bare string, or empty.
fn code_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(o)) => o
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// Reads coded events (`dyad code` JSONL) as the reference scorer does: lines that are not JSON
/// objects with a `cameo` field (error records among them) are skipped.
pub fn read_predicted(text: &str) -> Vec<Predicted> {
    py_lines(text)
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e.as_object().is_some_and(|o| o.contains_key("cameo")))
        .map(|e| Predicted {
            article: py_str(e.get("article")),
            source: code_of(e.get("source")),
            cameo: py_str(e.get("cameo")),
            target: code_of(e.get("target")),
        })
        .collect()
}

/// How one passage was scored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PassageScore {
    /// The passage's predictions after deduplication: indices into the predictions given to
    /// [`score`], in their order.
    pub kept: Vec<usize>,
    /// For each gold event, the position in `kept` of the prediction it matched at root level.
    pub root_match: Vec<Option<usize>>,
}

impl PassageScore {
    /// Positions in `kept` of the predictions no gold event matched at root level.
    pub fn false_positions(&self) -> Vec<usize> {
        let used: HashSet<usize> = self.root_match.iter().flatten().copied().collect();
        (0..self.kept.len()).filter(|i| !used.contains(i)).collect()
    }
}

/// Scores of predictions against a gold set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scores {
    /// One per gold passage, in order.
    pub passages: Vec<PassageScore>,
    /// Gold events.
    pub gold_events: usize,
    /// Predictions on gold passages, after deduplication.
    pub predicted: usize,
    /// Passages with no gold event.
    pub no_event_passages: usize,
    /// Predictions on those.
    pub events_on_no_event_passages: usize,
    /// Matches per level ([`LEVELS`]).
    pub true_positives: [usize; 3],
    /// Per gold root: (matched at root level, gold events).
    pub per_root: BTreeMap<String, (usize, usize)>,
}

/// A deduplicated prediction: index, upper-cased source, code, upper-cased target.
type Kept<'a> = (usize, String, &'a str, String);

/// A passage's predictions: the dedupe keys seen, and the predictions kept.
type ArticlePreds<'a> = (HashSet<(String, &'a str, String)>, Vec<Kept<'a>>);

/// Scores `pred` against `gold` exactly as `score_events.py` does.
pub fn score(gold: &[GoldPassage], pred: &[Predicted]) -> Scores {
    let mut by_article: HashMap<&str, ArticlePreds> = HashMap::new();
    for (i, p) in pred.iter().enumerate() {
        let (seen, kept) = by_article.entry(p.article.as_str()).or_default();
        if seen.insert((key(&p.source), p.cameo.as_str(), key(&p.target))) {
            kept.push((
                i,
                p.source.to_uppercase(),
                p.cameo.as_str(),
                p.target.to_uppercase(),
            ));
        }
    }
    let mut s = Scores::default();
    let none: Vec<Kept> = Vec::new();
    for it in gold {
        let kept = it
            .id
            .as_deref()
            .and_then(|id| by_article.get(id))
            .map_or(&none, |(_, k)| k);
        s.predicted += kept.len();
        s.gold_events += it.events.len();
        if it.events.is_empty() {
            s.no_event_passages += 1;
            s.events_on_no_event_passages += kept.len();
        }
        let mut root_match = vec![None; it.events.len()];
        for (lvl, tp) in s.true_positives.iter_mut().enumerate() {
            let mut used = vec![false; kept.len()];
            for (gi, g) in it.events.iter().enumerate() {
                let roots = g.roots();
                let gs = g.source.as_deref().unwrap_or_default();
                let gt = g.target.as_deref().unwrap_or_default();
                let found = kept.iter().enumerate().position(|(pi, (_, ps, c, pt))| {
                    !used[pi]
                        && match lvl {
                            0 => {
                                (g.cameo == *c || g.alt.iter().any(|a| a == c))
                                    && *ps == gs.to_uppercase()
                                    && *pt == gt.to_uppercase()
                            }
                            1 => roots.contains(prefix(c, 2)) && key(ps) == key(gs),
                            _ => {
                                roots.contains(prefix(c, 2))
                                    && key(ps) == key(gs)
                                    && key(pt) == key(gt)
                            }
                        }
                });
                if let Some(pi) = found {
                    used[pi] = true;
                    *tp += 1;
                }
                if lvl == ROOT {
                    root_match[gi] = found;
                    let r = s
                        .per_root
                        .entry(prefix(&g.cameo, 2).to_string())
                        .or_default();
                    r.0 += usize::from(found.is_some());
                    r.1 += 1;
                }
            }
        }
        s.passages.push(PassageScore {
            kept: kept.iter().map(|k| k.0).collect(),
            root_match,
        });
    }
    s
}

impl Scores {
    /// Precision, recall and F1 (fractions) at a level ([`LEVELS`] index).
    pub fn prf(&self, level: usize) -> (f64, f64, f64) {
        let tp = self.true_positives[level] as f64;
        let p = if self.predicted > 0 {
            tp / self.predicted as f64
        } else {
            0.0
        };
        let r = if self.gold_events > 0 {
            tp / self.gold_events as f64
        } else {
            0.0
        };
        let f = if p + r != 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }

    /// The reference scorer's summary lines: counts, recall per root, then P/R/F1 per level,
    /// the root level last.
    pub fn summary(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "passages={} gold_events={} predicted={} events_on_no_event_passages={} (of {})",
                self.passages.len(),
                self.gold_events,
                self.predicted,
                self.events_on_no_event_passages,
                self.no_event_passages
            ),
            format!(
                "per root (recall): {}",
                self.per_root
                    .iter()
                    .map(|(r, (ok, n))| format!("{r}:{ok}/{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ];
        for (i, lvl) in LEVELS.iter().enumerate() {
            let (p, r, f) = self.prf(i);
            out.push(format!(
                "events {lvl}: P={:.1} R={:.1} F1={:.1}",
                100.0 * p,
                100.0 * r,
                100.0 * f
            ));
        }
        out
    }
}

/// Options of [`run`].
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Coder options.
    pub config: Config,
    /// Sentence structure (passages carry no parse, so dyad's own in practice).
    pub parses: Parses,
    /// Date for passages without one.
    pub date: Option<Date>,
    /// List every miss and false event, then the error categories, before the summary.
    pub errors: bool,
    /// Write the coded events here, as `dyad code` writes them.
    pub out: Option<&'a Path>,
}

/// One coded passage.
struct CodedDoc {
    doc: Doc,
    events: DocEvents,
}

/// Where a prediction came from: document, sentence coding, event.
type EventAt = (usize, usize, usize);

/// Codes the passages of the gold file `gold` as `dyad code` would and scores them; returns the
/// report (with `errors`, the error list and category table first), ending with the summary
/// lines.
pub fn run(gold: &Path, lex: &Lexicon, opts: &Options) -> anyhow::Result<String> {
    let bytes = std::fs::read(gold).with_context(|| format!("reading {}", gold.display()))?;
    let passages = read_gold(&String::from_utf8_lossy(&bytes))
        .with_context(|| format!("reading {}", gold.display()))?;
    let name = gold.display().to_string();
    let records = dyad_io::read::read_bytes(
        &name,
        &bytes,
        dyad_io::read::InputFormat::Jsonl,
        &dyad_io::read::ReaderConfig::default(),
    );
    let mut docs = Vec::new();
    for r in records {
        match r {
            Ok(doc) => docs.push(doc),
            Err(e) => eprintln!("dyad: error: {e}"),
        }
    }
    let annotator = crate::pipeline::Annotator::new();
    let coded: Vec<CodedDoc> = docs
        .into_par_iter()
        .map(|mut doc| {
            annotator.annotate(&mut doc);
            let events = coding::code_events(&doc, lex, opts.config, opts.parses, opts.date);
            CodedDoc { doc, events }
        })
        .collect();
    if let Some(path) = opts.out {
        let mut buf = Vec::new();
        for c in &coded {
            let facts = coding::facts(&c.doc, &c.events, opts.date);
            coding::write_events_jsonl(&mut buf, &c.doc, lex, &c.events, &facts)?;
        }
        std::fs::write(path, buf).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut pred = Vec::new();
    let mut at: Vec<EventAt> = Vec::new();
    for (d, c) in coded.iter().enumerate() {
        if let DocEvents::Coded { codings, .. } = &c.events {
            for (s, sc) in codings.iter().enumerate() {
                for (k, e) in sc.coded.events.iter().enumerate() {
                    let code =
                        |a: &Option<ActorRef>| a.as_ref().map_or(String::new(), |a| a.code.clone());
                    pred.push(Predicted {
                        article: c.doc.article.id.clone(),
                        source: code(&e.source),
                        cameo: e.code.clone(),
                        target: code(&e.target),
                    });
                    at.push((d, s, k));
                }
            }
        }
    }
    let scores = score(&passages, &pred);
    let mut out = String::new();
    if opts.errors {
        let report = Errors {
            lex,
            coded: &coded,
            pred: &pred,
            at: &at,
        };
        out.push_str(&report.render(&passages, &scores));
    }
    for l in scores.summary() {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

/// The `--errors` report.
struct Errors<'a> {
    lex: &'a Lexicon,
    coded: &'a [CodedDoc],
    pred: &'a [Predicted],
    at: &'a [EventAt],
}

/// A code for display: `-` for none.
fn show(code: Option<&str>) -> &str {
    code.filter(|c| !c.is_empty()).unwrap_or("-")
}

/// Lower-cased text with typographic quotes folded, and for each byte of it the byte offset in
/// the original text (one more entry: the original length).
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut s = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, ch) in text.char_indices() {
        let ch = match ch {
            '\u{2018}' | '\u{2019}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        };
        for l in ch.to_lowercase() {
            let before = s.len();
            s.push(l);
            map.extend(std::iter::repeat_n(i, s.len() - before));
        }
    }
    map.push(text.len());
    (s, map)
}

/// Finds `needle` in `text` (case and quotes folded) starting at a word boundary; the byte span
/// in `text`.
fn find_folded(text: &str, needle: &str) -> Option<Span> {
    let (t, map) = fold(text);
    let (n, _) = fold(needle.trim());
    if n.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = t[from..].find(&n) {
        let i = from + i;
        let boundary = t[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if boundary {
            return Some(Span::from_usize(map[i], map[i + n.len()]));
        }
        from = i + t[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Where a gold trigger is: its span (the whole trigger, else its first word of three letters or
/// more that the text has), and whether the whole trigger was found.
fn locate_trigger(text: &str, trigger: &str) -> Option<(Span, bool)> {
    if let Some(sp) = find_folded(text, trigger) {
        return Some((sp, true));
    }
    // A trigger in parts: `has indicated ... has expressed`.
    let parts: Vec<&str> = trigger.split(['…']).flat_map(|p| p.split("...")).collect();
    if parts.len() > 1 {
        if let Some(sp) = parts.iter().find_map(|p| find_folded(text, p)) {
            return Some((sp, true));
        }
    }
    trigger
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| w.chars().count() >= 3)
        .find_map(|w| find_folded(text, w).map(|sp| (sp, false)))
}

/// Words that are never what a trigger is about (auxiliaries, determiners, prepositions).
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or", "be",
    "is", "are", "was", "were", "been", "being", "have", "has", "had", "do", "does", "did", "will",
    "would", "shall", "should", "can", "could", "may", "might", "must", "not", "that", "his",
    "her", "its", "their", "our", "this", "these", "those",
];

/// Whether a sentence word can be a trigger's content word (not an auxiliary, determiner,
/// preposition, conjunction or punctuation).
fn content_word(s: &dyad_coder::Sent, i: usize) -> bool {
    use dyad_coder::Rel;
    let w = &s.words[i];
    !matches!(
        s.rel[i],
        Rel::Aux
            | Rel::AuxPass
            | Rel::Cop
            | Rel::Det
            | Rel::Case
            | Rel::Mark
            | Rel::Cc
            | Rel::Punct
    ) && !matches!(
        w.xpos.as_str(),
        "MD" | "DT" | "IN" | "TO" | "CC" | "PRP" | "PRP$" | "POS" | "WDT"
    ) && !FUNCTION_WORDS.contains(&w.lower.as_str())
}

/// The words of a trigger that no sentence gave: each with the lemmas the lemmatizer offers for
/// a verb and a noun reading.
fn loose_words(trigger: &str) -> Vec<Word> {
    let lem = &crate::models::Models::builtin().lemmatizer;
    trigger
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty() && !FUNCTION_WORDS.contains(&w.to_lowercase().as_str()))
        .flat_map(|w| {
            [
                ("VBD", dyad_nlp::tagger::Upos::Verb),
                ("VBZ", dyad_nlp::tagger::Upos::Verb),
                ("NNS", dyad_nlp::tagger::Upos::Noun),
            ]
            .map(|(t, u)| Word::new(Span::default(), w, &lem.lemma(w, u, t), t))
        })
        .collect()
}

impl Errors<'_> {
    fn doc_of(&self, id: Option<&str>) -> Option<&CodedDoc> {
        let id = id?;
        self.coded.iter().find(|c| c.doc.article.id == id)
    }

    fn event(&self, pred_index: usize) -> (&CodedDoc, &SentenceCoding, &Event) {
        let (d, s, k) = self.at[pred_index];
        let c = &self.coded[d];
        let DocEvents::Coded { codings, .. } = &c.events else {
            unreachable!("predictions come from coded documents")
        };
        (c, &codings[s], &codings[s].coded.events[k])
    }

    fn text(doc: &Doc, sp: Span) -> &str {
        doc.text().get(sp.range()).unwrap_or("").trim()
    }

    /// The actor phrase of an event for a reason line: `"text"` (and its antecedent).
    fn phrase(doc: &Doc, a: &Option<ActorRef>) -> String {
        match a {
            None => "none".to_string(),
            Some(a) => {
                let via = a.antecedent.map_or(String::new(), |sp| {
                    format!(" = \"{}\"", Self::text(doc, sp))
                });
                format!("{} \"{}\"{via}", a.code, Self::text(doc, a.span))
            }
        }
    }

    fn render(&self, gold: &[GoldPassage], scores: &Scores) -> String {
        let mut o = String::new();
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (g, ps) in gold.iter().zip(&scores.passages) {
            let doc = self.doc_of(g.id.as_deref());
            let id = g.id.as_deref().unwrap_or("None");
            for (gi, ev) in g.events.iter().enumerate() {
                if ps.root_match[gi].is_some() {
                    continue;
                }
                let (category, sentence, reason) = self.miss(g, ev, ps, doc);
                *counts.entry(category).or_default() += 1;
                let _ = writeln!(
                    o,
                    "MISS {id} {} {} {}  [{category}]\n    sentence: {sentence}\n    why: {reason}",
                    show(ev.source.as_deref()),
                    ev.cameo,
                    show(ev.target.as_deref())
                );
            }
            for pos in ps.false_positions() {
                let pi = ps.kept[pos];
                let (category, sentence, reason) = self.false_event(g, ps, pi);
                *counts.entry(category).or_default() += 1;
                let p = &self.pred[pi];
                let _ = writeln!(
                    o,
                    "FALSE {id} {} {} {}  [{category}]\n    sentence: {sentence}\n    why: {reason}",
                    show(Some(&p.source)),
                    p.cameo,
                    show(Some(&p.target))
                );
            }
        }
        let mut table: Vec<(&str, usize)> = counts.into_iter().collect();
        table.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let total: usize = table.iter().map(|t| t.1).sum();
        let _ = writeln!(o, "error categories (root level, {total} errors):");
        for (c, n) in table {
            let _ = writeln!(o, "  {n:>5}  {c}");
        }
        o
    }

    /// Category, sentence and reason of a gold event dyad missed.
    fn miss(
        &self,
        g: &GoldPassage,
        ev: &GoldEvent,
        ps: &PassageScore,
        doc: Option<&CodedDoc>,
    ) -> (&'static str, String, String) {
        let roots = ev.roots();
        let gs = key(ev.source.as_deref().unwrap_or_default());
        let gt = key(ev.target.as_deref().unwrap_or_default());
        let used: HashSet<usize> = ps.root_match.iter().flatten().copied().collect();
        // Where the trigger is, and the sentence around it.
        let text = doc.map_or(g.text.as_str(), |c| c.doc.text());
        let found = ev.trigger.as_deref().and_then(|t| locate_trigger(text, t));
        let codings = match doc.map(|c| &c.events) {
            Some(DocEvents::Coded { codings, .. }) => codings.as_slice(),
            _ => &[],
        };
        let sc = found.and_then(|(sp, _)| {
            codings
                .iter()
                .find(|sc| sc.sent.span.start <= sp.start && sp.start < sc.sent.span.end)
        });
        let sentence = match (sc, doc, found) {
            (Some(sc), Some(c), _) => Self::text(&c.doc, sc.sent.span).to_string(),
            (_, _, Some(_)) => text.to_string(),
            (_, _, None) => {
                let first = codings
                    .first()
                    .and_then(|sc| doc.map(|c| Self::text(&c.doc, sc.sent.span).to_string()))
                    .unwrap_or_else(|| text.chars().take(110).collect());
                format!("(trigger not found) {first}")
            }
        };
        // A prediction with an accepted root and other actors.
        let mut candidates: Vec<(bool, bool, usize)> = ps
            .kept
            .iter()
            .enumerate()
            .filter_map(|(pos, &pi)| {
                let p = &self.pred[pi];
                let same_dyad = key(&p.source) == gs && key(&p.target) == gt;
                (roots.contains(prefix(&p.cameo, 2)) && !same_dyad).then(|| {
                    let near = key(&p.source) == gs || key(&p.target) == gt;
                    (used.contains(&pos), !near, pi)
                })
            })
            .collect();
        candidates.sort();
        if let Some(&(matched, _, pi)) = candidates.first() {
            let p = &self.pred[pi];
            let (c, _, e) = self.event(pi);
            let (ps_, pt) = (key(&p.source), key(&p.target));
            let bare = e.source.as_ref().is_some_and(|a| a.bare_role);
            let (what, category) = if ps_ == gt && pt == gs && ps_ != gs {
                (vec!["reversed"], "miss/reversed")
            } else {
                let src = (ps_ != gs).then_some(if bare {
                    ("bare-role source", "miss/bare-source")
                } else if ps_.is_empty() {
                    ("missing source", "miss/no-source")
                } else {
                    ("wrong source", "miss/wrong-source")
                });
                let tgt = (pt != gt).then_some(if pt.is_empty() {
                    ("missing target", "miss/no-target")
                } else if gt.is_empty() {
                    ("extra target", "miss/extra-target")
                } else {
                    ("wrong target", "miss/wrong-target")
                });
                let what = src.iter().chain(&tgt).map(|(w, _)| *w).collect();
                let category = match (src, tgt) {
                    (Some((_, s)), None) => s,
                    (None, Some((_, t))) => t,
                    // Both wrong: a bare role says more than the rest.
                    (Some((_, s)), Some(_)) if bare => s,
                    _ => "miss/wrong-dyad",
                };
                (what, category)
            };
            let reason = format!(
                "coded {} {} {}: {}; source {}, target {}{}",
                show(Some(&p.source)),
                p.cameo,
                show(Some(&p.target)),
                what.join(", "),
                Self::phrase(&c.doc, &e.source),
                Self::phrase(&c.doc, &e.target),
                if matched {
                    " (that event matches another gold event)"
                } else {
                    ""
                }
            );
            return (category, sentence, reason);
        }
        // The same actors with another code.
        let other = ps.kept.iter().enumerate().find(|(pos, &pi)| {
            let p = &self.pred[pi];
            !used.contains(pos) && key(&p.source) == gs && key(&p.target) == gt
        });
        if let Some((_, &pi)) = other {
            let p = &self.pred[pi];
            let (_, _, e) = self.event(pi);
            let reason = format!(
                "coded {} {} {}: wrong code (gold root {}){}",
                show(Some(&p.source)),
                p.cameo,
                show(Some(&p.target)),
                prefix(&ev.cameo, 2),
                self.pattern_note(e)
            );
            return ("miss/wrong-code", sentence, reason);
        }
        let trigger = ev.trigger.as_deref().unwrap_or("");
        // Discarded sentence or story.
        if let Some(sc) = sc {
            let discard = codings
                .iter()
                .take_while(|x| x.sentence <= sc.sentence)
                .filter_map(|x| x.coded.discard.as_ref())
                .find(|d| d.story)
                .or(sc.coded.discard.as_ref());
            if let Some(d) = discard {
                let (story, origin, text) = &self.lex.discards[d.entry as usize];
                let reason = format!(
                    "{} discarded by \"{text}\" ({}:{})",
                    if *story { "story" } else { "sentence" },
                    self.lex.file(*origin),
                    origin.line
                );
                return ("miss/discarded", sentence, reason);
            }
        }
        // The trigger's words: those of the sentence inside the trigger, else loose words.
        let words: Vec<(Option<usize>, Word)> = match (sc, found) {
            (Some(sc), Some((sp, true))) => sc
                .sent
                .words
                .iter()
                .enumerate()
                .filter(|&(i, w)| {
                    w.span.start < sp.end && sp.start < w.span.end && content_word(&sc.sent, i)
                })
                .map(|(i, w)| (Some(i), w.clone()))
                .collect(),
            _ => loose_words(trigger)
                .into_iter()
                .map(|w| (None, w))
                .collect(),
        };
        // The first verb with patterns, else the first word with patterns.
        let with_pattern = words
            .iter()
            .filter(|(_, w)| self.lex.is_trigger(w))
            .min_by_key(|(_, w)| !w.is_verb());
        let Some((wi, w)) = with_pattern else {
            return (
                "miss/no-pattern",
                sentence,
                format!("no pattern for trigger '{trigger}'"),
            );
        };
        let n = self.lex.patterns_for(w).count();
        let first = self
            .lex
            .patterns_for(w)
            .next()
            .map_or(String::new(), |(_, p, _)| {
                format!(
                    ", first \"{}\" {}:{}",
                    p.text,
                    self.lex.file(p.origin),
                    p.origin.line
                )
            });
        let has = format!("pattern exists for '{}' ({n} patterns{first})", w.form);
        if let (Some(sc), Some(wi)) = (sc, wi) {
            if let Some(dyad_coder::Suppressed { code, .. }) =
                sc.coded.suppressed.iter().find(|x| x.trigger == *wi)
            {
                return (
                    "miss/negated",
                    sentence,
                    format!("{has}: read as negated, would be {code}"),
                );
            }
            let doc = &doc.expect("a sentence comes from a document").doc;
            if sc.coded.actors.is_empty() {
                return (
                    "miss/no-actor",
                    sentence,
                    format!("{has} but no actor phrase in the sentence"),
                );
            }
            let actors: Vec<String> = sc
                .coded
                .actors
                .iter()
                .map(|c| Self::phrase(doc, &Some(c.actor.clone())))
                .collect();
            let keys: HashSet<String> =
                sc.coded.actors.iter().map(|c| key(&c.actor.code)).collect();
            let (category, what) = if !gs.is_empty() && !keys.contains(&gs) {
                (
                    "miss/source-not-found",
                    format!(
                        "no actor phrase for the source {}",
                        show(ev.source.as_deref())
                    ),
                )
            } else if !gt.is_empty() && !keys.contains(&gt) {
                (
                    "miss/target-not-found",
                    format!(
                        "no actor phrase for the target {}",
                        show(ev.target.as_deref())
                    ),
                )
            } else {
                (
                    "miss/no-event",
                    "no event (source and target phrases were found)".to_string(),
                )
            };
            return (
                category,
                sentence,
                format!("{has} but {what}; actors: {}", actors.join(", ")),
            );
        }
        (
            "miss/no-event",
            sentence,
            format!("{has} but no event (trigger not found as written)"),
        )
    }

    /// `; pattern "…" (file:line) on "verb"` or the rule, for a reason line.
    fn pattern_note(&self, e: &Event) -> String {
        let mut s = String::new();
        if let Some(p) = e.pattern {
            let p = &self.lex.patterns[p as usize];
            let _ = write!(
                s,
                "; pattern \"{}\" ({}:{})",
                p.text,
                self.lex.file(p.origin),
                p.origin.line
            );
        }
        if let Some(r) = e.rule {
            let _ = write!(s, "; rule: {r}");
        }
        s
    }

    /// Category, sentence and reason of an event dyad coded that no gold event matched.
    fn false_event(
        &self,
        g: &GoldPassage,
        ps: &PassageScore,
        pi: usize,
    ) -> (&'static str, String, String) {
        let p = &self.pred[pi];
        let (c, sc, e) = self.event(pi);
        let sentence = Self::text(&c.doc, sc.sent.span).to_string();
        let verb = Self::text(&c.doc, e.trigger.span);
        let mut reason = format!(
            "verb \"{verb}\"{}{}; source {}; target {}",
            if e.negated { " (negated)" } else { "" },
            self.pattern_note(e),
            Self::phrase(&c.doc, &e.source),
            Self::phrase(&c.doc, &e.target)
        );
        let (ps_, pt) = (key(&p.source), key(&p.target));
        let missed = |gi: &usize| ps.root_match[*gi].is_none();
        let idx: Vec<usize> = (0..g.events.len()).collect();
        let same_root = idx
            .iter()
            .filter(|gi| g.events[**gi].roots().contains(prefix(&p.cameo, 2)))
            .min_by_key(|gi| !missed(gi));
        let same_dyad = idx.iter().filter(|gi| missed(gi)).find(|gi| {
            let ev = &g.events[**gi];
            key(ev.source.as_deref().unwrap_or_default()) == ps_
                && key(ev.target.as_deref().unwrap_or_default()) == pt
        });
        let gold = |gi: usize| {
            let ev = &g.events[gi];
            format!(
                "{} {} {}",
                show(ev.source.as_deref()),
                ev.cameo,
                show(ev.target.as_deref())
            )
        };
        let category = if g.events.is_empty() {
            "false/no-event-passage"
        } else if let Some(&gi) = same_root {
            let _ = write!(reason, "; gold has {}", gold(gi));
            "false/wrong-actors"
        } else if let Some(&gi) = same_dyad {
            let _ = write!(reason, "; gold has {}", gold(gi));
            "false/wrong-code"
        } else if e.source.as_ref().is_some_and(|a| a.bare_role) {
            "false/bare-source"
        } else {
            "false/extra"
        };
        (category, sentence, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(id: &str, events: &[(&str, &str, &str, &[&str])]) -> GoldPassage {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        GoldPassage {
            id: Some(id.to_string()),
            text: String::new(),
            events: events
                .iter()
                .map(|(s, c, t, alt)| GoldEvent {
                    source: opt(s),
                    cameo: c.to_string(),
                    target: opt(t),
                    alt: alt.iter().map(|a| a.to_string()).collect(),
                    trigger: None,
                })
                .collect(),
        }
    }

    fn pred(article: &str, s: &str, c: &str, t: &str) -> Predicted {
        Predicted {
            article: article.into(),
            source: s.into(),
            cameo: c.into(),
            target: t.into(),
        }
    }

    #[test]
    fn keys() {
        assert_eq!(key("IGOEUREEC"), "IGOEEC");
        assert_eq!(key("IGOEEC"), "IGOEEC");
        assert_eq!(key("igo-afu"), "IGOOAU");
        assert_eq!(key("IGOAFRAFU"), "IGOOAU");
        assert_eq!(key("IGOEUR"), "IGO");
        assert_eq!(key("NGO"), "NGO");
        assert_eq!(key("USAGOV"), "USA");
        assert_eq!(key("GOV"), "GOV");
        assert_eq!(key("US"), "US");
        assert_eq!(key(""), "");
        assert_eq!(key("IGOUNOMIL"), "IGOUNO");
    }

    #[test]
    fn python_lines() {
        let v: Vec<&str> = py_lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(v, ["a", "b", "c", "", "d"]);
    }

    #[test]
    fn dedupe_matching_and_levels() {
        let g = vec![
            gold(
                "p1",
                &[
                    ("USAGOV", "036", "RUSGOV", &["030"]),
                    ("RUSGOV", "036", "USAGOV", &[]),
                ],
            ),
            gold("p2", &[]),
        ];
        let p = vec![
            pred("p1", "USAGOV", "030", "RUS"),
            pred("p1", "USA", "030", "RUSMIL"), // duplicate key: dropped
            pred("p1", "RUSGOV", "036", "USAGOV"),
            pred("p2", "GOV", "010", ""),
            pred("p3", "GOV", "010", ""), // no such passage: not counted
        ];
        let s = score(&g, &p);
        assert_eq!(s.predicted, 3);
        assert_eq!(s.passages[0].kept, [0, 2]);
        assert_eq!(s.passages[0].root_match, [Some(0), Some(1)]);
        assert_eq!(s.true_positives, [1, 2, 2]);
        assert_eq!(
            s.summary(),
            [
                "passages=2 gold_events=2 predicted=3 events_on_no_event_passages=1 (of 1)",
                "per root (recall): 03:2/2",
                "events exact: P=33.3 R=50.0 F1=40.0",
                "events source-root: P=66.7 R=100.0 F1=80.0",
                "events root: P=66.7 R=100.0 F1=80.0",
            ]
        );
    }

    #[test]
    fn empty_inputs() {
        let s = score(&[], &[]);
        assert_eq!(
            s.summary(),
            [
                "passages=0 gold_events=0 predicted=0 events_on_no_event_passages=0 (of 0)",
                "per root (recall): ",
                "events exact: P=0.0 R=0.0 F1=0.0",
                "events source-root: P=0.0 R=0.0 F1=0.0",
                "events root: P=0.0 R=0.0 F1=0.0",
            ]
        );
    }

    #[test]
    fn predicted_lines_as_the_reference_reads_them() {
        let text = "{\"article\":\"a\",\"source\":{\"code\":\"USAGOV\"},\"cameo\":\"040\",\"target\":null}\n\
                    not json\n{\"article\":\"a\",\"error\":\"no-date\"}\n\
                    {\"article\":7,\"source\":\"RUS\",\"cameo\":40,\"target\":{\"code\":null}}\n";
        assert_eq!(
            read_predicted(text),
            [pred("a", "USAGOV", "040", ""), pred("7", "RUS", "40", "")]
        );
    }

    #[test]
    fn triggers_are_found_with_folded_quotes() {
        let text = "Today, Putin\u{2019}s war goes on. Russia shelled Kherson.";
        let (sp, whole) = locate_trigger(text, "Putin's war").unwrap();
        assert!(whole);
        assert_eq!(&text[sp.range()], "Putin\u{2019}s war");
        let (sp, whole) = locate_trigger(text, "heavily shelled").unwrap();
        assert!(!whole);
        assert_eq!(&text[sp.range()], "shelled");
    }
}
