//! What the coder does once a document's last sentence is coded: what no single sentence can
//! know. A war story names its two sides many times; an attack, a threat or a refusal whose
//! sentence names no target ("Russia indicated it will continue attacks") is aimed at the other
//! side, and "talks between the two presidents" are talks with it.

use crate::code::{dedupe, ActorRef, Coder, Event};
use crate::document::{country_of, is_bare_role};
use crate::sent::{Rel, Sent};

/// Conflictual events between two countries that make them the document's two sides: a
/// weight of at least this much (material conflict, roots 18-20, weighs two; verbal conflict,
/// 10-17, one), more than any other pair's, and one act of force among them.
const MIN_CONFLICT_WEIGHT: u32 = 3;

/// The rule recorded on a target that the document's two sides supplied.
const OTHER_SIDE: &str = "the other side of the document's conflict";

impl Coder<'_> {
    /// Passes over the whole document, after [`Coder::code`] has coded each sentence: every
    /// sentence view in order with the events coded from it. Fills targets from the
    /// document's two sides of a conflict.
    pub fn finish(&self, doc: &mut [(&Sent, &mut Vec<Event>)]) {
        let Some(sides) = conflict_sides(doc.iter().flat_map(|(_, events)| events.iter())) else {
            return;
        };
        for (s, events) in doc.iter_mut() {
            let mut added: Vec<Event> = Vec::new();
            for e in events.iter_mut() {
                other_side_target(s, e, &sides, &mut added);
            }
            if added.is_empty() && !events.iter().any(is_filled) {
                continue;
            }
            events.extend(added);
            events.sort_by_key(|e| e.trigger.word);
            dedupe(events);
        }
    }
}

fn is_filled(e: &Event) -> bool {
    e.target
        .as_ref()
        .is_some_and(|t| t.resolved == Some(OTHER_SIDE))
}

/// Whether an event code is conflictual: roots 10 (demand) to 20 (mass violence).
fn conflictual(code: &str) -> bool {
    code.get(..2)
        .and_then(|r| r.parse::<u8>().ok())
        .is_some_and(|r| (10..=20).contains(&r))
}

/// Whether an event code is an act of force: roots 18 (assault) to 20 (mass violence).
fn material(code: &str) -> bool {
    matches!(code.get(..2), Some("18" | "19" | "20"))
}

/// The two countries most often on the two ends of a conflictual event, when they stand out.
fn conflict_sides<'e>(events: impl Iterator<Item = &'e Event>) -> Option<[String; 2]> {
    let mut counts: Vec<([&str; 2], u32, bool)> = Vec::new();
    for e in events {
        let (Some(src), Some(tgt)) = (&e.source, &e.target) else {
            continue;
        };
        if !conflictual(&e.code) || tgt.resolved == Some(OTHER_SIDE) {
            continue;
        }
        let (Some(x), Some(y)) = (country_of(&src.code), country_of(&tgt.code)) else {
            continue;
        };
        if x == y {
            continue;
        }
        let key = if x < y { [x, y] } else { [y, x] };
        let force = material(&e.code);
        let w = if force { 2 } else { 1 };
        match counts.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, n, f)) => {
                *n += w;
                *f |= force;
            }
            None => counts.push((key, w, force)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let (top, n, force) = counts.first()?;
    let runner_up = counts.get(1).map_or(0, |c| c.1);
    (*force && *n >= MIN_CONFLICT_WEIGHT && *n > runner_up).then(|| top.map(str::to_string))
}

/// Fills the target of one event from the document's two sides: a conflictual act of one side
/// with no target acts on the other; "the two presidents" of a story about two sides are the
/// other side's (or, for a third party, each side's: `added`).
fn other_side_target(s: &Sent, e: &mut Event, sides: &[String; 2], added: &mut Vec<Event>) {
    let Some(src) = e.source.as_ref() else {
        return;
    };
    let src_country = country_of(&src.code);
    let other = |c: Option<&str>| match c {
        Some(c) if c == sides[0] => Some(&sides[1]),
        Some(c) if c == sides[1] => Some(&sides[0]),
        _ => None,
    };
    let fresh = |code: String, e: &Event| ActorRef {
        code,
        span: e.trigger.span,
        words: (e.trigger.word, e.trigger.word + 1),
        entries: Vec::new(),
        antecedent: None,
        base: None,
        bare_role: false,
        resolved: Some(OTHER_SIDE),
    };
    match &e.target {
        None => {
            if !conflictual(&e.code) {
                return;
            }
            if let Some(o) = other(src_country) {
                e.target = Some(fresh(o.clone(), e));
            }
        }
        Some(t) if t.bare_role && is_bare_role(&t.code) && two_parties(s, t.words) => {
            let role = t.code.clone();
            let span = t.span;
            let words = t.words;
            let mk = |c: &str, e: &Event| ActorRef {
                span,
                words,
                ..fresh(format!("{c}{role}"), e)
            };
            match other(src_country) {
                Some(o) => e.target = Some(mk(o, e)),
                None => {
                    let second = Event {
                        target: Some(mk(&sides[1], e)),
                        ..e.clone()
                    };
                    e.target = Some(mk(&sides[0], e));
                    added.push(second);
                }
            }
        }
        Some(_) => {}
    }
}

/// Whether the phrase at `words` is "the two …" or "both …".
fn two_parties(s: &Sent, (lo, hi): (usize, usize)) -> bool {
    (lo..hi.min(s.len()))
        .find(|&k| s.rel[k] != Rel::Det)
        .is_some_and(|k| matches!(s.words[k].lower.as_str(), "two" | "both"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflictual_roots() {
        assert!(conflictual("1246"));
        assert!(conflictual("190"));
        assert!(conflictual("100"));
        assert!(!conflictual("040"));
        assert!(!conflictual("0"));
    }
}
