//! Part-of-speech tagging: universal tags ([`Upos`]) and Penn Treebank tags (XPOS) for the
//! words of one sentence.
//!
//! The model is a greedy left-to-right averaged perceptron over joint `XPOS|UPOS` labels (EWT's
//! XPOS → UPOS mapping is not a function: `NNP` is `PROPN` or `ADJ`, `RB` is `ADV` or `PART`, so
//! one label carries both). Features are hashed to 64-bit keys: the word and its neighbours two
//! to each side, prefixes and suffixes of one to four characters, the word's shape and
//! capitalisation, digit and hyphen flags, and the two previous predicted labels. A second pass
//! adds to each word's scores the weights of features built from the first pass's labels of the
//! next two words (one perceptron, trained on both passes; the second pass learns over
//! jackknifed first-pass labels, as noisy as at inference). Frequent words
//! that always carry the same label skip the model through a tag dictionary. Only features seen
//! at least twice in training are kept and weights are stored as `i16` with one scale, so the
//! model file stays a few megabytes.
//!
//! ```
//! use dyad_nlp::tagger::{train, TrainConfig, TrainSentence, Upos};
//!
//! let s = TrainSentence::new(&[("Dogs", "NNS", Upos::Noun), ("bark", "VBP", Upos::Verb)]);
//! // Features seen once are dropped by default: the sentence is given twice.
//! let (tagger, _report) = train(&[s.clone(), s], &TrainConfig::default());
//! let (mut upos, mut xpos) = (Vec::new(), Vec::new());
//! tagger.tag(&["Dogs", "bark"], &mut upos, &mut xpos);
//! assert_eq!(upos, [Upos::Noun, Upos::Verb]);
//! assert_eq!(tagger.xpos_name(xpos[1]), "VBP");
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::clusters::{Clusters, MAX_LEVELS};
use crate::model_file::{self, ModelError};

/// The format version of `TAGR` model files.
pub const VERSION: u16 = 3;
const KIND: &[u8; 4] = b"TAGR";

/// The 17 universal part-of-speech tags of Universal Dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Upos {
    /// Adjective.
    Adj,
    /// Adposition.
    Adp,
    /// Adverb.
    Adv,
    /// Auxiliary.
    Aux,
    /// Coordinating conjunction.
    Cconj,
    /// Determiner.
    Det,
    /// Interjection.
    Intj,
    /// Noun.
    Noun,
    /// Numeral.
    Num,
    /// Particle.
    Part,
    /// Pronoun.
    Pron,
    /// Proper noun.
    Propn,
    /// Punctuation.
    Punct,
    /// Subordinating conjunction.
    Sconj,
    /// Symbol.
    Sym,
    /// Verb.
    Verb,
    /// Other.
    #[default]
    X,
}

impl Upos {
    /// Every tag, in the order of their `u8` codes.
    pub const ALL: [Upos; 17] = [
        Upos::Adj,
        Upos::Adp,
        Upos::Adv,
        Upos::Aux,
        Upos::Cconj,
        Upos::Det,
        Upos::Intj,
        Upos::Noun,
        Upos::Num,
        Upos::Part,
        Upos::Pron,
        Upos::Propn,
        Upos::Punct,
        Upos::Sconj,
        Upos::Sym,
        Upos::Verb,
        Upos::X,
    ];

    /// The tag as Universal Dependencies writes it (`NOUN`, `PROPN`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Upos::Adj => "ADJ",
            Upos::Adp => "ADP",
            Upos::Adv => "ADV",
            Upos::Aux => "AUX",
            Upos::Cconj => "CCONJ",
            Upos::Det => "DET",
            Upos::Intj => "INTJ",
            Upos::Noun => "NOUN",
            Upos::Num => "NUM",
            Upos::Part => "PART",
            Upos::Pron => "PRON",
            Upos::Propn => "PROPN",
            Upos::Punct => "PUNCT",
            Upos::Sconj => "SCONJ",
            Upos::Sym => "SYM",
            Upos::Verb => "VERB",
            Upos::X => "X",
        }
    }

    /// The tag's code in [`Upos::ALL`].
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The tag with code `c`, if any.
    pub fn from_code(c: u8) -> Option<Upos> {
        Upos::ALL.get(c as usize).copied()
    }
}

impl fmt::Display for Upos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the 17 universal tags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown universal part-of-speech tag `{0}`")]
pub struct UnknownUpos(pub String);

impl FromStr for Upos {
    type Err = UnknownUpos;

    fn from_str(s: &str) -> Result<Upos, UnknownUpos> {
        Upos::ALL
            .iter()
            .copied()
            .find(|u| u.as_str() == s)
            .ok_or_else(|| UnknownUpos(s.to_string()))
    }
}

/// One gold-tagged training sentence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainSentence {
    /// The words (UD syntactic words).
    pub words: Vec<String>,
    /// The Penn Treebank tag of each word.
    pub xpos: Vec<String>,
    /// The universal tag of each word.
    pub upos: Vec<Upos>,
}

impl TrainSentence {
    /// A sentence from `(word, xpos, upos)` triples.
    pub fn new(words: &[(&str, &str, Upos)]) -> TrainSentence {
        TrainSentence {
            words: words.iter().map(|w| w.0.to_string()).collect(),
            xpos: words.iter().map(|w| w.1.to_string()).collect(),
            upos: words.iter().map(|w| w.2).collect(),
        }
    }
}

/// Training settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Passes over the training sentences.
    pub epochs: u32,
    /// Seed of the sentence shuffle between epochs.
    pub seed: u64,
    /// Features seen fewer times than this in the gold data are dropped.
    pub min_feature_count: u32,
    /// A word enters the tag dictionary when seen at least this many times…
    pub dict_min_count: u32,
    /// …with one label at least this share of the time.
    pub dict_min_ratio: f64,
    /// Word clusters whose classes become features (stored in the model; empty: none).
    pub clusters: Clusters,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 16,
            seed: 0x7a66_e55e_d001,
            min_feature_count: 2,
            dict_min_count: 20,
            dict_min_ratio: 0.995,
            clusters: Clusters::default(),
        }
    }
}

/// What training saw and learned.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Training sentences.
    pub sentences: usize,
    /// Training words.
    pub tokens: usize,
    /// Distinct `XPOS|UPOS` labels.
    pub labels: usize,
    /// Features kept in the model.
    pub features: usize,
    /// Non-zero weights kept in the model.
    pub weights: usize,
    /// Words in the tag dictionary.
    pub dictionary: usize,
    /// Joint-label accuracy on the training data during each epoch, in percent.
    pub epoch_accuracy: Vec<f64>,
}

/// A trained part-of-speech tagger.
#[derive(Clone)]
pub struct Tagger {
    /// XPOS names by id.
    xpos: Vec<String>,
    /// Joint labels: (xpos id, upos).
    labels: Vec<(u16, Upos)>,
    /// Multiplies the stored `i16` weights back to perceptron units (informational only:
    /// argmax does not need it).
    scale: f32,
    /// Form hash → label, for frequent unambiguous words.
    dict: HashMap<u64, u8, IdHash>,
    /// Lowercased form hash → ambiguity class.
    classes: HashMap<u64, u16, IdHash>,
    /// Word clusters (features of every word).
    clusters: Clusters,
    /// Open-addressing feature table: key (0 = empty) and packed `start << 8 | len` into
    /// `weights`, side by side so that a probe costs one cache miss.
    slots: Vec<(u64, u32)>,
    /// Packed `class << 16 | (weight as u16)`.
    weights: Vec<u32>,
    /// Identity for the per-thread cache of word-feature scores (copies share it: same
    /// weights).
    id: u64,
}

impl fmt::Debug for Tagger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tagger")
            .field("xpos", &self.xpos.len())
            .field("labels", &self.labels.len())
            .field("dictionary", &self.dict.len())
            .field("classes", &self.classes.len())
            .field("features", &self.features())
            .field("weights", &self.weights.len())
            .finish()
    }
}

use crate::idhash::IdHash;

// ---------------------------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------------------------

#[inline]
fn mix(mut z: u64) -> u64 {
    // splitmix64's finalizer: cheap and spreads every input bit.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

const FNV0: u64 = 0xcbf2_9ce4_8422_2325;

fn hash_str(s: &str) -> u64 {
    s.bytes().fold(FNV0, fnv)
}

/// What the features need to know about one word, computed once per sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordInfo {
    /// The form as written.
    form: u64,
    /// The lowercased form.
    lower: u64,
    /// Lowercased suffixes of 1–5 characters (0 when the word is shorter).
    suf: [u64; 5],
    /// Lowercased prefixes of 1–4 characters (0 when the word is shorter).
    pre: [u64; 4],
    /// Compressed shape: `Xx`, `d`, `X.X.`, runs collapsed to length two.
    shape: u64,
    /// The lowercased part after the last hyphen (0 without a hyphen or when it ends the word).
    tail: u64,
    /// Bit flags: capitalised, all caps, has digit, has hyphen, has letter.
    flags: u8,
    /// The word's ambiguity class: which labels it took in training (`NO_CLASS` when unseen).
    amb: u16,
    /// The word's cluster at each level (`clusters::NONE` when unknown).
    cl: [u16; MAX_LEVELS],
    /// How often the word is capitalized inside sentences of the clusters' text
    /// (`clusters::cap_bucket`).
    cap: u8,
}

const NO_CLASS: u16 = u16::MAX;
const PAD_CLASS: u16 = u16::MAX - 1;

const CAP: u8 = 1;
const ALLCAPS: u8 = 2;
const DIGIT: u8 = 4;
const HYPHEN: u8 = 8;
const LETTER: u8 = 16;

impl WordInfo {
    pub(crate) fn new(word: &str) -> WordInfo {
        let mut w = WordInfo {
            form: hash_str(word),
            amb: NO_CLASS,
            ..WordInfo::default()
        };
        let mut lower = FNV0;
        let mut shape = FNV0;
        let mut tail = 0u64;
        let (mut last_class, mut run) = (0u8, 0u32);
        let (mut upper, mut letters) = (0usize, 0usize);
        // Prefix hashes are taken as the lowercase stream grows.
        let mut nchars = 0usize;
        for (i, c) in word.chars().enumerate() {
            nchars += 1;
            let class = if c.is_uppercase() {
                upper += 1;
                letters += 1;
                b'X'
            } else if c.is_alphabetic() {
                letters += 1;
                b'x'
            } else if c.is_numeric() {
                w.flags |= DIGIT;
                b'd'
            } else {
                if c == '-' {
                    w.flags |= HYPHEN;
                    tail = FNV0;
                }
                // Punctuation keeps its own character in the shape (capped to ASCII).
                if c.is_ascii() {
                    c as u8
                } else {
                    b'*'
                }
            };
            if class == last_class {
                run += 1;
            } else {
                run = 1;
                last_class = class;
            }
            if run <= 2 {
                shape = fnv(shape, class);
            }
            if i == 0 && c.is_uppercase() {
                w.flags |= CAP;
            }
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                for &b in l.encode_utf8(&mut buf).as_bytes() {
                    lower = fnv(lower, b);
                    if tail != 0 && c != '-' {
                        tail = fnv(tail, b);
                    }
                }
            }
            if i < 4 {
                w.pre[i] = lower;
            }
        }
        if letters > 0 {
            w.flags |= LETTER;
            if upper == letters && letters > 1 {
                w.flags |= ALLCAPS;
            }
        }
        w.lower = lower;
        w.shape = shape;
        w.tail = if tail == FNV0 { 0 } else { tail };
        // Suffixes: hash the lowercase of the last k characters.
        for k in 1..=5usize.min(nchars) {
            let start = word
                .char_indices()
                .rev()
                .nth(k - 1)
                .map(|(i, _)| i)
                .unwrap_or(0);
            let mut h = FNV0;
            for c in word[start..].chars().flat_map(char::to_lowercase) {
                let mut buf = [0u8; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    h = fnv(h, b);
                }
            }
            w.suf[k - 1] = h;
        }
        w
    }

    /// The stand-in for positions before the sentence start (`k` = 1, 2) or after its end
    /// (`k` = 3, 4).
    fn pad(k: u64) -> WordInfo {
        let h = mix(0xdead_0000 + k);
        WordInfo {
            form: h,
            lower: h,
            suf: [h; 5],
            pre: [h; 4],
            shape: h,
            tail: h,
            flags: 0,
            amb: PAD_CLASS,
            cl: [PAD_CLASS; MAX_LEVELS],
            cap: 7,
        }
    }
}

/// Features that depend on the words only; the label-history ones follow, then those of words
/// without an ambiguity class (rare or unseen in training).
const N_STATIC: usize = 44;
const N_HISTORY: usize = 8;
const N_FEATURES: usize = N_STATIC + N_HISTORY + 7;

#[inline]
fn f1(template: u64, a: u64) -> u64 {
    let k = mix(a ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    k | 1
}

#[inline]
fn f2(template: u64, a: u64, b: u64) -> u64 {
    f1(template, mix(a) ^ b.rotate_left(17))
}

/// Fills `out` with the features of word `i`, whose context is `info` (padded: `info[i + 2]`
/// is word `i`) and whose two previous labels are `p1`, `p2` (`u8::MAX`-coded starts allowed),
/// and returns how many it wrote.
#[inline]
fn features(info: &[WordInfo], i: usize, p1: u8, p2: u8, out: &mut [u64; N_FEATURES]) -> usize {
    let w = &info[i + 2];
    let (m2, m1, n1, n2) = (&info[i], &info[i + 1], &info[i + 3], &info[i + 4]);
    out[0] = f1(0, 1);
    out[1] = f1(1, w.lower);
    out[2] = f1(2, m1.lower);
    out[3] = f1(3, n1.lower);
    out[4] = f1(4, m2.lower);
    out[5] = f1(5, n2.lower);
    for k in 0..4 {
        out[6 + k] = f1(6 + k as u64, w.suf[k]);
        out[10 + k] = f1(10 + k as u64, w.pre[k]);
    }
    out[14] = f1(14, w.shape);
    out[15] = f1(15, m1.shape);
    out[16] = f1(16, n1.shape);
    out[17] = f1(17, u64::from(w.flags));
    out[18] = f1(18, w.form);
    out[19] = f1(19, m1.suf[2]);
    out[20] = f1(20, n1.suf[2]);
    out[21] = f2(21, w.lower, n1.lower);
    out[22] = f2(22, m1.lower, w.lower);
    out[23] = f2(23, u64::from(w.flags), u64::from(m1.flags));
    out[24] = f2(24, w.suf[2], u64::from(w.flags & CAP));
    out[25] = f1(25, n1.suf[0]);
    out[26] = f2(26, m1.lower, n1.lower);
    let (a0, a1, a2) = (u64::from(w.amb), u64::from(n1.amb), u64::from(n2.amb));
    out[27] = f1(27, a0);
    out[28] = f1(28, a1);
    out[29] = f1(29, a2);
    out[30] = f2(30, a0, a1);
    out[31] = f1(31, w.suf[4]);
    // Sentence-initial capitals say little about proper nouns.
    out[32] = f2(32, u64::from(w.flags), u64::from(i == 0));
    out[33] = f2(33, u64::from(w.flags), u64::from(n1.flags));
    // Word clusters: the word at every level, its neighbours at the middle and finest.
    out[34] = f1(70, u64::from(w.cl[0]));
    out[35] = f1(71, u64::from(w.cl[1]));
    out[36] = f1(72, u64::from(w.cl[2]));
    out[37] = f1(73, u64::from(m1.cl[1]));
    out[38] = f1(74, u64::from(n1.cl[1]));
    out[39] = f1(75, u64::from(n1.cl[2]));
    out[40] = f2(76, u64::from(w.cl[2]), u64::from(w.flags & CAP));
    // How often the word is capitalized mid-sentence in running text: NNP or NN?
    let initial = u64::from(i == 0) << 8;
    out[41] = f2(81, u64::from(w.cap), u64::from(w.flags & (CAP | ALLCAPS)));
    out[42] = f2(82, u64::from(w.cap), u64::from(w.flags & CAP) | initial);
    out[43] = f2(83, u64::from(n1.cap), u64::from(n1.flags & CAP));
    // Label-history features.
    let (p1, p2) = (u64::from(p1), u64::from(p2));
    let h = N_STATIC;
    out[h] = f1(40, p1);
    out[h + 1] = f1(41, p2);
    out[h + 2] = f2(42, p1, p2);
    out[h + 3] = f2(43, p1, w.lower);
    out[h + 4] = f2(44, p1, n1.lower);
    out[h + 5] = f2(45, p1, w.suf[2]);
    out[h + 6] = f2(46, p1, a0);
    out[h + 7] = f2(47, p1, a1);
    let mut n = h + N_HISTORY;
    if w.amb == NO_CLASS {
        // Rare and unseen words lean on their form and their neighbours' words.
        let flags = u64::from(w.flags);
        out[n] = f2(50, w.pre[0], w.shape);
        out[n + 1] = f2(51, w.suf[3], flags);
        out[n + 2] = f2(52, m1.lower, w.shape);
        out[n + 3] = f2(53, w.shape, n1.lower);
        out[n + 4] = f2(54, p1, flags);
        out[n + 5] = f2(55, w.suf[1], w.shape);
        n += 6;
        if w.tail != 0 {
            out[n] = f1(56, w.tail);
            n += 1;
        }
    }
    n
}

/// The most features [`word_features`] writes.
const N_WORD: usize = 26;
/// The most features [`context_features`] writes.
const N_CONTEXT: usize = N_FEATURES - 22;

/// The features of [`features`] that depend on word `w` alone (its form decides them all: the
/// lowercased form, affixes, shape, flags, ambiguity class, clusters, capitalization class),
/// so that their summed weights can be cached per form. With [`context_features`] they are
/// exactly the features of [`features`] (`tag_features_split_exactly` checks it).
fn word_features(w: &WordInfo, out: &mut [u64; N_WORD]) -> usize {
    let flags = u64::from(w.flags);
    out[0] = f1(0, 1);
    out[1] = f1(1, w.lower);
    for k in 0..4 {
        out[2 + k] = f1(6 + k as u64, w.suf[k]);
        out[6 + k] = f1(10 + k as u64, w.pre[k]);
    }
    out[10] = f1(14, w.shape);
    out[11] = f1(17, flags);
    out[12] = f1(18, w.form);
    out[13] = f2(24, w.suf[2], u64::from(w.flags & CAP));
    out[14] = f1(27, u64::from(w.amb));
    out[15] = f1(31, w.suf[4]);
    out[16] = f1(70, u64::from(w.cl[0]));
    out[17] = f1(71, u64::from(w.cl[1]));
    out[18] = f1(72, u64::from(w.cl[2]));
    out[19] = f2(76, u64::from(w.cl[2]), u64::from(w.flags & CAP));
    out[20] = f2(81, u64::from(w.cap), u64::from(w.flags & (CAP | ALLCAPS)));
    let mut n = 21;
    if w.amb == NO_CLASS {
        out[n] = f2(50, w.pre[0], w.shape);
        out[n + 1] = f2(51, w.suf[3], flags);
        out[n + 2] = f2(55, w.suf[1], w.shape);
        n += 3;
        if w.tail != 0 {
            out[n] = f1(56, w.tail);
            n += 1;
        }
    }
    n
}

/// The features of [`features`] that [`word_features`] leaves out: those of the neighbours,
/// the position and the previous labels.
fn context_features(
    info: &[WordInfo],
    i: usize,
    p1: u8,
    p2: u8,
    out: &mut [u64; N_CONTEXT],
) -> usize {
    let w = &info[i + 2];
    let (m2, m1, n1, n2) = (&info[i], &info[i + 1], &info[i + 3], &info[i + 4]);
    out[0] = f1(2, m1.lower);
    out[1] = f1(3, n1.lower);
    out[2] = f1(4, m2.lower);
    out[3] = f1(5, n2.lower);
    out[4] = f1(15, m1.shape);
    out[5] = f1(16, n1.shape);
    out[6] = f1(19, m1.suf[2]);
    out[7] = f1(20, n1.suf[2]);
    out[8] = f2(21, w.lower, n1.lower);
    out[9] = f2(22, m1.lower, w.lower);
    out[10] = f2(23, u64::from(w.flags), u64::from(m1.flags));
    out[11] = f1(25, n1.suf[0]);
    out[12] = f2(26, m1.lower, n1.lower);
    let (a0, a1, a2) = (u64::from(w.amb), u64::from(n1.amb), u64::from(n2.amb));
    out[13] = f1(28, a1);
    out[14] = f1(29, a2);
    out[15] = f2(30, a0, a1);
    out[16] = f2(32, u64::from(w.flags), u64::from(i == 0));
    out[17] = f2(33, u64::from(w.flags), u64::from(n1.flags));
    out[18] = f1(73, u64::from(m1.cl[1]));
    out[19] = f1(74, u64::from(n1.cl[1]));
    out[20] = f1(75, u64::from(n1.cl[2]));
    let initial = u64::from(i == 0) << 8;
    out[21] = f2(82, u64::from(w.cap), u64::from(w.flags & CAP) | initial);
    out[22] = f2(83, u64::from(n1.cap), u64::from(n1.flags & CAP));
    let (p1, p2) = (u64::from(p1), u64::from(p2));
    out[23] = f1(40, p1);
    out[24] = f1(41, p2);
    out[25] = f2(42, p1, p2);
    out[26] = f2(43, p1, w.lower);
    out[27] = f2(44, p1, n1.lower);
    out[28] = f2(45, p1, w.suf[2]);
    out[29] = f2(46, p1, a0);
    out[30] = f2(47, p1, a1);
    let mut n = 31;
    if w.amb == NO_CLASS {
        let flags = u64::from(w.flags);
        out[n] = f2(52, m1.lower, w.shape);
        out[n + 1] = f2(53, w.shape, n1.lower);
        out[n + 2] = f2(54, p1, flags);
        n += 3;
    }
    n
}

const START: u8 = u8::MAX;
/// The label code of positions after the sentence end in right-context features.
const END: u8 = u8::MAX - 1;
const N_RIGHT: usize = 6;

/// Fills `out` with the second-pass features of word `i`: the first pass's labels of the next
/// two words (`labels`, one per word), alone and with the word, its suffix, its ambiguity class
/// and the previous label. The second pass adds their weights to the first pass's scores.
#[inline]
fn right_features(info: &[WordInfo], labels: &[u8], i: usize, out: &mut [u64; N_RIGHT]) {
    let w = &info[i + 2];
    let r1 = u64::from(labels.get(i + 1).copied().unwrap_or(END));
    let r2 = u64::from(labels.get(i + 2).copied().unwrap_or(END));
    let p1 = u64::from(if i == 0 { START } else { labels[i - 1] });
    out[0] = f1(60, r1);
    out[1] = f2(61, r1, r2);
    out[2] = f2(62, r1, w.lower);
    out[3] = f2(63, p1, r1);
    out[4] = f2(64, r1, u64::from(w.amb));
    out[5] = f2(65, r1, w.suf[2]);
}

fn fill_info(
    words: &[&str],
    classes: &HashMap<u64, u16, IdHash>,
    clusters: &Clusters,
    info: &mut Vec<WordInfo>,
) {
    info.clear();
    info.push(WordInfo::pad(1));
    info.push(WordInfo::pad(2));
    info.extend(words.iter().map(|w| {
        let mut i = WordInfo::new(w);
        i.amb = classes.get(&i.lower).copied().unwrap_or(NO_CLASS);
        (i.cl, i.cap) = clusters.entry_hash(i.lower);
        i
    }));
    info.push(WordInfo::pad(3));
    info.push(WordInfo::pad(4));
}

/// Per-thread buffers of [`Tagger::tag`].
#[derive(Default)]
struct Scratch {
    info: Vec<WordInfo>,
    /// First-pass scores, `labels.len()` per word.
    scores: Vec<i32>,
    /// First-pass labels.
    first: Vec<u8>,
    /// Whether each word's label came from the tag dictionary.
    fixed: Vec<bool>,
    /// Summed weights of the [`word_features`] of recently seen forms, direct mapped by form
    /// hash ([`WORD_CACHE`] slots of `labels.len()` scores), for the tagger `cache_owner`.
    cache_keys: Vec<u64>,
    cache_scores: Vec<i32>,
    cache_owner: u64,
}

/// Slots of the per-thread cache of word-feature scores.
const WORD_CACHE: usize = 2048;

/// Gives each loaded tagger its own identity for the per-thread cache.
static NEXT_TAGGER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

// ---------------------------------------------------------------------------------------------
// Inference
// ---------------------------------------------------------------------------------------------

impl Tagger {
    /// Tags the words of one sentence: `upos` and `xpos` are cleared and receive one tag per
    /// word (XPOS as ids, see [`Tagger::xpos_name`]). Never fails; an empty model tags `X`.
    pub fn tag(&self, words: &[&str], upos: &mut Vec<Upos>, xpos: &mut Vec<u16>) {
        upos.clear();
        xpos.clear();
        if self.labels.is_empty() {
            upos.resize(words.len(), Upos::X);
            xpos.resize(words.len(), 0);
            return;
        }
        SCRATCH.with(|cell| {
            // A re-entrant call (impossible today) would fall back to fresh buffers.
            let mut fresh = Scratch::default();
            let mut guard = cell.try_borrow_mut();
            let sc = match guard.as_mut() {
                Ok(v) => &mut **v,
                Err(_) => &mut fresh,
            };
            let nl = self.labels.len();
            fill_info(words, &self.classes, &self.clusters, &mut sc.info);
            sc.scores.clear();
            sc.scores.resize(words.len() * nl, 0);
            sc.first.clear();
            sc.fixed.clear();
            if sc.cache_owner != self.id {
                sc.cache_owner = self.id;
                sc.cache_keys.clear();
                sc.cache_keys.resize(WORD_CACHE, 0);
                sc.cache_scores.clear();
                sc.cache_scores.resize(WORD_CACHE * nl, 0);
            }
            // First pass: greedy left to right, keeping every word's scores. The weights of a
            // word's own features (a third of them) come from the per-thread cache when its
            // form was seen recently; integer sums do not depend on the order of addition.
            let (mut p1, mut p2) = (START, START);
            let mut wfeats = [0u64; N_WORD];
            let mut cfeats = [0u64; N_CONTEXT];
            for i in 0..words.len() {
                let row = &mut sc.scores[i * nl..(i + 1) * nl];
                let form = sc.info[i + 2].form;
                let label = match self.dict.get(&form) {
                    Some(&l) => l,
                    None => {
                        let slot = (form as usize) & (WORD_CACHE - 1);
                        let cached = &mut sc.cache_scores[slot * nl..(slot + 1) * nl];
                        // (0 marks an empty slot: such a form is never taken from it.)
                        if form == 0 || sc.cache_keys[slot] != form {
                            cached.iter_mut().for_each(|x| *x = 0);
                            let n = word_features(&sc.info[i + 2], &mut wfeats);
                            self.accumulate(&wfeats[..n], cached);
                            sc.cache_keys[slot] = form;
                        }
                        row.copy_from_slice(cached);
                        let n = context_features(&sc.info, i, p1, p2, &mut cfeats);
                        self.accumulate(&cfeats[..n], row);
                        argmax_i32(row)
                    }
                };
                sc.fixed.push(self.dict.contains_key(&sc.info[i + 2].form));
                sc.first.push(label);
                p2 = p1;
                p1 = label;
            }
            // Second pass: the first pass's labels to the right adjust the scores.
            let mut right = [0u64; N_RIGHT];
            for i in 0..words.len() {
                let label = if sc.fixed[i] {
                    sc.first[i]
                } else {
                    right_features(&sc.info, &sc.first, i, &mut right);
                    let row = &mut sc.scores[i * nl..(i + 1) * nl];
                    self.accumulate(&right, row);
                    argmax_i32(row)
                };
                let (x, u) = self.labels[label as usize];
                upos.push(u);
                xpos.push(x);
            }
        });
    }

    fn accumulate(&self, feats: &[u64], scores: &mut [i32]) {
        // Three passes, so that each level's cache misses overlap instead of queueing: touch
        // the slots, resolve every feature to its weight run, touch each run's first weight,
        // then add.
        self.touch(feats);
        let mut found = [0u32; 64];
        for chunk in feats.chunks(found.len()) {
            let mut nf = 0;
            for &f in chunk {
                if let Some(m) = self.lookup(f) {
                    found[nf] = m;
                    nf += 1;
                }
            }
            let mut t = 0u32;
            for &m in &found[..nf] {
                t ^= self.weights.get((m >> 8) as usize).copied().unwrap_or(0);
            }
            std::hint::black_box(t);
            for &m in &found[..nf] {
                let (start, len) = ((m >> 8) as usize, (m & 0xff) as usize);
                for &p in &self.weights[start..start + len] {
                    scores[(p >> 16) as usize] += i32::from(p as u16 as i16);
                }
            }
        }
    }

    /// Loads the first slot of every feature in a branch-free loop, so that the cache misses
    /// overlap instead of waiting on each probe in turn (a software prefetch without `unsafe`).
    #[inline]
    fn touch(&self, feats: &[u64]) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut t = 0u64;
        for &f in feats {
            t ^= self.slots[(f as usize) & mask].0;
        }
        std::hint::black_box(t);
    }

    #[inline]
    fn lookup(&self, key: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = (key as usize) & mask;
        loop {
            let (k, m) = self.slots[slot];
            if k == key {
                return Some(m);
            }
            if k == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The name of XPOS id `id` (`"?"` for an id this model does not have).
    pub fn xpos_name(&self, id: u16) -> &str {
        self.xpos.get(id as usize).map_or("?", String::as_str)
    }

    /// The id of an XPOS name, if the model knows it.
    pub fn xpos_id(&self, name: &str) -> Option<u16> {
        self.xpos.iter().position(|x| x == name).map(|i| i as u16)
    }

    /// Every XPOS name the model knows, by id.
    pub fn xpos_names(&self) -> &[String] {
        &self.xpos
    }

    /// Number of features in the model.
    pub fn features(&self) -> usize {
        self.slots.iter().filter(|s| s.0 != 0).count()
    }

    fn build(
        xpos: Vec<String>,
        labels: Vec<(u16, Upos)>,
        scale: f32,
        dict: HashMap<u64, u8, IdHash>,
        classes: HashMap<u64, u16, IdHash>,
        clusters: Clusters,
        rows: Vec<(u64, Vec<u32>)>,
    ) -> Tagger {
        let cap = (rows.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(0u64, 0u32); cap];
        let mut weights = Vec::with_capacity(rows.iter().map(|r| r.1.len()).sum());
        for (key, row) in rows {
            let key = key | 1;
            let mut slot = (key as usize) & (cap - 1);
            while slots[slot].0 != 0 && slots[slot].0 != key {
                slot = (slot + 1) & (cap - 1);
            }
            slots[slot] = (key, ((weights.len() as u32) << 8) | row.len() as u32);
            weights.extend_from_slice(&row);
        }
        Tagger {
            xpos,
            labels,
            scale,
            dict,
            classes,
            clusters,
            slots,
            weights,
            id: NEXT_TAGGER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Serialization
    // -----------------------------------------------------------------------------------------

    /// The model file's bytes (kind `TAGR`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::new();
        put_u32(&mut p, self.xpos.len() as u32);
        for x in &self.xpos {
            p.push(x.len().min(255) as u8);
            p.extend_from_slice(&x.as_bytes()[..x.len().min(255)]);
        }
        put_u32(&mut p, self.labels.len() as u32);
        for &(x, u) in &self.labels {
            p.extend_from_slice(&x.to_le_bytes());
            p.push(u.code());
        }
        p.extend_from_slice(&self.scale.to_le_bytes());
        let mut dict: Vec<(u64, u8)> = self.dict.iter().map(|(&k, &v)| (k, v)).collect();
        dict.sort_unstable();
        put_u32(&mut p, dict.len() as u32);
        for (k, v) in dict {
            p.extend_from_slice(&k.to_le_bytes());
            p.push(v);
        }
        let mut classes: Vec<(u64, u16)> = self.classes.iter().map(|(&k, &v)| (k, v)).collect();
        classes.sort_unstable();
        put_u32(&mut p, classes.len() as u32);
        for (k, v) in classes {
            p.extend_from_slice(&k.to_le_bytes());
            p.extend_from_slice(&v.to_le_bytes());
        }
        let mut rows: Vec<(u64, u32)> = self.slots.iter().copied().filter(|s| s.0 != 0).collect();
        rows.sort_unstable();
        put_u32(&mut p, rows.len() as u32);
        for (k, m) in rows {
            let (start, len) = ((m >> 8) as usize, (m & 0xff) as usize);
            p.extend_from_slice(&k.to_le_bytes());
            p.push(len as u8);
            for &w in &self.weights[start..start + len] {
                p.push((w >> 16) as u8);
                p.extend_from_slice(&(w as u16).to_le_bytes());
            }
        }
        let clusters = self.clusters.to_bytes();
        put_u32(&mut p, clusters.len() as u32);
        p.extend_from_slice(&clusters);
        model_file::write(KIND, VERSION, &p)
    }

    /// Loads a model written by [`Tagger::to_bytes`]; refuses foreign, stale or corrupt bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, ModelError> {
        let payload = model_file::read(bytes, KIND, VERSION)?;
        let mut r = Cursor { b: payload, at: 0 };
        let nx = r.u32()? as usize;
        let mut xpos = Vec::with_capacity(nx.min(1024));
        for _ in 0..nx {
            let len = r.u8()? as usize;
            let s = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ModelError::Corrupt("xpos name is not utf-8".into()))?;
            xpos.push(s.to_string());
        }
        let nl = r.u32()? as usize;
        if nl > 255 {
            return Err(ModelError::Corrupt(format!("{nl} labels, at most 255")));
        }
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            let x = r.u16()?;
            let u = Upos::from_code(r.u8()?)
                .ok_or_else(|| ModelError::Corrupt("bad upos code".into()))?;
            if x as usize >= nx {
                return Err(ModelError::Corrupt(format!("label names xpos {x} of {nx}")));
            }
            labels.push((x, u));
        }
        let scale = f32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
        let nd = r.u32()? as usize;
        let mut dict = HashMap::with_capacity_and_hasher(nd.min(1 << 20), IdHash::default());
        for _ in 0..nd {
            let k = r.u64()?;
            let v = r.u8()?;
            if v as usize >= nl {
                return Err(ModelError::Corrupt(format!("dictionary label {v} of {nl}")));
            }
            dict.insert(k, v);
        }
        let nc = r.u32()? as usize;
        let mut classes = HashMap::with_capacity_and_hasher(nc.min(1 << 20), IdHash::default());
        for _ in 0..nc {
            let k = r.u64()?;
            classes.insert(k, r.u16()?);
        }
        let nf = r.u32()? as usize;
        let mut rows = Vec::with_capacity(nf.min(payload.len() / 9 + 1));
        for _ in 0..nf {
            let k = r.u64()?;
            let len = r.u8()? as usize;
            let mut row = Vec::with_capacity(len);
            for _ in 0..len {
                let c = r.u8()?;
                if c as usize >= nl {
                    return Err(ModelError::Corrupt(format!("weight for label {c} of {nl}")));
                }
                let w = r.u16()?;
                row.push((u32::from(c) << 16) | u32::from(w));
            }
            rows.push((k, row));
        }
        let ncl = r.u32()? as usize;
        let clusters = Clusters::from_bytes(r.take(ncl)?)?;
        if r.at != payload.len() {
            return Err(ModelError::Corrupt(format!(
                "{} trailing bytes",
                payload.len() - r.at
            )));
        }
        Ok(Tagger::build(
            xpos, labels, scale, dict, classes, clusters, rows,
        ))
    }
}

fn put_u32(p: &mut Vec<u8>, v: u32) {
    p.extend_from_slice(&v.to_le_bytes());
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.b.len() - self.at < n {
            return Err(ModelError::Corrupt(format!(
                "payload ends at byte {}, {n} more expected",
                self.b.len()
            )));
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------

/// One weight during training, averaged lazily.
#[derive(Debug, Clone, Copy)]
struct Weight {
    class: u8,
    w: f32,
    total: f64,
    stamp: u32,
}

struct Perceptron {
    index: HashMap<u64, u32, IdHash>,
    rows: Vec<Vec<Weight>>,
    now: u32,
}

impl Perceptron {
    fn scores(&self, feats: &[u64], scores: &mut [f32]) {
        scores.fill(0.0);
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                for w in &self.rows[r as usize] {
                    scores[w.class as usize] += w.w;
                }
            }
        }
    }

    /// Replaces every weight by its average so far (the model then only scores).
    fn average(&mut self) {
        let now = f64::from(self.now.max(1));
        for row in &mut self.rows {
            for w in row.iter_mut() {
                w.w = ((w.total + (now - f64::from(w.stamp)) * f64::from(w.w)) / now) as f32;
            }
        }
    }

    fn update(&mut self, feats: &[u64], truth: u8, guess: u8) {
        let now = self.now;
        for f in feats {
            let Some(&r) = self.index.get(f) else {
                continue;
            };
            let row = &mut self.rows[r as usize];
            for (class, delta) in [(truth, 1.0f32), (guess, -1.0)] {
                let w = match row.iter_mut().position(|w| w.class == class) {
                    Some(i) => &mut row[i],
                    None => {
                        row.push(Weight {
                            class,
                            w: 0.0,
                            total: 0.0,
                            stamp: now,
                        });
                        row.last_mut().expect("just pushed")
                    }
                };
                w.total += f64::from(now - w.stamp) * f64::from(w.w);
                w.stamp = now;
                w.w += delta;
            }
        }
    }
}

fn argmax_i32(scores: &[i32]) -> u8 {
    let mut best = 0;
    for c in 1..scores.len() {
        if scores[c] > scores[best] {
            best = c;
        }
    }
    best as u8
}

fn argmax(scores: &[f32]) -> u8 {
    let mut best = 0;
    for c in 1..scores.len() {
        if scores[c] > scores[best] {
            best = c;
        }
    }
    best as u8
}

/// The first `N_FEATURES` slots of a buffer that also holds the right-context features.
fn first_part(buf: &mut [u64; N_FEATURES + N_RIGHT]) -> &mut [u64; N_FEATURES] {
    (&mut buf[..N_FEATURES]).try_into().expect("length")
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
}

/// Folds of the jackknife that gives the second pass its training labels.
const JACK_FOLDS: usize = 4;
/// Epochs of each fold's first-pass-only model.
const JACK_EPOCHS: u32 = 3;

/// First-pass labels of every training sentence from a first-pass-only model that did not see
/// it: the sentences are split into `JACK_FOLDS` folds (by index), and an averaged perceptron
/// trained on the other folds tags each one. Empty for too little data (the second pass then
/// learns from the first pass's own labels).
fn jackknife(
    infos: &[Vec<WordInfo>],
    gold: &[Vec<u8>],
    dict: &HashMap<u64, u8, IdHash>,
    kept: &[u64],
    nl: usize,
    seed: u64,
) -> Vec<Vec<u8>> {
    let (folds, epochs) = (JACK_FOLDS, JACK_EPOCHS);
    if gold.len() < folds * 10 {
        return Vec::new();
    }
    let mut out = vec![Vec::new(); gold.len()];
    let mut feats = [0u64; N_FEATURES];
    let mut scores = vec![0f32; nl];
    for fold in 0..folds {
        let mut model = Perceptron {
            index: kept
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .collect(),
            rows: vec![Vec::new(); kept.len()],
            now: 0,
        };
        let mut order: Vec<usize> = (0..gold.len()).filter(|s| s % folds != fold).collect();
        let mut rng = Rng(seed ^ fold as u64);
        for _ in 0..epochs {
            for &s in &order {
                let (info, g) = (&infos[s], &gold[s]);
                let (mut p1, mut p2) = (START, START);
                for (i, &truth) in g.iter().enumerate() {
                    let guess = match dict.get(&info[i + 2].form) {
                        Some(&l) => l,
                        None => {
                            model.now += 1;
                            let n = features(info, i, p1, p2, &mut feats);
                            model.scores(&feats[..n], &mut scores);
                            let guess = argmax(&scores);
                            if guess != truth {
                                model.update(&feats[..n], truth, guess);
                            }
                            guess
                        }
                    };
                    p2 = p1;
                    p1 = guess;
                }
            }
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
        }
        model.average();
        for s in (0..gold.len()).filter(|s| s % folds == fold) {
            let info = &infos[s];
            let (mut p1, mut p2) = (START, START);
            for i in 0..gold[s].len() {
                let label = match dict.get(&info[i + 2].form) {
                    Some(&l) => l,
                    None => {
                        let n = features(info, i, p1, p2, &mut feats);
                        model.scores(&feats[..n], &mut scores);
                        argmax(&scores)
                    }
                };
                out[s].push(label);
                p2 = p1;
                p1 = label;
            }
        }
    }
    out
}

/// Trains a tagger on gold sentences. Deterministic: the same sentences and settings give the
/// same model bytes.
pub fn train(sentences: &[TrainSentence], config: &TrainConfig) -> (Tagger, TrainReport) {
    // Label inventory, in order of first appearance (deterministic).
    let mut xpos: Vec<String> = Vec::new();
    let mut xpos_ids: HashMap<String, u16> = HashMap::new();
    let mut labels: Vec<(u16, Upos)> = Vec::new();
    let mut label_ids: HashMap<(u16, Upos), u8> = HashMap::new();
    let mut gold: Vec<Vec<u8>> = Vec::with_capacity(sentences.len());
    for s in sentences {
        let n = s.words.len().min(s.xpos.len()).min(s.upos.len());
        let mut g = Vec::with_capacity(n);
        for i in 0..n {
            let x = *xpos_ids.entry(s.xpos[i].clone()).or_insert_with(|| {
                xpos.push(s.xpos[i].clone());
                (xpos.len() - 1) as u16
            });
            let key = (x, s.upos[i]);
            let l = match label_ids.get(&key) {
                Some(&l) => l,
                // Past 255 labels, rare pairs fold into the first label with the same XPOS.
                None if labels.len() >= 255 => {
                    labels.iter().position(|l| l.0 == x).unwrap_or(0) as u8
                }
                None => {
                    labels.push(key);
                    label_ids.insert(key, (labels.len() - 1) as u8);
                    (labels.len() - 1) as u8
                }
            };
            g.push(l);
        }
        gold.push(g);
    }
    let nl = labels.len().max(1);

    // Ambiguity classes: the set of labels each frequent lowercased word took at least 1% of
    // the time.
    let mut by_word: HashMap<u64, Vec<u32>, IdHash> = HashMap::default();
    for (s, g) in sentences.iter().zip(&gold) {
        for (w, &l) in s.words.iter().zip(g) {
            let c = by_word
                .entry(WordInfo::new(w).lower)
                .or_insert_with(|| vec![0; nl]);
            c[l as usize] += 1;
        }
    }
    let mut class_ids: HashMap<Vec<u8>, u16> = HashMap::new();
    let mut words: Vec<(u64, Vec<u32>)> = by_word.into_iter().collect();
    words.sort_unstable_by_key(|w| w.0);
    let mut classes: HashMap<u64, u16, IdHash> = HashMap::default();
    for (k, c) in words {
        let total: u32 = c.iter().sum();
        // Rare words would carry their gold label into training: they stay unclassed.
        if total < 10 {
            continue;
        }
        let set: Vec<u8> = (0..nl)
            .filter(|&l| c[l] > 0 && c[l] * 100 >= total)
            .map(|l| l as u8)
            .collect();
        let next = class_ids.len().min(usize::from(PAD_CLASS) - 1) as u16;
        classes.insert(k, *class_ids.entry(set).or_insert(next));
    }

    // Word infos once per sentence.
    let infos: Vec<Vec<WordInfo>> = sentences
        .iter()
        .zip(&gold)
        .map(|(s, g)| {
            let words: Vec<&str> = s.words[..g.len()].iter().map(String::as_str).collect();
            let mut v = Vec::new();
            fill_info(&words, &classes, &config.clusters, &mut v);
            v
        })
        .collect();

    // Tag dictionary.
    let mut counts: HashMap<u64, Vec<u32>, IdHash> = HashMap::default();
    for (info, g) in infos.iter().zip(&gold) {
        for (i, &l) in g.iter().enumerate() {
            let c = counts
                .entry(info[i + 2].form)
                .or_insert_with(|| vec![0; nl]);
            c[l as usize] += 1;
        }
    }
    let mut dict: HashMap<u64, u8, IdHash> = HashMap::default();
    for (&k, c) in &counts {
        let total: u32 = c.iter().sum();
        let (best, &n) = c
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
            .expect("labels");
        if total >= config.dict_min_count
            && f64::from(n) / f64::from(total) >= config.dict_min_ratio
        {
            dict.insert(k, best as u8);
        }
    }
    drop(counts);

    // Feature counts under gold history; keep the frequent ones.
    let mut fcount: HashMap<u64, u32, IdHash> = HashMap::default();
    let mut feats = [0u64; N_FEATURES + N_RIGHT];
    let mut right = [0u64; N_RIGHT];
    for (info, g) in infos.iter().zip(&gold) {
        let (mut p1, mut p2) = (START, START);
        for (i, &l) in g.iter().enumerate() {
            if !dict.contains_key(&info[i + 2].form) {
                let n = features(info, i, p1, p2, first_part(&mut feats));
                right_features(info, g, i, &mut right);
                for &f in feats[..n].iter().chain(&right) {
                    *fcount.entry(f).or_insert(0) += 1;
                }
            }
            p2 = p1;
            p1 = l;
        }
    }
    let mut kept: Vec<u64> = fcount
        .into_iter()
        .filter(|&(_, c)| c >= config.min_feature_count)
        .map(|(k, _)| k)
        .collect();
    kept.sort_unstable();
    let mut model = Perceptron {
        index: kept
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect(),
        rows: vec![Vec::new(); kept.len()],
        now: 0,
    };

    // The second pass learns from first-pass labels as noisy as those it sees at inference:
    // jackknifed labels (a first-pass-only model trained on the other folds tags each fold).
    let jack = jackknife(&infos, &gold, &dict, &kept, nl, config.seed);

    // Epochs.
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = Rng(config.seed);
    let mut scores = vec![0f32; nl];
    let mut epoch_accuracy = Vec::new();
    let mut first = Vec::new();
    for _ in 0..config.epochs {
        let (mut correct, mut seen) = (0usize, 0usize);
        for (info, g, jk) in order.iter().map(|&s| (&infos[s], &gold[s], jack.get(s))) {
            // First pass, as at inference.
            first.clear();
            let (mut p1, mut p2) = (START, START);
            for (i, &truth) in g.iter().enumerate() {
                let guess = match dict.get(&info[i + 2].form) {
                    Some(&l) => l,
                    None => {
                        model.now += 1;
                        let n = features(info, i, p1, p2, first_part(&mut feats));
                        model.scores(&feats[..n], &mut scores);
                        let guess = argmax(&scores);
                        if guess != truth {
                            model.update(&feats[..n], truth, guess);
                        }
                        guess
                    }
                };
                first.push(guess);
                p2 = p1;
                p1 = guess;
            }
            // Second pass over the first pass's labels, with the right-context features.
            let first: &[u8] = jk.map_or(&first, Vec::as_slice);
            for (i, &truth) in g.iter().enumerate() {
                let guess = if dict.contains_key(&info[i + 2].form) {
                    first[i]
                } else {
                    model.now += 1;
                    let p1 = if i == 0 { START } else { first[i - 1] };
                    let p2 = if i < 2 { START } else { first[i - 2] };
                    let n = features(info, i, p1, p2, first_part(&mut feats));
                    right_features(info, first, i, &mut right);
                    feats[n..n + N_RIGHT].copy_from_slice(&right);
                    let all = &feats[..n + N_RIGHT];
                    model.scores(all, &mut scores);
                    let guess = argmax(&scores);
                    if guess != truth {
                        model.update(all, truth, guess);
                    }
                    guess
                };
                correct += usize::from(guess == truth);
                seen += 1;
            }
        }
        epoch_accuracy.push(if seen == 0 {
            0.0
        } else {
            100.0 * correct as f64 / seen as f64
        });
        // Fisher–Yates with the fixed seed.
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }

    // Average, quantize, prune zeros.
    let now = f64::from(model.now.max(1));
    let mut averaged: Vec<(u64, Vec<(u8, f32)>)> = Vec::with_capacity(kept.len());
    let mut max_abs = 0f32;
    for (k, row) in kept.iter().zip(&model.rows) {
        let mut r: Vec<(u8, f32)> = row
            .iter()
            .map(|w| {
                let total = w.total + (now - f64::from(w.stamp)) * f64::from(w.w);
                (w.class, (total / now) as f32)
            })
            .filter(|&(_, w)| w != 0.0)
            .collect();
        r.sort_unstable_by_key(|x| x.0);
        for &(_, w) in &r {
            max_abs = max_abs.max(w.abs());
        }
        if !r.is_empty() {
            averaged.push((*k, r));
        }
    }
    let scale = if max_abs > 0.0 {
        max_abs / 32767.0
    } else {
        1.0
    };
    let mut rows = Vec::with_capacity(averaged.len());
    let mut nweights = 0;
    for (k, r) in averaged {
        let q: Vec<u32> = r
            .into_iter()
            .filter_map(|(c, w)| {
                let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
                (q != 0).then_some((u32::from(c) << 16) | u32::from(q as u16))
            })
            .collect();
        if !q.is_empty() {
            nweights += q.len();
            rows.push((k, q));
        }
    }
    let report = TrainReport {
        sentences: sentences.len(),
        tokens: gold.iter().map(Vec::len).sum(),
        labels: labels.len(),
        features: rows.len(),
        weights: nweights,
        dictionary: dict.len(),
        epoch_accuracy,
    };
    if labels.is_empty() {
        xpos.push("X".into());
        labels.push((0, Upos::X));
    }
    (
        Tagger::build(
            xpos,
            labels,
            scale,
            dict,
            classes,
            config.clusters.clone(),
            rows,
        ),
        report,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(w: &str) -> WordInfo {
        WordInfo::new(w)
    }

    #[test]
    fn tag_features_split_exactly() {
        // The word's own features plus the context's are the full feature set, for known,
        // unseen, hyphenated and capitalized words, at every position and label history.
        let mut classes = HashMap::with_hasher(IdHash::default());
        classes.insert(hash_str("the"), 3u16);
        classes.insert(hash_str("talks"), 7u16);
        let words = [
            "The",
            "talks",
            "in",
            "Antalya",
            "ended",
            "well-known",
            "1990s",
            ".",
        ];
        let mut info = Vec::new();
        fill_info(&words, &classes, &Clusters::default(), &mut info);
        for i in 0..words.len() {
            for (p1, p2) in [(START, START), (3, 9), (12, START)] {
                let mut all = [0u64; N_FEATURES];
                let n = features(&info, i, p1, p2, &mut all);
                let mut w = [0u64; N_WORD];
                let nw = word_features(&info[i + 2], &mut w);
                let mut c = [0u64; N_CONTEXT];
                let nc = context_features(&info, i, p1, p2, &mut c);
                let mut split: Vec<u64> = w[..nw].iter().chain(&c[..nc]).copied().collect();
                let mut whole = all[..n].to_vec();
                split.sort_unstable();
                whole.sort_unstable();
                assert_eq!(split, whole, "word {i} ({})", words[i]);
            }
        }
    }

    #[test]
    fn word_info_on_tricky_words() {
        let w = info("Well-known");
        assert_eq!(w.flags & (CAP | HYPHEN | ALLCAPS), CAP | HYPHEN);
        assert_eq!(w.lower, hash_str("well-known"));
        assert_eq!(w.suf[2], hash_str("own"));
        assert_eq!(w.pre[3], hash_str("well"));
        let w = info("NATO");
        assert_eq!(w.flags & (CAP | ALLCAPS), CAP | ALLCAPS);
        assert_eq!(w.shape, info("ABCD").shape, "runs collapse");
        assert_ne!(w.shape, info("Abcd").shape);
        let w = info("1990s");
        assert_eq!(w.flags & (DIGIT | LETTER), DIGIT | LETTER);
        assert_eq!(w.suf[0], hash_str("s"));
        // Multibyte: suffixes and prefixes are characters, not bytes.
        let w = info("Ünïcödé");
        assert_eq!(w.suf[1], hash_str("dé"));
        assert_eq!(w.pre[1], hash_str("ün"));
        assert_eq!(w.lower, hash_str("ünïcödé"));
        // Short words have no long affixes.
        let w = info("a");
        assert_eq!((w.suf[1], w.pre[3]), (0, 0));
        assert_eq!(info("").flags, 0);
        assert_eq!(info("I").flags & ALLCAPS, 0, "one capital is not all caps");
    }

    #[test]
    fn features_differ_by_template_and_context() {
        let mut v = Vec::new();
        fill_info(
            &["the", "the", "the"],
            &HashMap::default(),
            &Clusters::default(),
            &mut v,
        );
        let mut a = [0u64; N_FEATURES];
        let n = features(&v, 1, 3, 4, &mut a);
        assert_eq!(
            n,
            N_STATIC + N_HISTORY + 6,
            "an unseen word without a hyphen"
        );
        // The same word in every window position gives distinct keys.
        let mut keys = a[..n].to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        let mut b = [0u64; N_FEATURES];
        features(&v, 1, 3, 5, &mut b);
        assert_eq!(a[..N_STATIC], b[..N_STATIC]);
        assert_ne!(a[N_STATIC + 1], b[N_STATIC + 1]);
    }

    fn toy() -> Vec<TrainSentence> {
        use Upos::*;
        let s = |w: &[(&str, &str, Upos)]| TrainSentence::new(w);
        vec![
            s(&[
                ("The", "DT", Det),
                ("cat", "NN", Noun),
                ("sat", "VBD", Verb),
                (".", ".", Punct),
            ]),
            s(&[
                ("A", "DT", Det),
                ("dog", "NN", Noun),
                ("runs", "VBZ", Verb),
                (".", ".", Punct),
            ]),
            s(&[
                ("Dogs", "NNS", Noun),
                ("like", "VBP", Verb),
                ("cats", "NNS", Noun),
            ]),
            s(&[
                ("I", "PRP", Pron),
                ("like", "VBP", Verb),
                ("Paris", "NNP", Propn),
                ("!", ".", Punct),
            ]),
            s(&[
                ("Cats", "NNS", Noun),
                ("sat", "VBD", Verb),
                ("like", "IN", Adp),
                ("dogs", "NNS", Noun),
            ]),
            s(&[
                ("The", "DT", Det),
                ("run", "NN", Noun),
                ("was", "VBD", Aux),
                ("long", "JJ", Adj),
            ]),
        ]
    }

    fn tag(t: &Tagger, words: &[&str]) -> Vec<String> {
        let (mut u, mut x) = (Vec::new(), Vec::new());
        t.tag(words, &mut u, &mut x);
        u.iter()
            .zip(&x)
            .map(|(u, &x)| format!("{}|{}", t.xpos_name(x), u))
            .collect()
    }

    #[test]
    fn learns_a_tiny_set_perfectly() {
        let data = toy();
        let (t, report) = train(
            &data,
            &TrainConfig {
                min_feature_count: 1,
                ..TrainConfig::default()
            },
        );
        assert_eq!(report.epoch_accuracy.last().copied(), Some(100.0));
        for s in &data {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let want: Vec<String> = s
                .xpos
                .iter()
                .zip(&s.upos)
                .map(|(x, u)| format!("{x}|{u}"))
                .collect();
            assert_eq!(tag(&t, &words), want);
        }
    }

    #[test]
    fn bytes_round_trip() {
        let (t, _) = train(
            &toy(),
            &TrainConfig {
                min_feature_count: 1,
                ..TrainConfig::default()
            },
        );
        let bytes = t.to_bytes();
        let back = Tagger::from_bytes(&bytes).expect("loads");
        assert_eq!(back.to_bytes(), bytes);
        let words = ["The", "dog", "sat", "like", "Paris", "."];
        assert_eq!(tag(&back, &words), tag(&t, &words));
        // Training is deterministic.
        let (again, _) = train(
            &toy(),
            &TrainConfig {
                min_feature_count: 1,
                ..TrainConfig::default()
            },
        );
        assert_eq!(again.to_bytes(), bytes);
    }

    #[test]
    fn corrupt_bytes_are_refused() {
        let (t, _) = train(&toy(), &TrainConfig::default());
        let bytes = t.to_bytes();
        for cut in [0, 10, 20, 21, 30, bytes.len() / 2, bytes.len() - 1] {
            assert!(Tagger::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // A truncated payload with a header that agrees with it.
        for cut in [1, 5, 17, 40] {
            let p = &bytes[20..20 + cut.min(bytes.len() - 20)];
            let b = model_file::write(KIND, VERSION, p);
            assert!(matches!(
                Tagger::from_bytes(&b),
                Err(ModelError::Corrupt(_))
            ));
        }
        let mut garbage = model_file::write(KIND, VERSION, &[0xff; 64]);
        assert!(Tagger::from_bytes(&garbage).is_err());
        garbage[4] = b'X';
        assert!(matches!(
            Tagger::from_bytes(&garbage),
            Err(ModelError::WrongKind { .. })
        ));
    }

    #[test]
    fn upos_names_round_trip() {
        for u in Upos::ALL {
            assert_eq!(u.as_str().parse::<Upos>(), Ok(u));
            assert_eq!(Upos::from_code(u.code()), Some(u));
        }
        assert!("NOPE".parse::<Upos>().is_err());
    }

    #[test]
    fn empty_input_and_empty_model() {
        let (t, _) = train(&[], &TrainConfig::default());
        assert_eq!(tag(&t, &["x", "y"]).len(), 2);
        assert!(tag(&t, &[]).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn tag_never_panics(words in proptest::collection::vec("\\PC{0,12}", 0..20)) {
            thread_local! {
                static MODEL: Tagger = train(&toy(), &TrainConfig::default()).0;
            }
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let (mut u, mut x) = (Vec::new(), Vec::new());
            MODEL.with(|m| m.tag(&words, &mut u, &mut x));
            proptest::prop_assert_eq!(u.len(), words.len());
            proptest::prop_assert_eq!(x.len(), words.len());
        }
    }
}
