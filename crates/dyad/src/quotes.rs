//! Quotes with their speakers (GDELT's V2.1QUOTATIONS, with the speaker GDELT lacks), and `dyad
//! eval quotes`.
//!
//! - Direct quotes: text between matching quotation marks, straight or curly, across sentences;
//!   one to three words between marks are a term ("special military operation"), not a quote.
//! - Indirect speech: the clause a speech verb governs ("Lavrov said (that) …"), and the clause
//!   "according to X" modifies.
//! - The speaker: the subject of the speech verb of the quote's sentence (outside the quote),
//!   or the object of "according to"; a pronoun is the person last named before it (a name
//!   outranks a pronoun); a quote with no verb of its own continues the previous speaker's.

use std::fmt::Write as _;
use std::path::Path;

use dyad_coder::{Rel, Sent};
use dyad_core::Doc;
use rayon::prelude::*;
use serde_json::Value;

/// Verbs that report speech.
const SPEECH: &[&str] = &[
    "say",
    "tell",
    "add",
    "ask",
    "state",
    "declare",
    "insist",
    "write",
    "warn",
    "note",
    "explain",
    "argue",
    "continue",
    "reply",
    "tweet",
    "announce",
    "claim",
    "stress",
    "say",
    "acknowledge",
    "admit",
    "assert",
    "caution",
    "comment",
    "confirm",
    "contend",
    "deny",
    "emphasize",
    "emphasise",
    "maintain",
    "observe",
    "predict",
    "promise",
    "remark",
    "reiterate",
    "respond",
    "shoot",
    "suggest",
    "testify",
    "urge",
    "vow",
    "allege",
    "report",
    "recall",
    "concede",
    "counter",
    "retort",
    "quip",
    "pledge",
    "estimate",
    "indicate",
    "believe",
];

/// Bytes within which the previous speaker is who a pronoun means.
const RECENT: usize = 400;

/// A quote and its speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Byte span of the quoted words (inside the marks) or of the reported clause.
    pub span: (usize, usize),
    /// Between quotation marks.
    pub direct: bool,
    /// The speaker as the text names it (a name where one is written), and its span.
    pub speaker: Option<(usize, usize)>,
    /// How the speaker was found.
    pub rule: &'static str,
}

fn is_open(c: char) -> bool {
    matches!(c, '"' | '“' | '«')
}

/// Direct quotation spans `(content start, content end)` in a text.
fn direct_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match (open, c) {
            (None, c) if is_open(c) => open = Some((i + c.len_utf8(), c)),
            (Some((start, o)), c)
                if (o == '"' && c == '"') || (o == '“' && c == '”') || (o == '«' && c == '»') =>
            {
                out.push((start, i));
                open = None;
            }
            // A new paragraph reopens a quote ("…" without a closing mark before it).
            (Some((_, '“')), '“') => open = Some((i + c.len_utf8(), c)),
            _ => {}
        }
    }
    out
}

/// The first and last byte of a word range of a sentence.
fn bytes(s: &Sent, lo: usize, hi: usize) -> (usize, usize) {
    (
        s.words[lo].span.start as usize,
        s.words[hi].span.end as usize,
    )
}

/// Finds the quotes of an annotated document and their speakers.
pub fn quotes(doc: &Doc) -> Vec<Quote> {
    let sents: Vec<Sent> = (0..doc.sentences.len())
        .map(|s| Sent::from_doc(doc, s))
        .collect();
    quotes_in(doc, &sents.iter().collect::<Vec<_>>())
}

/// [`quotes`] over sentence views already built (one per sentence, in order).
pub fn quotes_in(doc: &Doc, sents: &[&Sent]) -> Vec<Quote> {
    let text = doc.text();
    let persons: Vec<(usize, usize)> = doc
        .entities
        .iter()
        .filter(|e| e.label == "PER")
        .map(|e| (e.span.start as usize, e.span.end as usize))
        .collect();
    let inside = |x: usize, spans: &[(usize, usize)]| spans.iter().any(|&(a, b)| a <= x && x < b);
    let directs: Vec<(usize, usize)> = direct_spans(text)
        .into_iter()
        .filter(|&(a, b)| text[a..b].split_whitespace().count() > 3)
        .collect();
    // Persons named as the subject of a clause: who a later "she said" most likely means.
    let subjects: Vec<(usize, usize)> = sents
        .iter()
        .flat_map(|s| {
            (0..s.len())
                .filter(|&k| s.rel[k] == Rel::Subj)
                .map(|k| (s.words[k].span.start as usize, s.words[k].span.end as usize))
                .collect::<Vec<_>>()
        })
        .filter_map(|(a, b)| {
            persons
                .iter()
                .find(|&&(pa, pb)| pa <= a && b <= pb)
                .copied()
        })
        .collect();
    // The person a pronoun before a byte offset means: the last person named as a subject
    // (outside quotes), else the last person named.
    let last_person = |before: usize| {
        let outside = |&&(a, _): &&(usize, usize)| a < before && !inside(a, &directs);
        subjects
            .iter()
            .rev()
            .find(outside)
            .or_else(|| persons.iter().rev().find(outside))
            .copied()
    };
    // A speech verb's speaker: its subject; a name where the subject holds one, its
    // apposition names one ("the spokesman, Abbas Mousavi,"), or a relative pronoun's noun does.
    let name_in = |a: usize, b: usize| {
        persons
            .iter()
            .filter(|&&(pa, pb)| pa >= a && pb <= b)
            .max_by_key(|&&(pa, pb)| (pb - pa, pa))
            .copied()
    };
    // "…, Ihor Zhovkva, Zelenskiy's deputy chief of staff, said": the name set off by commas
    // right before a speech verb (and its apposition), when the parse gives the verb no subject.
    let set_off_name = |s: &Sent, v: usize| {
        let verb = s.words[v].span.start as usize;
        persons
            .iter()
            .filter(|&&(a, b)| a >= s.span.start as usize && b <= verb && verb - b <= 80)
            .filter(|&&(a, b)| {
                let between = &text[b..verb];
                let set_off = text[..a].trim_end().ends_with(',') || a == s.span.start as usize;
                set_off
                    && (between.trim().is_empty()
                        || between.starts_with(',') && between.trim_end().ends_with(','))
            })
            .max_by_key(|&&(a, _)| a)
            .copied()
    };
    let speaker_of = |s: &Sent, v: usize| -> Option<((usize, usize), &'static str)> {
        // The verb's subject outside the quotes (a long quote can hold a wrong one), the
        // nearest.
        let subject = |h: usize| {
            s.children(h)
                .filter(|&c| {
                    s.rel[c] == Rel::Subj && !inside(s.words[c].span.start as usize, &directs)
                })
                .min_by_key(|&c| c.abs_diff(h))
        };
        let Some(mut subj) = subject(v).or_else(|| s.head_of(v).and_then(subject)) else {
            return set_off_name(s, v).map(|p| (p, "the name set off before the speech verb"));
        };
        // "Hannah Pryce, who said …": the relative pronoun's noun.
        if matches!(s.words[subj].lower.as_str(), "who" | "which" | "that") {
            let mut x = s.head_of(subj).unwrap_or(v);
            while s.rel[x] == Rel::Conj {
                match s.head_of(x) {
                    Some(h) => x = h,
                    None => break,
                }
            }
            if let Some(n) = s.head_of(x).filter(|_| s.rel[x] == Rel::Acl) {
                subj = n;
            }
        }
        let head = &s.words[subj];
        let (hs, he) = (head.span.start as usize, head.span.end as usize);
        if let Some(&p) = persons.iter().find(|&&(pa, pb)| pa <= hs && he <= pb) {
            return Some((p, "the name in the speech verb's subject"));
        }
        for c in s.children(subj).filter(|&c| s.rel[c] == Rel::Appos) {
            let (lo, hi) = s.extent(c, &|_| false);
            let (a, b) = bytes(s, lo, hi);
            if let Some(p) = name_in(a, b) {
                return Some((p, "the name in the subject's apposition"));
            }
        }
        let (lo, hi) = s.extent(subj, &|r| matches!(r, Rel::Acl | Rel::Punct));
        let (a, b) = bytes(s, lo, hi);
        if let Some(p) = name_in(a, b) {
            return Some((p, "the name in the speech verb's subject"));
        }
        if matches!(head.lower.as_str(), "he" | "she" | "i" | "we" | "they") {
            return None;
        }
        Some(((a, b), "the speech verb's subject"))
    };
    let speech_verb =
        |s: &Sent, k: usize| s.words[k].is_verb() && SPEECH.contains(&s.words[k].lemma.as_str());
    let mut out: Vec<Quote> = Vec::new();
    let mut previous: Option<(usize, usize)> = None;
    for &(qa, qb) in &directs {
        // Sentences the quote touches; a speech verb outside the quote in them.
        let touched: Vec<&Sent> = sents
            .iter()
            .copied()
            .filter(|s| {
                (s.span.start as usize) < qb + 3 && (s.span.end as usize) > qa.saturating_sub(3)
            })
            .collect();
        let mut found = None;
        for s in &touched {
            let verb = (0..s.len())
                .filter(|&k| {
                    speech_verb(s, k) && !inside(s.words[k].span.start as usize, &[(qa, qb)])
                })
                .min_by_key(|&k| {
                    let x = s.words[k].span.start as usize;
                    x.abs_diff(qb).min(x.abs_diff(qa))
                });
            if let Some(v) = verb {
                found = speaker_of(s, v);
                if found.is_some() {
                    break;
                }
            }
            // "according to X"
            if let Some(k) = (0..s.len().saturating_sub(1))
                .find(|&k| s.words[k].lower == "according" && s.words[k + 1].lower == "to")
            {
                let ka = s.words[k].span.start as usize;
                let named = persons.iter().find(|&&(a, _)| a > ka && a < qa.max(ka + 1));
                let phrase = (k + 2 < s.len()).then(|| {
                    let (lo, hi) = s.extent(k + 2, &|r| matches!(r, Rel::Appos | Rel::Punct));
                    bytes(s, lo.max(k + 2), hi)
                });
                if let Some(p) = named.copied().or(phrase) {
                    found = Some((p, "according to"));
                    break;
                }
            }
        }
        let (speaker, rule) = match found {
            Some((p, r)) => (Some(p), r),
            None => match previous.filter(|&(_, b)| qa.saturating_sub(b) < RECENT + qb - qa) {
                Some(p) => (Some(p), "the previous speaker"),
                None => (last_person(qa), "the person last named"),
            },
        };
        previous = speaker.or(previous);
        out.push(Quote {
            span: (qa, qb),
            direct: true,
            speaker,
            rule,
        });
    }
    // Indirect speech: a speech verb outside quotes governing a clause.
    for &s in sents {
        for v in 0..s.len() {
            if !speech_verb(s, v) || inside(s.words[v].span.start as usize, &directs) {
                continue;
            }
            let Some(c) = s.children(v).find(|&c| s.rel[c] == Rel::Ccomp) else {
                continue;
            };
            let (mut lo, hi) = s.extent(c, &|r| matches!(r, Rel::Punct));
            if s.words[lo].lower == "that" {
                lo += 1;
            }
            if lo > hi {
                continue;
            }
            let (a, b) = bytes(s, lo, hi);
            // A direct quote already reports it.
            if directs.iter().any(|&(qa, qb)| qa < b && a < qb) {
                continue;
            }
            let (speaker, rule) = match speaker_of(s, v) {
                Some((p, r)) => (Some(p), r),
                None => match out
                    .iter()
                    .filter(|q| q.span.1 <= a && a - q.span.1 < RECENT)
                    .max_by_key(|q| q.span.1)
                    .and_then(|q| q.speaker)
                {
                    Some(p) => (Some(p), "the previous speaker"),
                    None => (last_person(a), "the person last named"),
                },
            };
            out.push(Quote {
                span: (a, b),
                direct: false,
                speaker,
                rule,
            });
        }
        // "According to X, Y."
        if let Some(k) = (0..s.len().saturating_sub(2))
            .find(|&k| s.words[k].lower == "according" && s.words[k + 1].lower == "to")
        {
            let ka = s.words[k].span.start as usize;
            if inside(ka, &directs) {
                continue;
            }
            let speaker = persons
                .iter()
                .find(|&&(a, _)| a > ka && a < s.span.end as usize)
                .copied()
                .or_else(|| Some(bytes(s, k + 2, k + 2)));
            // The clause: the sentence without the "according to X" phrase.
            let phrase_end = s
                .extent(s.head_of(k + 2).map_or(k + 2, |_| k + 2), &|_| false)
                .1;
            let (lo, hi) = if k == 0 {
                let mut lo = phrase_end + 1;
                if s.words.get(lo).is_some_and(|w| w.lower == ",") {
                    lo += 1;
                }
                (lo, s.len().saturating_sub(1))
            } else {
                (0, k.saturating_sub(1))
            };
            let mut hi = hi;
            while hi > lo && matches!(s.words[hi].lower.as_str(), "." | "," | ";") {
                hi -= 1;
            }
            if lo <= hi && hi < s.len() {
                let (a, b) = bytes(s, lo, hi);
                if !out.iter().any(|q| q.span.0 < b && a < q.span.1) {
                    out.push(Quote {
                        span: (a, b),
                        direct: false,
                        speaker,
                        rule: "according to",
                    });
                }
            }
        }
    }
    out.sort_by_key(|q| q.span);
    out
}

/// One quote as output records carry it.
pub fn quote_out(doc: &Doc, q: &Quote) -> dyad_io::output::QuoteOut {
    let text = doc.text();
    dyad_io::output::QuoteOut {
        text: text.get(q.span.0..q.span.1).unwrap_or("").to_string(),
        span: [q.span.0, q.span.1],
        direct: q.direct,
        speaker: q
            .speaker
            .map(|(a, b)| text.get(a..b).unwrap_or("").to_string()),
        speaker_span: q.speaker.map(|(a, b)| [a, b]),
        rule: q.rule.to_string(),
    }
}

/// Runs `dyad eval quotes`: quotes match one to one by overlapping span; a matched quote's
/// speaker is right when its span overlaps the gold speaker's, or its last word is in the gold
/// speaker's name. Ends with `quotes: P=… R=… F1=… speaker=…`.
pub fn eval(path: &Path, errors: bool) -> anyhow::Result<String> {
    let mut passages = Vec::new();
    for (_, v) in crate::eval::read_jsonl(path)? {
        passages.push(v);
    }
    let annotator = crate::pipeline::Annotator::new();
    let results: Vec<([usize; 4], String)> = passages
        .par_iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or("").to_string();
            let body = v["text"].as_str().unwrap_or("").to_string();
            let mut doc = Doc::new(dyad_core::Article::new(id.clone(), body.clone()));
            annotator.annotate(&mut doc);
            let found = quotes(&doc);
            let mut report = String::new();
            let mut used = vec![false; found.len()];
            let (mut matched, mut right) = (0, 0);
            let span = |x: &Value| {
                (
                    x[0].as_u64().unwrap_or(0) as usize,
                    x[1].as_u64().unwrap_or(0) as usize,
                )
            };
            let gold = v["quotes"].as_array().cloned().unwrap_or_default();
            for g in &gold {
                let gs = span(&g["span"]);
                let Some(k) = (0..found.len())
                    .find(|&k| !used[k] && found[k].span.0 < gs.1 && gs.0 < found[k].span.1)
                else {
                    if errors {
                        let _ = writeln!(
                            report,
                            "QUOTE {id} missed {:?}",
                            body.get(gs.0..gs.1).unwrap_or("")
                        );
                    }
                    continue;
                };
                used[k] = true;
                matched += 1;
                let gsp = span(&g["speaker_span"]);
                let gname = g["speaker"].as_str().unwrap_or("");
                let ok = found[k].speaker.is_some_and(|(a, b)| {
                    a < gsp.1 && gsp.0 < b
                        || body
                            .get(a..b)
                            .and_then(|t| t.split_whitespace().last())
                            .is_some_and(|last| gname.split_whitespace().any(|w| w == last))
                });
                if ok {
                    right += 1;
                } else if errors {
                    let _ = writeln!(
                        report,
                        "QUOTE {id} speaker of {:?}: gold {gname:?}, dyad {:?} ({})",
                        body.get(gs.0..gs.1)
                            .unwrap_or("")
                            .chars()
                            .take(40)
                            .collect::<String>(),
                        found[k].speaker.and_then(|(a, b)| body.get(a..b)),
                        found[k].rule
                    );
                }
            }
            if errors {
                for (k, q) in found.iter().enumerate().filter(|(k, _)| !used[*k]) {
                    let _ = k;
                    let _ = writeln!(
                        report,
                        "QUOTE {id} spurious {:?}",
                        body.get(q.span.0..q.span.1).unwrap_or("")
                    );
                }
            }
            ([gold.len(), found.len(), matched, right], report)
        })
        .collect();
    let mut t = [0usize; 4];
    let mut report = String::new();
    for (c, r) in &results {
        report.push_str(r);
        for i in 0..4 {
            t[i] += c[i];
        }
    }
    let p = t[2] as f64 / t[1].max(1) as f64;
    let r = t[2] as f64 / t[0].max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    let _ = writeln!(
        report,
        "quotes: P={:.1} R={:.1} F1={:.1} speaker={:.1} (gold={} found={} matched={})",
        100.0 * p,
        100.0 * r,
        100.0 * f,
        100.0 * t[3] as f64 / t[2].max(1) as f64,
        t[0],
        t[1],
        t[2]
    );
    Ok(report)
}
