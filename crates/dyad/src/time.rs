//! Time expressions of a document ([`timexes`], normalised by `dyad_coder::timex` against the
//! publication date) and `dyad eval time`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use dyad_coder::timex::{self, Timex};
use dyad_coder::Sent;
use dyad_core::{Date, Doc};
use rayon::prelude::*;
use serde_json::{json, Value};

/// Every time expression of an annotated document, in text order.
pub fn timexes(doc: &Doc, date: Date) -> Vec<Timex> {
    (0..doc.sentences.len())
        .flat_map(|s| timex::find(&Sent::from_doc(doc, s), date))
        .collect()
}

/// The time expressions of each sentence view (one list per sentence, in order).
pub fn timexes_in(sents: &[&Sent], date: Date) -> Vec<Vec<Timex>> {
    sents.iter().map(|s| timex::find(s, date)).collect()
}

/// The JSON of one time expression.
pub fn timex_json(doc: &Doc, t: &Timex) -> Value {
    json!({
        "text": doc.text().get(t.span.range()).unwrap_or(""),
        "span": [t.span.start, t.span.end],
        "type": t.kind.as_str(),
        "value": t.value,
    })
}

#[derive(Debug, Clone)]
struct Gold {
    span: (usize, usize),
    kind: String,
    value: String,
}

/// Counts of `dyad eval time`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeScores {
    /// Gold expressions.
    pub gold: usize,
    /// Predicted expressions.
    pub predicted: usize,
    /// Predicted with exactly a gold span.
    pub strict: usize,
    /// Predicted overlapping a gold span (one to one).
    pub relaxed: usize,
    /// Of the relaxed matches, those with the gold value.
    pub value: usize,
}

impl TimeScores {
    /// The report line.
    pub fn summary(&self) -> String {
        let f1 = |m: usize| {
            let p = m as f64 / self.predicted.max(1) as f64;
            let r = m as f64 / self.gold.max(1) as f64;
            if p + r == 0.0 {
                0.0
            } else {
                200.0 * p * r / (p + r)
            }
        };
        format!(
            "time: strict-F1={:.1} relaxed-F1={:.1} value-accuracy={:.1} (gold={} predicted={} values right={})\n",
            f1(self.strict),
            f1(self.relaxed),
            100.0 * self.value as f64 / self.relaxed.max(1) as f64,
            self.gold,
            self.predicted,
            self.value
        )
    }
}

/// Runs `dyad eval time`; returns the report.
pub fn eval(path: &Path, errors: bool) -> anyhow::Result<String> {
    let mut passages = Vec::new();
    for (line_no, v) in crate::eval::read_jsonl(path)? {
        let n = line_no - 1;
        let date = v["date"]
            .as_str()
            .and_then(Date::parse_iso)
            .with_context(|| format!("{}:{}: no date", path.display(), n + 1))?;
        let body = v["text"].as_str().unwrap_or("").to_string();
        let mut gold = Vec::new();
        for t in v["timexes"].as_array().into_iter().flatten() {
            let (a, b) = (
                t["span"][0].as_u64().unwrap_or(0) as usize,
                t["span"][1].as_u64().unwrap_or(0) as usize,
            );
            anyhow::ensure!(
                body.get(a..b).is_some(),
                "{}:{}: span {a}..{b} is not in the text",
                path.display(),
                n + 1
            );
            gold.push(Gold {
                span: (a, b),
                kind: t["type"].as_str().unwrap_or("").to_string(),
                value: t["value"].as_str().unwrap_or("").to_string(),
            });
        }
        let id = v["id"]
            .as_str()
            .map_or_else(|| n.to_string(), str::to_string);
        passages.push((id, date, body, gold));
    }
    let annotator = crate::pipeline::Annotator::new();
    let results: Vec<(TimeScores, String)> = passages
        .par_iter()
        .map(|(id, date, body, gold)| {
            let mut doc = Doc::new(dyad_core::Article::new(id.clone(), body.clone()));
            annotator.annotate(&mut doc);
            let found = timexes(&doc, *date);
            score(id, body, gold, &found, errors)
        })
        .collect();
    let mut total = TimeScores::default();
    let mut report = String::new();
    for (s, r) in &results {
        report.push_str(r);
        total.gold += s.gold;
        total.predicted += s.predicted;
        total.strict += s.strict;
        total.relaxed += s.relaxed;
        total.value += s.value;
    }
    report.push_str(&total.summary());
    Ok(report)
}

fn score(
    id: &str,
    text: &str,
    gold: &[Gold],
    found: &[Timex],
    errors: bool,
) -> (TimeScores, String) {
    let mut s = TimeScores {
        gold: gold.len(),
        predicted: found.len(),
        ..TimeScores::default()
    };
    let mut report = String::new();
    let mut used = vec![false; found.len()];
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    for g in gold {
        let hit = found.iter().enumerate().find(|(k, t)| {
            !used[*k] && overlaps(g.span, (t.span.start as usize, t.span.end as usize))
        });
        let Some((k, t)) = hit else {
            if errors {
                let _ = writeln!(
                    report,
                    "TIME {id} missed {:?} {} {}",
                    &text[g.span.0..g.span.1],
                    g.kind,
                    g.value
                );
            }
            continue;
        };
        used[k] = true;
        s.relaxed += 1;
        if (t.span.start as usize, t.span.end as usize) == g.span {
            s.strict += 1;
        }
        if t.value == g.value {
            s.value += 1;
        } else if errors {
            let _ = writeln!(
                report,
                "TIME {id} value {:?}: gold {} {}, dyad {} {}",
                &text[g.span.0..g.span.1],
                g.kind,
                g.value,
                t.kind.as_str(),
                t.value
            );
        }
    }
    if errors {
        for (k, t) in found.iter().enumerate().filter(|(k, _)| !used[*k]) {
            let _ = k;
            let _ = writeln!(
                report,
                "TIME {id} spurious {:?} {} {}",
                text.get(t.span.range()).unwrap_or(""),
                t.kind.as_str(),
                t.value
            );
        }
    }
    (s, report)
}
