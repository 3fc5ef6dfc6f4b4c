//! Lemmatization of tagged English words: `went/VBD` → `go`, `ministers/NNS` → `minister`.
//!
//! Two layers: hand-written rules for regular English inflection (plural and third-person `-s`,
//! `-ed`, `-ing`, comparative `-er`/`-est`, with consonant undoubling and silent-`e`
//! restoration, and the clitics `n't`, `'re`, `'m`, `'s`), and an exception table learned from
//! gold lemmas: every lowercased form + Penn tag for which the rules give the wrong lemma in the
//! training data (`went/VBD`, `children/NNS`, `was/VBD`…). Lemmas are lowercase, except for
//! proper nouns, which keep their form's case (`Russia's` → `Russia`).
//!
//! ```
//! use dyad_nlp::lemma::Lemmatizer;
//! use dyad_nlp::tagger::Upos;
//!
//! let l = Lemmatizer::default();
//! assert_eq!(l.lemma("studies", Upos::Noun, "NNS"), "study");
//! assert_eq!(l.lemma("stopped", Upos::Verb, "VBD"), "stop");
//! assert_eq!(l.lemma("n't", Upos::Part, "RB"), "not");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model_file::{self, ModelError};
use crate::tagger::Upos;

/// The format version of `LEMM` model files.
pub const VERSION: u16 = 1;
const KIND: &[u8; 4] = b"LEMM";

/// A lemmatizer: rules plus learned exceptions. [`Lemmatizer::default`] has rules only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lemmatizer {
    /// `lowercased form \t xpos` → lemma.
    exceptions: HashMap<String, String>,
}

/// One gold word for training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LemmaExample<'a> {
    /// The word form.
    pub form: &'a str,
    /// Its universal tag.
    pub upos: Upos,
    /// Its Penn Treebank tag.
    pub xpos: &'a str,
    /// Its gold lemma.
    pub lemma: &'a str,
}

/// Lemmatizer training settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainConfig {
    /// An exception is kept when its lemma was seen at least this many times.
    pub min_count: u32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { min_count: 1 }
    }
}

fn key(lower: &str, xpos: &str) -> String {
    let mut k = String::with_capacity(lower.len() + xpos.len() + 1);
    k.push_str(lower);
    k.push('\t');
    k.push_str(xpos);
    k
}

fn lowercase(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Trains the exception table: the lemmatizer and the number of exceptions.
pub fn train(examples: &[LemmaExample<'_>], config: &TrainConfig) -> (Lemmatizer, usize) {
    // key → (lemma → count, examples the rules get right)
    let mut seen: HashMap<String, (HashMap<&str, u32>, u32)> = HashMap::new();
    let rules = Lemmatizer::default();
    for e in examples {
        if e.lemma.is_empty() || e.lemma == "_" {
            continue;
        }
        let entry = seen
            .entry(key(&lowercase(e.form), e.xpos))
            .or_insert_with(|| (HashMap::new(), 0));
        *entry.0.entry(e.lemma).or_insert(0) += 1;
        let got = rules.lemma(e.form, e.upos, e.xpos);
        if matches(&got, e.lemma, e.upos) {
            entry.1 += 1;
        }
    }
    let mut exceptions = HashMap::new();
    for (k, (lemmas, rule_right)) in seen {
        let (best, n) = lemmas
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .expect("one lemma at least");
        if n > rule_right && n >= config.min_count {
            exceptions.insert(k, best.to_string());
        }
    }
    let n = exceptions.len();
    (Lemmatizer { exceptions }, n)
}

/// Whether a predicted lemma matches the gold one (proper nouns compare case-insensitively).
fn matches(got: &str, gold: &str, upos: Upos) -> bool {
    if upos == Upos::Propn {
        got.eq_ignore_ascii_case(gold)
    } else {
        got == gold
    }
}

impl Lemmatizer {
    /// The lemma of `word` tagged `upos`/`xpos`.
    pub fn lemma<'a>(&self, word: &'a str, upos: Upos, xpos: &str) -> Cow<'a, str> {
        let proper = upos == Upos::Propn;
        let lower = lowercase(word);
        if !self.exceptions.is_empty() {
            if let Some(l) = self.exceptions.get(&key(&lower, xpos)) {
                // A proper noun keeps its own spelling when the table only differs in case.
                if proper && l.eq_ignore_ascii_case(word) {
                    return Cow::Borrowed(word);
                }
                return Cow::Owned(l.clone());
            }
        }
        let ruled = rules(&lower, xpos);
        match (ruled, lower) {
            (Rule::Same, Cow::Borrowed(_)) => Cow::Borrowed(word),
            (Rule::Same, Cow::Owned(l)) if !proper => Cow::Owned(l),
            (Rule::Same, _) => Cow::Borrowed(word),
            (Rule::Word(w), _) => Cow::Borrowed(w),
            (Rule::Cut(n, add), lower) => {
                let same_len = word.len() == lower.len();
                if same_len && (proper || matches!(lower, Cow::Borrowed(_))) {
                    if add.is_empty() {
                        return Cow::Borrowed(&word[..n]);
                    }
                    let mut s = word[..n].to_string();
                    s.push_str(add);
                    Cow::Owned(s)
                } else {
                    let mut s = lower[..n].to_string();
                    s.push_str(add);
                    Cow::Owned(s)
                }
            }
        }
    }

    /// Number of learned exceptions.
    pub fn exceptions(&self) -> usize {
        self.exceptions.len()
    }

    /// The model file's bytes (kind `LEMM`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut entries: Vec<(&String, &String)> = self.exceptions.iter().collect();
        entries.sort();
        let mut p = Vec::new();
        p.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (k, v) in entries {
            for s in [k, v] {
                p.extend_from_slice(&(s.len() as u16).to_le_bytes());
                p.extend_from_slice(s.as_bytes());
            }
        }
        model_file::write(KIND, VERSION, &p)
    }

    /// Loads a lemmatizer written by [`Lemmatizer::to_bytes`]; refuses foreign, stale or corrupt
    /// bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Lemmatizer, ModelError> {
        let p = model_file::read(bytes, KIND, VERSION)?;
        let corrupt = || ModelError::Corrupt("lemma table ends early".into());
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], ModelError> {
            let s = p.get(at..at + n).ok_or_else(corrupt)?;
            at += n;
            Ok(s)
        };
        let n = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let mut exceptions = HashMap::with_capacity(n.min(p.len() / 4));
        for _ in 0..n {
            let mut pair = [String::new(), String::new()];
            for s in &mut pair {
                let len = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes")) as usize;
                *s = std::str::from_utf8(take(len)?)
                    .map_err(|_| ModelError::Corrupt("lemma table is not utf-8".into()))?
                    .to_string();
            }
            let [k, v] = pair;
            if !k.contains('\t') {
                return Err(ModelError::Corrupt(format!("bad exception key {k:?}")));
            }
            exceptions.insert(k, v);
        }
        if at != p.len() {
            return Err(ModelError::Corrupt(format!(
                "{} trailing bytes",
                p.len() - at
            )));
        }
        Ok(Lemmatizer { exceptions })
    }
}

/// What the rules do to a word.
enum Rule {
    /// The lemma is the (lowercased, unless proper) word.
    Same,
    /// A fixed lemma.
    Word(&'static str),
    /// Keep the first `n` bytes and append a string.
    Cut(usize, &'static str),
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_consonant(b: u8) -> bool {
    b.is_ascii_lowercase() && !is_vowel(b)
}

/// After `-ed`/`-ing`/`-er` is cut off `w` (lowercase) at `n`: undouble a final consonant, or
/// restore a silent `e`, or keep the stem.
fn stem(w: &str, n: usize) -> Rule {
    let s = w.as_bytes();
    let s = &s[..n];
    let len = s.len();
    if len < 2 {
        return Rule::Same;
    }
    let (a, b) = (s[len - 2], s[len - 1]);
    if a == b && matches!(b, b'b' | b'd' | b'g' | b'm' | b'n' | b'p' | b'r' | b't') && len > 3 {
        return Rule::Cut(n - 1, "");
    }
    let c = if len >= 3 { s[len - 3] } else { b' ' };
    let cvc = is_consonant(b) && is_vowel(a) && (len == 2 || !is_vowel(c));
    let e = match b {
        b'v' | b'c' | b'u' => true,
        b'z' => a != b'z',
        b's' => is_vowel(a) && !w[..n].ends_with("ocus") && !w[..n].ends_with("bias"),
        // `-iate` verbs keep their `e` (mediated, negotiated, initiated); `-eat` ones do not.
        b't' => {
            (a == b'a' || a == b'o' || a == b'u') && !is_vowel(c) && len > 2
                || a == b'a' && c == b'i' && len > 4
        }
        b'd' | b'b' | b'k' | b'm' => cvc,
        b'p' => cvc && len <= 5,
        b'r' => matches!(a, b'a' | b'o' | b'u' | b'i') && !is_vowel(c) && len > 2,
        b'g' => a == b'd' || a == b'r' || (a == b'n' && (c == b'a' || c == b'e')),
        b'l' => is_consonant(a) && a != b'l' && a != b'r' || (a == b'i' && !is_vowel(c)),
        b'n' => a == b'i' && !is_vowel(c) && len > 3,
        _ => false,
    };
    if e {
        Rule::Cut(n, "e")
    } else {
        Rule::Cut(n, "")
    }
}

/// The inflection rules over a lowercased word.
fn rules(lower: &str, xpos: &str) -> Rule {
    match lower {
        "n't" | "nt" | "not" => return Rule::Word("not"),
        "'re" | "'m" | "re" | "m" if xpos.starts_with("VB") => return Rule::Word("be"),
        "'s" | "’s" if xpos == "VBZ" => return Rule::Word("be"),
        "'ve" | "’ve" => return Rule::Word("have"),
        "'ll" | "’ll" => return Rule::Word("will"),
        "'d" | "’d" if xpos == "MD" => return Rule::Word("would"),
        "'d" | "’d" => return Rule::Word("have"),
        _ => {}
    }
    let n = lower.len();
    let ends = |s: &str| lower.ends_with(s) && n > s.len();
    match xpos {
        // Possessive `'s` and `'` stay as they are (UD English lemmas).
        "POS" => Rule::Same,
        "NNS" | "NNPS" => {
            if ends("ies") && n > 4 {
                Rule::Cut(n - 3, "y")
            } else if ends("men") && xpos == "NNS" {
                Rule::Cut(n - 2, "an")
            } else if ["sses", "shes", "ches", "xes", "zzes"]
                .iter()
                .any(|s| ends(s))
            {
                Rule::Cut(n - 2, "")
            } else if ends("ss") || ends("us") || ends("is") || !ends("s") {
                Rule::Same
            } else {
                Rule::Cut(n - 1, "")
            }
        }
        "VBZ" => {
            if ends("ies") && n > 4 {
                Rule::Cut(n - 3, "y")
            } else if ["sses", "shes", "ches", "xes", "zes", "oes"]
                .iter()
                .any(|s| ends(s))
            {
                Rule::Cut(n - 2, "")
            } else if ends("s") && !ends("ss") {
                Rule::Cut(n - 1, "")
            } else {
                Rule::Same
            }
        }
        "VBD" | "VBN" => {
            if ends("ied") && n > 4 {
                Rule::Cut(n - 3, "y")
            } else if ends("eed") && n > 4 {
                Rule::Cut(n - 1, "")
            } else if ends("ed") && n > 3 {
                stem(lower, n - 2)
            } else {
                Rule::Same
            }
        }
        "VBG" => {
            if ends("ying") && n > 5 {
                Rule::Cut(n - 3, "")
            } else if ends("ing") && n > 4 {
                stem(lower, n - 3)
            } else {
                Rule::Same
            }
        }
        "JJR" | "RBR" => {
            if ends("ier") && n > 4 {
                Rule::Cut(n - 3, "y")
            } else if ends("er") && n > 4 {
                stem(lower, n - 2)
            } else {
                Rule::Same
            }
        }
        "JJS" | "RBS" => {
            if ends("iest") && n > 5 {
                Rule::Cut(n - 4, "y")
            } else if ends("est") && n > 5 {
                stem(lower, n - 3)
            } else {
                Rule::Same
            }
        }
        _ => Rule::Same,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Upos::*;

    fn learned() -> Lemmatizer {
        let ex = |form, upos, xpos, lemma| LemmaExample {
            form,
            upos,
            xpos,
            lemma,
        };
        let data = [
            ex("went", Verb, "VBD", "go"),
            ex("held", Verb, "VBD", "hold"),
            ex("was", Aux, "VBD", "be"),
            ex("children", Noun, "NNS", "child"),
            ex("talks", Noun, "NNS", "talk"),
            ex("ministers", Noun, "NNS", "minister"),
        ];
        train(&data, &TrainConfig::default()).0
    }

    #[track_caller]
    fn check(word: &str, upos: Upos, xpos: &str, expect: &str) {
        assert_eq!(learned().lemma(word, upos, xpos), expect, "{word}/{xpos}");
    }

    #[test]
    fn lemmas() {
        check("went", Verb, "VBD", "go");
        check("ministers", Noun, "NNS", "minister");
        check("Ministers", Noun, "NNS", "minister");
        check("talks", Noun, "NNS", "talk");
        check("talks", Verb, "VBZ", "talk");
        check("held", Verb, "VBD", "hold");
        check("n't", Part, "RB", "not");
        check("'s", Part, "POS", "'s");
        check("'s", Aux, "VBZ", "be");
        check("'re", Aux, "VBP", "be");
        check("'m", Aux, "VBP", "be");
        check("running", Verb, "VBG", "run");
        check("making", Verb, "VBG", "make");
        check("stopped", Verb, "VBD", "stop");
        check("related", Verb, "VBN", "relate");
        check("used", Verb, "VBN", "use");
        check("asked", Verb, "VBD", "ask");
        check("mediated", Verb, "VBD", "mediate");
        check("negotiating", Verb, "VBG", "negotiate");
        check("treated", Verb, "VBD", "treat");
        check("studies", Noun, "NNS", "study");
        check("studies", Verb, "VBZ", "study");
        check("watches", Verb, "VBZ", "watch");
        check("bigger", Adj, "JJR", "big");
        check("biggest", Adj, "JJS", "big");
        check("happier", Adj, "JJR", "happy");
        check("Russia", Propn, "NNP", "Russia");
        check("Americans", Propn, "NNPS", "American");
        check("The", Det, "DT", "the");
        check("children", Noun, "NNS", "child");
        check("was", Aux, "VBD", "be");
        check("women", Noun, "NNS", "woman");
        check("status", Noun, "NN", "status");
        check("", X, "XX", "");
    }

    #[test]
    fn bytes_round_trip_and_corruption() {
        let l = learned();
        assert!(l.exceptions() >= 3);
        let bytes = l.to_bytes();
        assert_eq!(Lemmatizer::from_bytes(&bytes), Ok(l));
        for cut in [0, 19, 20, 24, bytes.len() - 1] {
            assert!(Lemmatizer::from_bytes(&bytes[..cut]).is_err());
        }
        let bad = model_file::write(KIND, VERSION, &[9, 0, 0, 0, 1, 0]);
        assert!(matches!(
            Lemmatizer::from_bytes(&bad),
            Err(ModelError::Corrupt(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(w in "\\PC{0,10}", x in "(NNS|VBD|VBG|VBZ|JJR|JJS|NN|POS)") {
            for u in [Noun, Propn, Verb] {
                let _ = Lemmatizer::default().lemma(&w, u, &x);
            }
        }
    }
}
