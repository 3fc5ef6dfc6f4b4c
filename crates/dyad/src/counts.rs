//! Counts in GDELT's sense (V2.1COUNTS): how many were killed, wounded, arrested, kidnapped,
//! affected, protesting, seized, and (dyad's addition) displaced: "more than 2 million Ukrainians
//! fleeing" → `DISPLACED 2000000 Ukrainians`. A number (digits or words, with "million",
//! "thousand"…) counts the noun it modifies; the type comes from that noun ("refugees",
//! "protesters", "deaths"), the verb it is the subject or object of ("were killed", "arrested 12
//! people"), or a participle modifying it ("Ukrainians fleeing").

use dyad_coder::{Rel, Sent};
use dyad_core::Doc;
use serde_json::{json, Value};

/// The kinds of count, GDELT's names (and `DISPLACED`).
pub const KINDS: [&str; 8] = [
    "KILL",
    "WOUND",
    "ARREST",
    "KIDNAP",
    "AFFECT",
    "PROTEST",
    "SEIZE",
    "DISPLACED",
];

/// Words before a number that make it a bound or an estimate.
const QUALIFIERS: &[&str] = &[
    "more",
    "over",
    "at",
    "least",
    "about",
    "around",
    "nearly",
    "almost",
    "some",
    "roughly",
    "approximately",
    "estimated",
    "than",
    "up",
];

/// The kind a word (lemma) signals.
fn kind_of(lemma: &str) -> Option<&'static str> {
    Some(match lemma {
        "kill" | "die" | "dead" | "death" | "killing" | "massacre" | "slay" | "fatality"
        | "execute" | "murder" | "behead" | "toll" | "body" | "perish" => "KILL",
        "wound" | "injure" | "injury" | "hurt" | "injured" | "wounded" | "casualty" => "WOUND",
        "arrest" | "detain" | "jail" | "imprison" | "detention" | "detainee" | "prisoner"
        | "custody" => "ARREST",
        "kidnap" | "abduct" | "hostage" | "captive" | "kidnapping" | "abduction" => "KIDNAP",
        "protester" | "protestor" | "demonstrator" | "protest" | "march" | "rally" | "marcher" => {
            "PROTEST"
        }
        "seize" | "confiscate" | "impound" => "SEIZE",
        "flee" | "displace" | "refugee" | "evacuee" | "displacement" | "uproot" | "evacuate"
        | "exodus" => "DISPLACED",
        "affect" | "strand" | "homeless" | "trap" | "starve" | "need" => "AFFECT",
        _ => return None,
    })
}

/// One count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// `KILL`, `WOUND`, … (see [`KINDS`]).
    pub kind: &'static str,
    /// How many.
    pub number: u64,
    /// What is counted, as written ("Ukrainians", "people").
    pub object: String,
    /// The number phrase with its noun.
    pub span: (usize, usize),
    /// "more than", "at least", "about": the number is a bound or an estimate.
    pub approximate: bool,
}

fn word_number(w: &str) -> Option<f64> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = ONES.iter().position(|x| *x == w) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|x| *x == w) {
        return Some((i as f64 + 2.0) * 10.0);
    }
    if w == "dozen" {
        return Some(12.0);
    }
    let digits: String = w.chars().filter(|&c| c != ',').collect();
    digits
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

fn multiplier(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "million" | "mln" | "m" => 1e6,
        "billion" | "bn" => 1e9,
        _ => return None,
    })
}

/// The counts of one sentence.
pub fn find(s: &Sent) -> Vec<Count> {
    let mut out = Vec::new();
    let mut used = vec![false; s.len()];
    for i in 0..s.len() {
        let w = &s.words[i];
        if used[i] || w.xpos != "CD" {
            continue;
        }
        let Some(mut n) = word_number(&w.lower) else {
            continue;
        };
        // A year is no count.
        if w.lower.len() == 4 && (1800.0..2100.0).contains(&n) && !w.lower.contains(',') {
            continue;
        }
        let mut last = i;
        while let Some(m) = s.words.get(last + 1).and_then(|x| multiplier(&x.lower)) {
            n *= m;
            last += 1;
        }
        // The noun counted: the head the number modifies, or "N of the X".
        let noun = match s.rel[i] {
            Rel::Nummod => s.head_of(i),
            _ => {
                // The multiplier word may carry the relation ("2 million Ukrainians").
                let carrier = (i..=last).find(|&k| s.rel[k] == Rel::Nummod);
                match carrier.and_then(|k| s.head_of(k)) {
                    Some(h) => Some(h),
                    None => s
                        .children(last)
                        .find(|&c| s.rel[c] == Rel::Nmod)
                        .or_else(|| {
                            s.head_of(i)
                                .filter(|&h| h > last && s.words[h].is_nominal())
                        }),
                }
            }
        };
        let Some(noun) = noun.filter(|&h| s.words[h].is_nominal()) else {
            continue;
        };
        // The kind: the noun itself, a participle or adjective on it, the verb it depends on.
        let mut cues: Vec<usize> = vec![noun];
        cues.extend(
            s.children(noun)
                .filter(|&c| matches!(s.rel[c], Rel::Acl | Rel::Amod | Rel::Nmod)),
        );
        let mut h = noun;
        for _ in 0..2 {
            match s.head_of(h) {
                Some(x) => {
                    cues.push(x);
                    if s.words[x].is_verb() {
                        break;
                    }
                    h = x;
                }
                None => break,
            }
        }
        // "the death toll rose to 40": the number's own head.
        cues.extend(s.head_of(i));
        let Some(kind) = cues
            .iter()
            .find_map(|&c| kind_of(&s.words[c].lemma).or_else(|| kind_of(&s.words[c].lower)))
        else {
            continue;
        };
        // "more than 2 million", "at least 12", "an estimated 5,000": a bound or an estimate,
        // and where the count's words begin.
        let qualifier =
            (i.saturating_sub(3)..i).find(|&k| QUALIFIERS.contains(&s.words[k].lower.as_str()));
        let approximate = qualifier.is_some();
        let lo = qualifier.unwrap_or(i);
        let hi = noun.max(last);
        for u in used.iter_mut().take(hi + 1).skip(i) {
            *u = true;
        }
        out.push(Count {
            kind,
            number: n.round() as u64,
            object: s.words[noun].form.clone(),
            span: (
                s.words[lo].span.start as usize,
                s.words[hi].span.end as usize,
            ),
            approximate,
        });
    }
    out
}

/// Every count of an annotated document.
pub fn counts(doc: &Doc) -> Vec<Count> {
    (0..doc.sentences.len())
        .flat_map(|s| find(&Sent::from_doc(doc, s)))
        .collect()
}

/// [`counts`] over sentence views already built.
pub fn counts_in(sents: &[&Sent]) -> Vec<Count> {
    sents.iter().flat_map(|s| find(s)).collect()
}

/// The JSON of one count.
pub fn count_json(doc: &Doc, c: &Count) -> Value {
    json!({
        "type": c.kind,
        "number": c.number,
        "object": c.object,
        "approximate": c.approximate,
        "text": doc.text().get(c.span.0..c.span.1).unwrap_or(""),
        "span": [c.span.0, c.span.1],
    })
}
