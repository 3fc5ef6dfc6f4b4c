//! Transition-based dependency parser: arc-hybrid transitions, greedy decoding, averaged
//! perceptron scores over hashed Zhang & Nivre (2011) style features, trained with a dynamic
//! oracle.
//!
//! Input: the words of one sentence with their UPOS and XPOS tags (as `&str`, so that this module
//! does not depend on the tagger's types). Output: one head and one relation per word. Heads are
//! **1-based like CoNLL-U: `heads[i] == 0` means word `i` is the root**, otherwise word `i`
//! depends on word `heads[i] - 1`. The output is always one tree: exactly one root, every word
//! covered, no cycles.
//!
//! Five classifiers share the weight file: one picks the unlabelled transition (SHIFT, LEFT-ARC,
//! RIGHT-ARC), and one labels each arc when it is made, seeing the dependent's finished subtree
//! (those relations feed the transition features). Three passes then revisit the finished tree:
//! the attachment reviser moves words with their subtrees to a better head among those that keep
//! the tree projective ([`revise::candidates`]: a prepositional phrase from the verb to the
//! noun); the relabeller labels close calls again, seeing what only the whole tree shows: the
//! head's own relation and head, the siblings on both sides and their relations ("gave him the
//! book": `him` is `iobj` because an `obj` follows); and the punctuation chooser re-attaches each
//! mark to a head the UD rule allows ([`punct::candidates`]). The relabeller is trained on gold
//! trees, separately from the transitions; the reviser and the chooser inside the transitions'
//! loop, on the trees the parser itself builds. The root word is always labelled `root`.
//!
//! Non-projective training trees are projectivized by lifting: the shortest non-projective arc's
//! dependent is re-attached to its grandparent until the tree is projective (the relation is kept
//! and not decorated, so the lift is not undone at parse time). The dynamic oracle is exact on
//! the lifted tree.
//!
//! ```
//! use dyad_nlp::parser::{train, Parser, TrainConfig, TrainSentence};
//!
//! let s = TrainSentence::new(
//!     &["Rebels", "attacked", "Kabul"],
//!     &["NOUN", "VERB", "PROPN"],
//!     &["NNS", "VBD", "NNP"],
//!     &[2, 0, 2],
//!     &["nsubj", "root", "obj"],
//! );
//! let config = TrainConfig { transition_bits: 12, label_bits: 10, ..TrainConfig::default() };
//! let (parser, _report) = train(&[s], &config);
//! let parser = Parser::from_bytes(&parser.to_bytes()).unwrap();
//! let (mut heads, mut labels) = (Vec::new(), Vec::new());
//! parser.parse(
//!     &["Rebels", "attacked", "Kabul"],
//!     &["NOUN", "VERB", "PROPN"],
//!     &["NNS", "VBD", "NNP"],
//!     &mut heads,
//!     &mut labels,
//! );
//! assert_eq!(heads, [2, 0, 2]);
//! assert_eq!(parser.label_name(labels[0]), "nsubj");
//! ```

use crate::clusters::Clusters;
use crate::idhash::IdHash;
use crate::model_file::{self, ModelError};
use crate::punct;
use crate::revise;
use std::collections::HashMap;
use std::fmt;

/// The format version of `parser.bin`.
pub const VERSION: u16 = 5;
const KIND: &[u8; 4] = b"PARS";

/// Relations whose arc-time choice the relabeller never changed for the better on EWT and GUM
/// dev (relabelling them changed nothing there): skipping them saves about a third of the
/// relabeller's work.
const SETTLED: [&str; 4] = ["punct", "det", "case", "cc"];

fn settled(labels: &[String]) -> Vec<bool> {
    labels
        .iter()
        .map(|l| SETTLED.contains(&l.as_str()))
        .collect()
}

/// The relation of the root word.
pub const ROOT_LABEL: &str = "root";
/// The relation given to a word attached by the fallback that keeps the output a tree.
pub const FALLBACK_LABEL: &str = "dep";

const SHIFT: usize = 0;
const LEFT: usize = 1;
const RIGHT: usize = 2;
const MOVES: usize = 3;

/// No head assigned yet.
const NOHEAD: u32 = u32::MAX;
/// The gold head of the root word.
const GROOT: u32 = u32::MAX - 1;
/// No label assigned yet (also the label of the null position).
const NOLABEL: u16 = u16::MAX;

/// One training sentence: words, tags and a gold tree (heads 1-based, 0 for the root).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainSentence {
    /// Word forms.
    pub words: Vec<String>,
    /// Universal POS tags.
    pub upos: Vec<String>,
    /// Language-specific tags (Penn Treebank for English).
    pub xpos: Vec<String>,
    /// Gold heads, 1-based, 0 for the root.
    pub heads: Vec<u32>,
    /// Gold relations, with subtypes (`nmod:poss`).
    pub labels: Vec<String>,
}

impl TrainSentence {
    /// Builds a sentence from borrowed columns.
    pub fn new(
        words: &[&str],
        upos: &[&str],
        xpos: &[&str],
        heads: &[u32],
        labels: &[&str],
    ) -> Self {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        TrainSentence {
            words: own(words),
            upos: own(upos),
            xpos: own(xpos),
            heads: heads.to_vec(),
            labels: own(labels),
        }
    }
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// The transition weight table has `2^transition_bits` rows of three weights.
    pub transition_bits: u8,
    /// The label weight table has `2^label_bits` rows of one weight per relation.
    pub label_bits: u8,
    /// The relabeller's table has `2^relabel_bits` rows of one weight per relation; 0: no
    /// relabeller (the relation chosen when the arc is made stays).
    pub relabel_bits: u8,
    /// The punctuation chooser's table has `2^punct_bits` weights; 0: no chooser (punctuation
    /// keeps the head the transitions gave it).
    pub punct_bits: u8,
    /// The attachment reviser's table has `2^revise_bits` weights; 0: no reviser (words keep
    /// the heads the transitions gave them).
    pub revise_bits: u8,
    /// Passes over the training sentences.
    pub epochs: u32,
    /// From this epoch on (0-based), training follows the model's own prediction (dynamic
    /// oracle exploration) with probability [`TrainConfig::explore`].
    pub explore_from: u32,
    /// Probability of following the model's prediction instead of the oracle's choice.
    pub explore: f64,
    /// Seed of the sentence shuffle and of exploration.
    pub seed: u64,
    /// Word clusters whose classes become features (stored in the model; empty: none).
    pub clusters: Clusters,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            transition_bits: 20,
            label_bits: 16,
            relabel_bits: 16,
            punct_bits: 18,
            revise_bits: 19,
            epochs: 15,
            explore_from: 1,
            explore: 0.9,
            seed: 0x5eed_0da9,
            clusters: Clusters::default(),
        }
    }
}

/// What training saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainReport {
    /// Sentences trained on.
    pub sentences: usize,
    /// Words trained on.
    pub words: usize,
    /// Sentences skipped because their gold tree is malformed (bad head, cycle, several roots,
    /// columns of different lengths).
    pub skipped: usize,
    /// Sentences whose tree was non-projective and was lifted.
    pub nonprojective: usize,
    /// Arcs lifted to make those trees projective.
    pub lifted_arcs: usize,
    /// Relations learned (including `root` and the fallback `dep`).
    pub labels: usize,
    /// Per epoch, the share of transitions the model got wrong while training.
    pub epoch_errors: Vec<f64>,
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sentences, {} words, {} skipped, {} non-projective ({} arcs lifted), {} relations",
            self.sentences,
            self.words,
            self.skipped,
            self.nonprojective,
            self.lifted_arcs,
            self.labels
        )?;
        for (i, e) in self.epoch_errors.iter().enumerate() {
            write!(
                f,
                "\n  epoch {}: {:.2}% transition errors",
                i + 1,
                e * 100.0
            )?;
        }
        Ok(())
    }
}

/// A trained parser. Cheap to share between threads (`Send + Sync`).
#[derive(Clone, PartialEq)]
pub struct Parser {
    labels: Vec<String>,
    root: u16,
    fallback: u16,
    tbits: u8,
    lbits: u8,
    /// Bits of the relabeller's row count; 0 when the model has none.
    rbits: u8,
    trans: Vec<i16>,
    lab: Vec<i16>,
    /// The relabeller's weights (empty when `rbits` is 0).
    relab: Vec<i16>,
    /// Per relation: is an arc-time choice of it final (not relabelled)? From [`SETTLED`].
    settled: Vec<bool>,
    /// Bits of the punctuation chooser's table; 0 when the model has none.
    pbits: u8,
    /// The punctuation chooser's weights, one per row (empty when `pbits` is 0).
    punct: Vec<i16>,
    /// Bits of the attachment reviser's table; 0 when the model has none.
    vbits: u8,
    /// The attachment reviser's weights, one per row (empty when `vbits` is 0).
    revise: Vec<i16>,
    clusters: Clusters,
    /// Lowercased word hash → hash of the set of Penn tags the tagger gave it in training.
    amb: HashMap<u64, u64, IdHash>,
}

impl fmt::Debug for Parser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser")
            .field("labels", &self.labels.len())
            .field("transition_bits", &self.tbits)
            .field("label_bits", &self.lbits)
            .field("relabel_bits", &self.rbits)
            .field("punct_bits", &self.pbits)
            .field("revise_bits", &self.vbits)
            .field("clusters", &self.clusters.len())
            .field("ambiguity_classes", &self.amb.len())
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(K).rotate_left(29)
}

/// A hash of a string, case folded when `fold` (a word), or as is (a tag).
fn str_hash(s: &str, fold: bool) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in s.chars() {
        if fold {
            for l in c.to_lowercase() {
                h = (h ^ l as u64).wrapping_mul(0x0000_0100_0000_01b3);
            }
        } else {
            h = (h ^ c as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    mix(h, 1) | 1
}

#[inline]
fn row(h: u64, bits: u8) -> usize {
    (h.wrapping_mul(K) >> (64 - bits as u32)) as usize
}

// ---------------------------------------------------------------------------------------------
// The parser state.

/// A hash of the last three characters of a word, case folded: a tag-independent guess at its
/// part of speech (`-ed`, `-ing`, `-ly`) that stays right when the tagger is wrong.
fn suffix_hash(s: &str) -> u64 {
    let mut h: u64 = 0x8422_2325_cbf2_9ce4;
    for c in s.chars().rev().take(3) {
        for l in c.to_lowercase() {
            h = (h ^ l as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    mix(h, 3) | 1
}

/// A hash of a word's shape: capitalization, digits, hyphens, punctuation and a length bucket.
fn shape_hash(s: &str) -> u64 {
    let (mut upper, mut lower, mut digit, mut hyphen, mut other) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut first_upper = 0u64;
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            upper = 1;
            if i == 0 {
                first_upper = 1;
            }
        } else if c.is_lowercase() {
            lower = 1;
        } else if c.is_ascii_digit() {
            digit = 1;
        } else if c == '-' {
            hyphen = 1;
        } else if !c.is_alphanumeric() {
            other = 1;
        }
    }
    let len = s.chars().count().min(5) as u64;
    let code =
        first_upper | upper << 1 | lower << 2 | digit << 3 | hyphen << 4 | other << 5 | len << 6;
    mix(code + 0x5ba9e, 4) | 1
}

/// The per-word atoms features are built from; index `n` is the null position.
struct Atoms {
    w: Vec<u64>,
    p: Vec<u64>,
    u: Vec<u64>,
    /// Suffix ([`suffix_hash`]).
    x: Vec<u64>,
    /// Shape ([`shape_hash`]).
    h: Vec<u64>,
    /// Word cluster at the coarse, middle and fine level.
    c: [Vec<u64>; 3],
    /// Ambiguity class: the set of tags the word took in training (3 when unknown).
    a: Vec<u64>,
    /// `pc[i]`: punctuation marks (UPOS `PUNCT`) among the first `i` words.
    pc: Vec<u32>,
}

impl Atoms {
    fn new(
        words: &[&str],
        upos: &[&str],
        xpos: &[&str],
        clusters: &Clusters,
        amb: &HashMap<u64, u64, IdHash>,
    ) -> Atoms {
        let n = words.len();
        let mut a = Atoms {
            w: Vec::with_capacity(n + 1),
            p: Vec::with_capacity(n + 1),
            u: Vec::with_capacity(n + 1),
            x: Vec::with_capacity(n + 1),
            h: Vec::with_capacity(n + 1),
            c: std::array::from_fn(|_| Vec::with_capacity(n + 1)),
            a: Vec::with_capacity(n + 1),
            pc: Vec::with_capacity(n + 2),
        };
        a.pc.push(0);
        for (i, w) in words.iter().enumerate() {
            let cl = clusters.get(w);
            for (l, c) in a.c.iter_mut().enumerate() {
                c.push(mix(u64::from(cl[l]) + 0x00c1_0000 * (l as u64 + 1), 5) | 1);
            }
            let wh = str_hash(w, true);
            a.w.push(wh);
            a.a.push(amb.get(&wh).copied().unwrap_or(3));
            a.x.push(suffix_hash(w));
            a.h.push(shape_hash(w));
            a.u.push(str_hash(upos.get(i).copied().unwrap_or("_"), false));
            a.p.push(str_hash(xpos.get(i).copied().unwrap_or("_"), false));
            let punct = upos.get(i).is_some_and(|&t| t == "PUNCT");
            a.pc.push(a.pc[i] + u32::from(punct));
        }
        a.pc.push(a.pc[n]);
        a.w.push(2);
        a.p.push(2);
        a.u.push(2);
        a.x.push(2);
        a.h.push(2);
        for c in &mut a.c {
            c.push(2);
        }
        a.a.push(2);
        a
    }
}

/// An arc-hybrid configuration. The buffer is always the suffix `b..n`; position `n` (`null`)
/// stands for a missing item in features.
struct State {
    n: usize,
    stack: Vec<u32>,
    b: usize,
    head: Vec<u32>,
    label: Vec<u16>,
    lc1: Vec<u32>,
    lc2: Vec<u32>,
    rc1: Vec<u32>,
    rc2: Vec<u32>,
    nl: Vec<u8>,
    nr: Vec<u8>,
    ls: Vec<u64>,
    rs: Vec<u64>,
}

impl State {
    fn new(n: usize) -> State {
        let null = n as u32;
        State {
            n,
            stack: Vec::with_capacity(n),
            b: 0,
            head: vec![NOHEAD; n + 1],
            label: vec![NOLABEL; n + 1],
            lc1: vec![null; n + 1],
            lc2: vec![null; n + 1],
            rc1: vec![null; n + 1],
            rc2: vec![null; n + 1],
            nl: vec![0; n + 1],
            nr: vec![0; n + 1],
            ls: vec![0; n + 1],
            rs: vec![0; n + 1],
        }
    }

    fn terminal(&self) -> bool {
        self.b >= self.n && self.stack.len() <= 1
    }

    fn valid(&self) -> [bool; MOVES] {
        let buf = self.b < self.n;
        [buf, buf && !self.stack.is_empty(), self.stack.len() >= 2]
    }

    fn s(&self, i: usize) -> usize {
        let l = self.stack.len();
        if i < l {
            self.stack[l - 1 - i] as usize
        } else {
            self.n
        }
    }

    fn bi(&self, i: usize) -> usize {
        if self.b + i < self.n {
            self.b + i
        } else {
            self.n
        }
    }

    /// The (head, dependent) of an arc move.
    fn arc(&self, mv: usize) -> (usize, usize) {
        if mv == LEFT {
            (self.b, self.s(0))
        } else {
            (self.s(1), self.s(0))
        }
    }

    fn apply(&mut self, mv: usize, lab: u16) {
        match mv {
            SHIFT => {
                self.stack.push(self.b as u32);
                self.b += 1;
            }
            _ => {
                let (h, d) = self.arc(mv);
                self.stack.pop();
                self.add_arc(h, d, lab);
            }
        }
    }

    fn add_arc(&mut self, h: usize, d: usize, lab: u16) {
        let (d32, bit) = (d as u32, 1u64 << (lab % 64));
        self.head[d] = h as u32;
        self.label[d] = lab;
        let null = self.n as u32;
        if d < h {
            if self.lc1[h] == null || d32 < self.lc1[h] {
                self.lc2[h] = self.lc1[h];
                self.lc1[h] = d32;
            } else if self.lc2[h] == null || d32 < self.lc2[h] {
                self.lc2[h] = d32;
            }
            self.nl[h] = self.nl[h].saturating_add(1);
            self.ls[h] |= bit;
        } else {
            if self.rc1[h] == null || d32 > self.rc1[h] {
                self.rc2[h] = self.rc1[h];
                self.rc1[h] = d32;
            } else if self.rc2[h] == null || d32 > self.rc2[h] {
                self.rc2[h] = d32;
            }
            self.nr[h] = self.nr[h].saturating_add(1);
            self.rs[h] |= bit;
        }
    }

    #[inline]
    fn lab(&self, i: usize) -> u64 {
        self.label[i] as u64 + 7
    }
}

// ---------------------------------------------------------------------------------------------
// Features.

const NT: usize = 135;
const NL: usize = 43;

/// Fills `f` with the transition features of the state.
fn trans_features(st: &State, a: &Atoms, f: &mut [u64; NT]) {
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let (b0, b1, b2) = (st.bi(0), st.bi(1), st.bi(2));
    let n = st.n;
    let (w, p, u) = (&a.w, &a.p, &a.u);
    let (s0w, s0p, s0u) = (w[s0], p[s0], u[s0]);
    let (s1w, s1p, s1u) = (w[s1], p[s1], u[s1]);
    let (s2w, s2p) = (w[s2], p[s2]);
    let (b0w, b0p, b0u) = (w[b0], p[b0], u[b0]);
    let (b1w, b1p, b1u) = (w[b1], p[b1], u[b1]);
    let (b2w, b2p) = (w[b2], p[b2]);
    let (s0l, s0r) = (st.lc1[s0] as usize, st.rc1[s0] as usize);
    let (s0l2, s0r2) = (st.lc2[s0] as usize, st.rc2[s0] as usize);
    let (b0l, b0l2) = (st.lc1[b0] as usize, st.lc2[b0] as usize);
    let (s1l, s1r) = (st.lc1[s1] as usize, st.rc1[s1] as usize);
    let dist = if s0 < n && b0 < n {
        (b0 - s0).min(8) as u64
    } else {
        15
    };
    let d10 = if s0 < n && s1 < n {
        (s0 - s1).min(8) as u64
    } else {
        15
    };
    let (s0vl, s0vr, b0vl) = (st.nl[s0] as u64, st.nr[s0] as u64, st.nl[b0] as u64);
    let (s0ls, s0rs, b0ls) = (st.ls[s0], st.rs[s0], st.ls[b0]);
    let (s0ll, s0rl, b0ll) = (st.lab(s0l), st.lab(s0r), st.lab(b0l));
    let (s0l2l, s0r2l, b0l2l) = (st.lab(s0l2), st.lab(s0r2), st.lab(b0l2));
    let mut k = 0usize;
    macro_rules! ft {
        ($($v:expr),+) => {{
            let mut h = (k as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407);
            $(h = mix(h, $v);)+
            f[k] = h;
            k += 1;
        }};
    }
    // Unigrams.
    ft!(s0w);
    ft!(s0p);
    ft!(s0w, s0p);
    ft!(s0u);
    ft!(b0w);
    ft!(b0p);
    ft!(b0w, b0p);
    ft!(b0u);
    ft!(b1w);
    ft!(b1p);
    ft!(b1w, b1p);
    ft!(b2w);
    ft!(b2p);
    ft!(b2w, b2p);
    ft!(s1w);
    ft!(s1p);
    ft!(s1w, s1p);
    ft!(s2p);
    ft!(s2w);
    // Pairs.
    ft!(s0w, s0p, b0w, b0p);
    ft!(s0w, s0p, b0w);
    ft!(s0w, b0w, b0p);
    ft!(s0w, s0p, b0p);
    ft!(s0p, b0w, b0p);
    ft!(s0w, b0w);
    ft!(s0p, b0p);
    ft!(b0p, b1p);
    ft!(s1w, s1p, s0w, s0p);
    ft!(s1w, s0w);
    ft!(s1p, s0p);
    ft!(s1p, s0w);
    ft!(s1w, s0p);
    ft!(b0w, b1w);
    ft!(s0w, b1p);
    // Triples.
    ft!(b0p, b1p, b2p);
    ft!(s0p, b0p, b1p);
    ft!(s1p, s0p, b0p);
    ft!(s0p, p[s0l], b0p);
    ft!(s0p, p[s0r], b0p);
    ft!(s0p, b0p, p[b0l]);
    ft!(s2p, s1p, s0p);
    ft!(s1p, s0p, p[s0l]);
    ft!(s1p, p[s1r], s0p);
    ft!(s0w, b0p, b1p);
    ft!(s1p, s0p, p[s0r]);
    ft!(s0u, b0u, s1u);
    ft!(s0u, b0u, b1u);
    ft!(s1p, s0p, b0p, b1p);
    // Distance.
    ft!(s0w, dist);
    ft!(s0p, dist);
    ft!(b0w, dist);
    ft!(b0p, dist);
    ft!(s0w, b0w, dist);
    ft!(s0p, b0p, dist);
    ft!(s1p, s0p, d10);
    ft!(s1w, s0w, d10);
    // Valency.
    ft!(s0w, s0vr);
    ft!(s0p, s0vr);
    ft!(s0w, s0vl);
    ft!(s0p, s0vl);
    ft!(b0w, b0vl);
    ft!(b0p, b0vl);
    // Children.
    ft!(w[s0l]);
    ft!(p[s0l]);
    ft!(s0ll);
    ft!(w[s0r]);
    ft!(p[s0r]);
    ft!(s0rl);
    ft!(w[b0l]);
    ft!(p[b0l]);
    ft!(b0ll);
    ft!(w[s0l2]);
    ft!(p[s0l2]);
    ft!(s0l2l);
    ft!(w[s0r2]);
    ft!(p[s0r2]);
    ft!(s0r2l);
    ft!(w[b0l2]);
    ft!(p[b0l2]);
    ft!(b0l2l);
    ft!(s0p, s0ll, s0l2l);
    ft!(s0p, s0rl, s0r2l);
    ft!(b0p, b0ll, b0l2l);
    ft!(s1p, p[s1l], s0p);
    ft!(s1p, st.lab(s1r), s0p);
    // Label sets.
    ft!(s0w, s0rs);
    ft!(s0p, s0rs);
    ft!(s0w, s0ls);
    ft!(s0p, s0ls);
    ft!(b0w, b0ls);
    ft!(b0p, b0ls);
    ft!(s0p, s0ls, s0rs, b0p);
    debug_assert_eq!(k, 92);
    // Extra context around the buffer front and stack top.
    let prev = if b0 < n && b0 > 0 { b0 - 1 } else { n };
    ft!(b0p, p[prev], s0p);
    ft!(b0w, p[prev]);
    ft!(s0p, st.lab(s0l), st.lab(s0r), b0p);
    ft!(s0u, s1u, b0u, b1u);
    // Suffixes and shapes: evidence that survives a wrong tag.
    let (x, sh) = (&a.x, &a.h);
    ft!(x[s0]);
    ft!(x[b0]);
    ft!(x[b1]);
    ft!(x[s1]);
    ft!(sh[s0]);
    ft!(sh[b0]);
    ft!(x[s0], x[b0]);
    ft!(s0p, x[b0]);
    ft!(x[s0], b0p);
    ft!(x[s1], x[s0]);
    // Word clusters: evidence for words the treebanks rarely show.
    let (c0, c1, c2) = (&a.c[0], &a.c[1], &a.c[2]);
    ft!(c1[s0]);
    ft!(c1[b0]);
    ft!(c1[s1]);
    ft!(c1[b1]);
    ft!(c2[s0]);
    ft!(c2[b0]);
    ft!(c1[s0], c1[b0]);
    ft!(c1[s0], b0p);
    ft!(s0p, c1[b0]);
    ft!(c0[s1], c0[s0], c0[b0]);
    ft!(c1[s2]);
    ft!(c1[b2]);
    ft!(c1[s0l], s0p);
    ft!(c1[s0r], s0p);
    ft!(c1[b0l], b0p);
    ft!(c2[s0], c2[b0]);
    ft!(c1[s0], c1[b0], c1[b1]);
    ft!(c1[s1], s0p, b0p);
    // Ambiguity classes: which tags a word can take, whatever the tagger chose here.
    let am = &a.a;
    ft!(am[s0], s0p);
    ft!(am[b0], b0p);
    ft!(am[b1]);
    ft!(am[s1]);
    ft!(am[s0], am[b0]);
    ft!(am[s0], b0p);
    ft!(s0p, am[b0]);
    // Punctuation between the stack top and the buffer front, and between the two stack tops:
    // a comma or a dash in between is evidence of a clause or phrase boundary.
    let between = |x: usize, y: usize| -> u64 {
        if x < n && y < n && x < y {
            u64::from(a.pc[y] - a.pc[x + 1]).min(3)
        } else {
            15
        }
    };
    let (pb, p10) = (between(s0, b0), between(s1, s0));
    ft!(s0p, b0p, pb);
    ft!(s1p, s0p, p10);
    ft!(s0w, pb);
    ft!(pb, p10, s0p);
    debug_assert_eq!(k, NT);
}

/// The arc templates shared by the arc-time labeller and the relabeller, in their fixed order,
/// each handed to `emit` as the values it conjoins. `head_context` adds the two templates that
/// read the relations of the head's other children as they stand when the arc is made (the
/// relabeller, which sees the finished tree, has its own instead: they would show it the
/// dependent's own relation).
#[inline]
fn arc_templates(
    st: &State,
    a: &Atoms,
    h: usize,
    d: usize,
    head_context: bool,
    emit: &mut impl FnMut(&[u64]),
) {
    let n = st.n;
    let (w, p, u) = (&a.w, &a.p, &a.u);
    let dist = (h.abs_diff(d)).min(8) as u64;
    let (dw, dp, du, hw, hp, hu) = (w[d], p[d], u[d], w[h], p[h], u[h]);
    let (dl, dr) = (st.lc1[d] as usize, st.rc1[d] as usize);
    let dprev = if d > 0 { d - 1 } else { n };
    let dnext = if d + 1 < n { d + 1 } else { n };
    let hprev = if h > 0 && h < n { h - 1 } else { n };
    let hnext = if h + 1 < n { h + 1 } else { n };
    emit(&[dw]);
    emit(&[dp]);
    emit(&[dw, dp]);
    emit(&[hw]);
    emit(&[hp]);
    emit(&[hw, hp]);
    emit(&[dw, hw]);
    emit(&[dp, hp]);
    emit(&[dw, hp]);
    emit(&[dp, hw]);
    emit(&[dp, hp, dist]);
    emit(&[dp, st.lab(dl)]);
    emit(&[dp, st.lab(dr)]);
    emit(&[dp, st.ls[d]]);
    emit(&[dp, st.rs[d]]);
    if head_context {
        emit(&[hp, st.ls[h] | st.rs[h]]);
    }
    emit(&[dp, hp, p[dprev]]);
    emit(&[dp, hp, p[dnext]]);
    emit(&[dp, hp, p[hprev]]);
    emit(&[dp, hp, p[hnext]]);
    emit(&[du, hu]);
    emit(&[dw, w[dnext]]);
    emit(&[dp, w[dl]]);
    emit(&[dp, w[dl], hp]);
    emit(&[du, dist]);
    emit(&[dp, p[dl], p[dr]]);
    emit(&[dw, dp, hp]);
    emit(&[dp, hw, hp]);
    emit(&[du, hu, st.ls[d], st.rs[d]]);
    if head_context {
        emit(&[
            dp,
            hp,
            st.lab(st.lc1[h] as usize),
            st.lab(st.rc1[h] as usize),
        ]);
    }
    let (x, sh) = (&a.x, &a.h);
    emit(&[x[d]]);
    emit(&[x[d], hp]);
    emit(&[x[d], x[h]]);
    emit(&[sh[d]]);
    emit(&[dw, x[h]]);
    emit(&[x[h], dp]);
    emit(&[dw, dist]);
    emit(&[du, hu, dist]);
    emit(&[dp, w[dprev]]);
    emit(&[sh[d], hp]);
    let c = &a.c[1];
    emit(&[c[d]]);
    emit(&[c[d], hp]);
    emit(&[c[d], c[h]]);
}

/// A hashing emitter for [`arc_templates`] and the relabeller's extra templates: template `k`
/// (counted by the emitter) is seeded with `(k + 1) * seed ^ dir`.
#[inline]
fn hashing<'f>(f: &'f mut [u64], seed: u64, dir: u64, k: &'f mut usize) -> impl FnMut(&[u64]) + 'f {
    move |vals: &[u64]| {
        let mut h = (*k as u64 + 1).wrapping_mul(seed) ^ dir;
        for &v in vals {
            h = mix(h, v);
        }
        f[*k] = h;
        *k += 1;
    }
}

/// Fills `f` with the features of labelling the arc `h → d`.
fn label_features(st: &State, a: &Atoms, h: usize, d: usize, f: &mut [u64; NL]) {
    let dir = if d < h { 0x11u64 } else { 0x22 };
    let mut k = 0usize;
    arc_templates(
        st,
        a,
        h,
        d,
        true,
        &mut hashing(f, 0xD6E8_FEB8_6659_FD93, dir, &mut k),
    );
    debug_assert_eq!(k, NL);
}

const NR: usize = 48;
/// The relabeller only revisits arcs whose arc-time relation won by at most this margin (in
/// the quantized units of the relation table). Chosen on EWT and GUM dev with a train-only
/// model of the shipped settings: at this margin no score moved (predicted or gold tags) and 86 %
/// of the relabelling is skipped; at 5,000 LAS fell by 0.02–0.05. A model trained with other
/// settings may want another margin.
const RELABEL_MARGIN: i32 = 20_000;

/// Sibling links of a tree (`n`: none): each word's nearest sibling before and after it, and
/// each word's first child.
struct Siblings {
    prev: Vec<u32>,
    next: Vec<u32>,
    first: Vec<u32>,
}

impl Siblings {
    /// From 0-based heads ([`NOHEAD`] for the root word), `n` words plus the null position.
    fn new(head: &[u32], n: usize) -> Siblings {
        let none = n as u32;
        let mut s = Siblings {
            prev: vec![none; n + 1],
            next: vec![none; n + 1],
            first: vec![none; n + 1],
        };
        let mut last = vec![none; n + 1];
        for (d, &h) in head.iter().enumerate().take(n) {
            if h == NOHEAD || h as usize >= n {
                continue;
            }
            let h = h as usize;
            if last[h] == none {
                s.first[h] = d as u32;
            } else {
                s.prev[d] = last[h];
                s.next[last[h] as usize] = d as u32;
            }
            last[h] = d as u32;
        }
        s
    }
}

/// Fills `f` with the relabeller's features of word `d` in a finished tree: the arc features of
/// [`label_features`] that do not read `d`'s own relation, plus what only the whole tree shows
/// (the head's relation and head, the siblings on both sides and their relations).
fn relabel_features(st: &State, a: &Atoms, sibs: &Siblings, d: usize, f: &mut [u64; NR]) {
    let n = st.n;
    let h = st.head[d] as usize;
    let p = &a.p;
    let dir = if d < h { 0x33u64 } else { 0x44 };
    let (du, dp, hu, hp) = (a.u[d], p[d], a.u[h], p[h]);
    let dr = st.rc1[d] as usize;
    let g = match st.head[h] {
        NOHEAD => n,
        x => x as usize,
    };
    let (ps, ns) = (sibs.prev[d] as usize, sibs.next[d] as usize);
    let mut others = 0u64;
    let mut c = sibs.first[h] as usize;
    while c < n {
        if c != d {
            others |= 1u64 << (st.label[c] % 64);
        }
        c = sibs.next[c] as usize;
    }
    let mut k = 0usize;
    let mut emit = hashing(f, 0x9FB2_1C65_1E98_DF25, dir, &mut k);
    arc_templates(st, a, h, d, false, &mut emit);
    // Only the whole tree shows these.
    emit(&[dp, hp, others]);
    emit(&[dp, hp, st.lab(h)]);
    emit(&[dp, hp, p[g]]);
    emit(&[dp, hp, p[ns], st.lab(ns)]);
    emit(&[dp, hp, p[ps], st.lab(ps)]);
    emit(&[dp, a.w[dr]]);
    emit(&[du, hu, st.lab(h), others]);
    drop(emit);
    debug_assert_eq!(k, NR);
}

const NP: usize = 25;

/// Where candidate head `cands[ci]` stands for the word `x` that may move to it, as the
/// reviser's and the punctuation chooser's features see it.
struct Place {
    /// The candidate.
    c: usize,
    /// 1 when it is right of `x`.
    side: u64,
    /// Its rank on its side's climb (nearest first), capped at 4.
    rank: u64,
    /// 1 when it is the last candidate on its side.
    top: u64,
    /// How many candidates are on its side.
    same: usize,
    /// Its own head (`n` for the root).
    ch: usize,
    /// Distance to `x`, bucketed 1–5.
    dist: u64,
}

impl Place {
    fn new(st: &State, cands: &[usize], ci: usize, x: usize) -> Place {
        let c = cands[ci];
        let on_side = |y: &&usize| (**y > x) == (c > x);
        let rank = cands
            .iter()
            .filter(on_side)
            .position(|&y| y == c)
            .unwrap_or(0);
        let same = cands.iter().filter(on_side).count();
        Place {
            c,
            side: u64::from(c > x),
            rank: rank.min(4) as u64,
            top: u64::from(rank + 1 == same),
            same,
            ch: match st.head[c] {
                NOHEAD => st.n,
                h => h as usize,
            },
            dist: match c.abs_diff(x) {
                0..=1 => 1,
                2 => 2,
                3..=4 => 3,
                5..=7 => 4,
                _ => 5,
            },
        }
    }
}

/// Attachment reviser templates.
const NV: usize = 28;

/// Fills `f` with the features of moving word `d` (now under `dh`) to candidate `cands[ci]`
/// (as [`revise::candidates`] lists them: left climb, then right climb): the word, its
/// relation and its first and last children (a prepositional phrase's preposition), the
/// candidate's word, tag, relation and head, side, distance, rank on its climb, and whether it
/// is the parser's own choice.
fn revise_features(
    st: &State,
    a: &Atoms,
    d: usize,
    cands: &[usize],
    ci: usize,
    dh: usize,
    f: &mut [u64; NV],
) {
    let Place {
        c,
        side,
        rank,
        top,
        ch,
        dist,
        ..
    } = Place::new(st, cands, ci, d);
    let is = u64::from(c == dh);
    let ncands = cands.len().min(6) as u64;
    let (w, p) = (&a.w, &a.p);
    let (dl, cl) = (st.lab(d), st.lab(c));
    let (lc, rc) = (st.lc1[d] as usize, st.rc1[d] as usize);
    let (dc, cc, lcc) = (a.c[1][d], a.c[1][c], a.c[1][lc]);
    let mut k = 0usize;
    macro_rules! ft {
        ($($v:expr),+) => {{
            let mut h = (k as u64 + 1).wrapping_mul(0x94D0_49BB_1331_11EB);
            $(h = mix(h, $v);)+
            f[k] = h;
            k += 1;
        }};
    }
    ft!(is);
    ft!(is, dl);
    ft!(is, p[d], p[dh]);
    ft!(p[d], p[c], side);
    ft!(p[d], p[c], side, dist);
    ft!(w[d], p[c], side);
    ft!(p[d], w[c], side);
    ft!(w[d], w[c]);
    ft!(dl, p[c], side);
    ft!(dl, p[c], cl, side);
    ft!(w[lc], p[c], side);
    ft!(w[lc], w[c], side);
    ft!(w[lc], w[c], w[d]);
    ft!(w[lc], p[c], p[d]);
    ft!(p[lc], p[d], p[c], side);
    ft!(p[d], p[c], rank, side);
    ft!(p[d], side, rank, top);
    ft!(p[d], p[c], is);
    ft!(dl, is, side);
    ft!(p[d], p[dh], p[c], side);
    ft!(dc, cc, side);
    ft!(w[lc], cc, side);
    ft!(lcc, dc, cc);
    ft!(dl, cl, is);
    ft!(p[d], p[rc], p[c], side);
    ft!(p[c], cl, side, top);
    ft!(p[d], ncands, rank, side);
    ft!(p[d], p[ch], p[c], side);
    debug_assert_eq!(k, NV);
}

/// Fills `f` with the features of attaching punctuation mark `p` to candidate `cands[ci]`
/// (candidates as [`punct::candidates`] lists them: left climb, then right climb).
#[allow(clippy::too_many_arguments)]
fn punct_features(
    st: &State,
    a: &Atoms,
    punct: &[bool],
    p: usize,
    cands: &[usize],
    ci: usize,
    ph: usize,
    f: &mut [u64; NP],
) {
    let n = st.n;
    let Place {
        c,
        side,
        rank,
        top,
        same,
        ch,
        dist,
    } = Place::new(st, cands, ci, p);
    let is = u64::from(c == ph);
    let others = (cands.len() - same).min(4) as u64;
    let (w, pp) = (&a.w, &a.p);
    let pw = w[p];
    let ct = pp[c];
    let cl = st.lab(c);
    let next = if p + 1 < n { p + 1 } else { n };
    let prev = if p > 0 { p - 1 } else { n };
    let last = u64::from((p + 1..n).all(|i| punct[i]));
    // Odd or even count of the same mark before it: opening or closing quote.
    let parity = (0..p).filter(|&i| w[i] == pw).count() as u64 & 1;
    let mut k = 0usize;
    macro_rules! ft {
        ($($v:expr),+) => {{
            let mut h = (k as u64 + 1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
            $(h = mix(h, $v);)+
            f[k] = h;
            k += 1;
        }};
    }
    ft!(side, rank);
    ft!(side, rank, top);
    ft!(pw, side, rank);
    ft!(pw, side, top);
    ft!(pw, ct, side);
    ft!(pw, cl, side);
    ft!(pw, ct, cl, side, top);
    ft!(pw, pp[next], side, top);
    ft!(pw, pp[prev], side, top);
    ft!(pw, last, side, top);
    ft!(ct, side, top);
    ft!(cl, side, top);
    ft!(pw, pp[ch], ct, side);
    ft!(pw, dist, side);
    ft!(pw, pp[next], ct, side);
    ft!(pw, pp[prev], ct, side);
    ft!(pw, others, side, rank);
    ft!(pw, w[c], side);
    ft!(pw, parity, side, rank);
    ft!(pw, parity, ct, side);
    ft!(pw, st.lab(ch), cl, side);
    ft!(pw, side, top, others, last);
    ft!(is);
    ft!(pw, is, side, top);
    ft!(pw, is, ct);
    debug_assert_eq!(k, NP);
}

// ---------------------------------------------------------------------------------------------
// Parsing.

impl Parser {
    /// Loads a model written by [`Parser::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser, ModelError> {
        let payload = model_file::read(bytes, KIND, VERSION)?;
        let mut r = Cursor { b: payload, at: 0 };
        let corrupt = |m: &str| ModelError::Corrupt(m.to_string());
        let nlabels = r.u32().ok_or_else(|| corrupt("no label count"))? as usize;
        if nlabels == 0 || nlabels > 255 {
            return Err(corrupt("bad label count"));
        }
        let mut labels = Vec::with_capacity(nlabels);
        for _ in 0..nlabels {
            let len = r.u16().ok_or_else(|| corrupt("truncated label"))? as usize;
            let s = r.take(len).ok_or_else(|| corrupt("truncated label"))?;
            let s = std::str::from_utf8(s).map_err(|_| corrupt("label is not UTF-8"))?;
            labels.push(s.to_string());
        }
        let root = r.u16().ok_or_else(|| corrupt("no root label"))?;
        let fallback = r.u16().ok_or_else(|| corrupt("no fallback label"))?;
        if root as usize >= nlabels || fallback as usize >= nlabels {
            return Err(corrupt("root or fallback label out of range"));
        }
        let tbits = r.u8().ok_or_else(|| corrupt("no table size"))?;
        let lbits = r.u8().ok_or_else(|| corrupt("no table size"))?;
        let rbits = r.u8().ok_or_else(|| corrupt("no table size"))?;
        let pbits = r.u8().ok_or_else(|| corrupt("no table size"))?;
        let vbits = r.u8().ok_or_else(|| corrupt("no table size"))?;
        if !(1..=26).contains(&tbits)
            || !(1..=24).contains(&lbits)
            || rbits > 24
            || pbits > 26
            || vbits > 26
        {
            return Err(corrupt("bad table size"));
        }
        let ncl = r.u32().ok_or_else(|| corrupt("no clusters"))? as usize;
        let clusters =
            Clusters::from_bytes(r.take(ncl).ok_or_else(|| corrupt("truncated clusters"))?)?;
        let namb = r.u32().ok_or_else(|| corrupt("no ambiguity classes"))? as usize;
        if namb.saturating_mul(16) > r.b.len() - r.at {
            return Err(corrupt("ambiguity class count exceeds the file"));
        }
        let mut amb = HashMap::with_capacity_and_hasher(namb, IdHash::default());
        for _ in 0..namb {
            let k = r
                .take(8)
                .ok_or_else(|| corrupt("truncated ambiguity classes"))?;
            let v = r
                .take(8)
                .ok_or_else(|| corrupt("truncated ambiguity classes"))?;
            amb.insert(
                u64::from_le_bytes(k.try_into().expect("8 bytes")),
                u64::from_le_bytes(v.try_into().expect("8 bytes")),
            );
        }
        let tlen = (1usize << tbits) * MOVES;
        let llen = (1usize << lbits) * nlabels;
        let rlen = if rbits == 0 {
            0
        } else {
            (1usize << rbits) * nlabels
        };
        let plen = if pbits == 0 { 0 } else { 1usize << pbits };
        let vlen = if vbits == 0 { 0 } else { 1usize << vbits };
        if r.b.len() - r.at != 2 * (tlen + llen + rlen + plen + vlen) {
            return Err(corrupt("weight tables do not match their declared size"));
        }
        let trans = r.i16s(tlen).ok_or_else(|| corrupt("truncated weights"))?;
        let lab = r.i16s(llen).ok_or_else(|| corrupt("truncated weights"))?;
        let relab = r.i16s(rlen).ok_or_else(|| corrupt("truncated weights"))?;
        let punct = r.i16s(plen).ok_or_else(|| corrupt("truncated weights"))?;
        let revise = r.i16s(vlen).ok_or_else(|| corrupt("truncated weights"))?;
        Ok(Parser {
            settled: settled(&labels),
            labels,
            root,
            fallback,
            tbits,
            lbits,
            rbits,
            trans,
            lab,
            relab,
            pbits,
            punct,
            vbits,
            revise,
            clusters,
            amb,
        })
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(
            2 * (self.trans.len()
                + self.lab.len()
                + self.relab.len()
                + self.punct.len()
                + self.revise.len())
                + 1024,
        );
        p.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        for l in &self.labels {
            p.extend_from_slice(&(l.len() as u16).to_le_bytes());
            p.extend_from_slice(l.as_bytes());
        }
        p.extend_from_slice(&self.root.to_le_bytes());
        p.extend_from_slice(&self.fallback.to_le_bytes());
        p.push(self.tbits);
        p.push(self.lbits);
        p.push(self.rbits);
        p.push(self.pbits);
        p.push(self.vbits);
        let clusters = self.clusters.to_bytes();
        p.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        p.extend_from_slice(&clusters);
        let mut amb: Vec<(u64, u64)> = self.amb.iter().map(|(&k, &v)| (k, v)).collect();
        amb.sort_unstable();
        p.extend_from_slice(&(amb.len() as u32).to_le_bytes());
        for (k, v) in amb {
            p.extend_from_slice(&k.to_le_bytes());
            p.extend_from_slice(&v.to_le_bytes());
        }
        for w in self
            .trans
            .iter()
            .chain(&self.lab)
            .chain(&self.relab)
            .chain(&self.punct)
            .chain(&self.revise)
        {
            p.extend_from_slice(&w.to_le_bytes());
        }
        model_file::write(KIND, VERSION, &p)
    }

    /// The relation called `id` (`"_"` for an unknown id).
    pub fn label_name(&self, id: u16) -> &str {
        self.labels.get(id as usize).map_or("_", String::as_str)
    }

    /// The id of a relation, if the model knows it.
    pub fn label_id(&self, name: &str) -> Option<u16> {
        self.labels.iter().position(|l| l == name).map(|i| i as u16)
    }

    /// Number of relations the model knows.
    pub fn num_labels(&self) -> usize {
        self.labels.len()
    }

    /// Parses one sentence. `heads` and `labels` are cleared and filled with one entry per word:
    /// `heads[i]` is 1-based (`0` = root), `labels[i]` a relation id for [`Parser::label_name`].
    /// Missing tags (tag slices shorter than `words`) count as unknown.
    pub fn parse(
        &self,
        words: &[&str],
        upos: &[&str],
        xpos: &[&str],
        heads: &mut Vec<u32>,
        labels: &mut Vec<u16>,
    ) {
        heads.clear();
        labels.clear();
        let n = words.len();
        if n == 0 {
            return;
        }
        let atoms = Atoms::new(words, upos, xpos, &self.clusters, &self.amb);
        let mut st = State::new(n);
        let mut f = [0u64; NT];
        let mut lf = [0u64; NL];
        // Relation scores live on the stack for any realistic label set (54 for UD English).
        let mut first = if self.rbits > 0 {
            vec![0i32; n * self.labels.len()]
        } else {
            Vec::new()
        };
        let mut small = [0i32; 128];
        let mut large = Vec::new();
        let lscores: &mut [i32] = if self.labels.len() <= small.len() {
            &mut small[..self.labels.len()]
        } else {
            large.resize(self.labels.len(), 0);
            &mut large
        };
        while !st.terminal() {
            let valid = st.valid();
            let mv = if valid[SHIFT] && !valid[LEFT] && !valid[RIGHT] {
                SHIFT
            } else {
                trans_features(&st, &atoms, &mut f);
                let s = self.trans_scores(&f);
                best_move(&s, &valid)
            };
            let lab = if mv == SHIFT {
                0
            } else {
                let (h, d) = st.arc(mv);
                label_features(&st, &atoms, h, d, &mut lf);
                self.label_scores(&lf, lscores);
                if self.rbits > 0 {
                    let l = lscores.len();
                    first[d * l..(d + 1) * l].copy_from_slice(lscores);
                }
                self.best_label(lscores)
            };
            st.apply(mv, lab);
        }
        let root = st.s(0);
        if self.vbits > 0 {
            self.revise_attachments(&mut st, &atoms, root, &mut first, lscores);
        }
        let relabelled = self.relabel(&st, &atoms, &first, lscores);
        if self.pbits > 0 {
            self.place_punctuation(&mut st, &atoms, root);
        }
        for d in 0..n {
            if d == root {
                heads.push(0);
                labels.push(self.root);
            } else if st.head[d] == NOHEAD {
                // Unreachable with the transition system above; kept so the output is a tree
                // whatever happens.
                heads.push(root as u32 + 1);
                labels.push(self.fallback);
            } else {
                heads.push(st.head[d] + 1);
                labels.push(relabelled.as_ref().map_or(st.label[d], |r| r[d]));
            }
        }
    }

    /// Moves words of a finished parse (with their subtrees) to the head the reviser scores
    /// best among those that keep the tree projective ([`revise::candidates`]), left to right,
    /// and relabels each moved word by the arc-time relation scores for its new head (stored in
    /// `first` for the relabeller).
    fn revise_attachments(
        &self,
        st: &mut State,
        atoms: &Atoms,
        root: usize,
        first: &mut [i32],
        lscores: &mut [i32],
    ) {
        let n = st.n;
        let mut heads: Vec<Option<usize>> = (0..n)
            .map(|d| (st.head[d] != NOHEAD).then_some(st.head[d] as usize))
            .collect();
        let punct: Vec<bool> = (0..n).map(|i| atoms.pc[i + 1] > atoms.pc[i]).collect();
        let mut cands = Vec::new();
        let mut f = [0u64; NV];
        let mut lf = [0u64; NL];
        let mut tree = revise::Tree::new(&heads, &punct);
        for d in 0..n {
            if punct[d] || d == root {
                continue;
            }
            let Some(dh) = heads[d] else { continue };
            revise::candidates(&tree, d, &mut cands);
            if cands.len() < 2 {
                continue;
            }
            let score = |f: &[u64; NV]| -> i32 {
                f.iter()
                    .map(|&h| i32::from(self.revise[row(h, self.vbits)]))
                    .sum()
            };
            let ci = cands.iter().position(|&c| c == dh).unwrap_or(0);
            revise_features(st, atoms, d, &cands, ci, dh, &mut f);
            let mut best = (score(&f), dh);
            for (ci, &c) in cands.iter().enumerate() {
                if c == dh {
                    continue;
                }
                revise_features(st, atoms, d, &cands, ci, dh, &mut f);
                let s = score(&f);
                if s > best.0 {
                    best = (s, c);
                }
            }
            let c = best.1;
            if c != dh {
                heads[d] = Some(c);
                st.head[d] = c as u32;
                tree.reset(&heads, &punct);
                label_features(st, atoms, c, d, &mut lf);
                self.label_scores(&lf, lscores);
                st.label[d] = self.best_label(lscores);
                if self.rbits > 0 {
                    let l = lscores.len();
                    first[d * l..(d + 1) * l].copy_from_slice(lscores);
                }
            }
        }
    }

    /// Re-attaches every punctuation mark of a finished parse to the node the chooser scores
    /// best among those the UD rule allows ([`punct::candidates`]).
    fn place_punctuation(&self, st: &mut State, atoms: &Atoms, root: usize) {
        let n = st.n;
        let mut heads: Vec<Option<usize>> = (0..n)
            .map(|d| match st.head[d] {
                NOHEAD => None,
                h => Some(h as usize),
            })
            .collect();
        let punct: Vec<bool> = (0..n).map(|i| atoms.pc[i + 1] > atoms.pc[i]).collect();
        let mut cands = Vec::new();
        let mut f = [0u64; NP];
        for p in 0..n {
            if !punct[p] || p == root || heads[p].is_none() {
                continue;
            }
            punct::candidates(&heads, &punct, p, &mut cands);
            // Never under its own subtree (a word may hang from the mark).
            cands.retain(|&c| !punct::descends(&heads, c, p));
            let ph = st.head[p] as usize;
            let mut best: Option<(i32, usize)> = None;
            for (ci, &c) in cands.iter().enumerate() {
                punct_features(st, atoms, &punct, p, &cands, ci, ph, &mut f);
                let score: i32 = f
                    .iter()
                    .map(|&h| i32::from(self.punct[row(h, self.pbits)]))
                    .sum();
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, c));
                }
            }
            if let Some((_, c)) = best {
                heads[p] = Some(c);
                st.head[p] = c as u32;
            }
        }
    }

    /// The relation of every attached word of a finished parse by the arc-time scores (`first`,
    /// one row per dependent) plus the relabeller's (`None` when the model has no relabeller).
    /// Context relations (the head's, the siblings') are the ones chosen during parsing.
    fn relabel(&self, st: &State, atoms: &Atoms, first: &[i32], s: &mut [i32]) -> Option<Vec<u16>> {
        if self.rbits == 0 {
            return None;
        }

        let n = st.n;
        let sibs = Siblings::new(&st.head, n);
        let mut f = [0u64; NR];
        let l = self.labels.len();
        let mut out = st.label[..n].to_vec();
        for (d, o) in out.iter_mut().enumerate() {
            if st.head[d] == NOHEAD || self.settled.get(*o as usize).copied().unwrap_or(false) {
                continue;
            }
            // A confident arc-time choice stands: the relabeller only looks at close calls.
            let arc_time = &first[d * l..(d + 1) * l];
            let chosen = arc_time[*o as usize];
            let second = arc_time
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != *o as usize && i != self.root as usize)
                .map(|(_, &x)| x)
                .max()
                .unwrap_or(i32::MIN);
            if chosen.saturating_sub(second) > RELABEL_MARGIN {
                continue;
            }
            relabel_features(st, atoms, &sibs, d, &mut f);
            // The arc-time scores plus the relabeller's: on EWT dev the sum beat either alone
            // (see the model card).
            s.copy_from_slice(&first[d * l..(d + 1) * l]);
            let mut t = 0i16;
            for &h in &f {
                let r = row(h, self.rbits) * l;
                t ^= self.relab[r] ^ self.relab[r + l - 1];
            }
            std::hint::black_box(t);
            for &h in &f {
                let r = row(h, self.rbits) * l;
                for (x, w) in s.iter_mut().zip(&self.relab[r..r + l]) {
                    *x += *w as i32;
                }
            }
            *o = self.best_label(s);
        }
        Some(out)
    }

    fn trans_scores(&self, f: &[u64; NT]) -> [i32; MOVES] {
        let mut s = [0i32; MOVES];
        // As in `label_scores`: find every row, touch them all so that the misses overlap, then
        // add.
        let mut rows = [0usize; NT];
        for (r, &h) in rows.iter_mut().zip(f) {
            *r = row(h, self.tbits) * MOVES;
        }
        let mut t = 0i16;
        for &r in &rows {
            t ^= self.trans.get(r).copied().unwrap_or(0);
        }
        std::hint::black_box(t);
        for &r in &rows {
            if let Some(w) = self.trans.get(r..r + MOVES) {
                s[0] += w[0] as i32;
                s[1] += w[1] as i32;
                s[2] += w[2] as i32;
            }
        }
        s
    }

    fn label_scores(&self, f: &[u64; NL], s: &mut [i32]) {
        let l = self.labels.len();
        s.iter_mut().for_each(|x| *x = 0);
        // Find every row, then load each row's first and last weight in a branch-free loop, so
        // that the cache misses overlap (a software prefetch without `unsafe`), then add.
        let mut rows = [0usize; NL];
        for (r, &h) in rows.iter_mut().zip(f) {
            *r = row(h, self.lbits) * l;
        }
        let mut t = 0i16;
        for &r in &rows {
            t ^= self.lab[r] ^ self.lab[r + l - 1];
        }
        std::hint::black_box(t);
        for &r in &rows {
            for (x, w) in s.iter_mut().zip(&self.lab[r..r + l]) {
                *x += *w as i32;
            }
        }
    }

    fn best_label(&self, s: &[i32]) -> u16 {
        let mut best = self.fallback as usize;
        for (i, &x) in s.iter().enumerate() {
            if i != self.root as usize && x > s[best] {
                best = i;
            }
        }
        best as u16
    }
}

fn best_move<T: PartialOrd + Copy>(s: &[T; MOVES], valid: &[bool; MOVES]) -> usize {
    let mut best = usize::MAX;
    for m in 0..MOVES {
        if valid[m] && (best == usize::MAX || s[m] > s[best]) {
            best = m;
        }
    }
    best
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i16s(&mut self, n: usize) -> Option<Vec<i16>> {
        let b = self.take(n.checked_mul(2)?)?;
        Some(
            b.chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Training.

/// A training sentence checked, projectivized and turned into ids.
struct Prepared {
    atoms: Atoms,
    n: usize,
    /// Gold head per word, 0-based, [`GROOT`] for the root word.
    gold: Vec<u32>,
    glabel: Vec<u16>,
    children: Vec<Vec<u32>>,
}

/// Checks that `heads` (1-based, 0 = root) is one tree; `None` when it is not.
fn check_tree(heads: &[u32]) -> Option<()> {
    let n = heads.len();
    if n == 0 || heads.iter().filter(|&&h| h == 0).count() != 1 {
        return None;
    }
    for (i, &h) in heads.iter().enumerate() {
        if h as usize > n || h as usize == i + 1 {
            return None;
        }
    }
    for i in 0..n {
        let (mut x, mut steps) = (i, 0);
        while heads[x] != 0 {
            x = heads[x] as usize - 1;
            steps += 1;
            if steps > n {
                return None;
            }
        }
    }
    Some(())
}

/// True when the arc into `d` (1-based heads, 0 = root) is projective: every word strictly
/// between head and dependent descends from the head.
fn arc_projective(heads: &[u32], d: usize) -> bool {
    let h = heads[d - 1] as usize;
    if h == 0 {
        return true;
    }
    let (lo, hi) = if h < d { (h, d) } else { (d, h) };
    (lo + 1..hi).all(|k| {
        let mut x = k;
        while x != 0 && x != h {
            x = heads[x - 1] as usize;
        }
        x == h
    })
}

/// Lifts non-projective arcs (shortest first) until the tree is projective, counting the lifts.
/// Heads are 1-based with 0 for the root; an arc over the root word counts as non-projective.
pub fn projectivize(heads: &mut [u32]) -> usize {
    let mut lifts = 0;
    loop {
        let mut worst: Option<(usize, usize)> = None;
        for d in 1..=heads.len() {
            if !arc_projective(heads, d) {
                let len = (heads[d - 1] as usize).abs_diff(d);
                if worst.is_none_or(|(l, _)| len < l) {
                    worst = Some((len, d));
                }
            }
        }
        match worst {
            None => return lifts,
            Some((_, d)) => {
                let h = heads[d - 1] as usize;
                heads[d - 1] = heads[h - 1];
                lifts += 1;
            }
        }
    }
}

struct Weights {
    w: Vec<i32>,
    u: Vec<i64>,
}

impl Weights {
    fn new(len: usize) -> Weights {
        Weights {
            w: vec![0; len],
            u: vec![0; len],
        }
    }

    #[inline]
    fn add(&mut self, i: usize, delta: i32, c: i64) {
        self.w[i] += delta;
        self.u[i] += c * delta as i64;
    }

    /// The perceptron update over feature rows (each row's start in `rows`): column `good` up,
    /// column `bad` down.
    fn promote(&mut self, rows: &[usize], good: usize, bad: usize, c: i64) {
        for &r in rows {
            self.add(r + good, 1, c);
            self.add(r + bad, -1, c);
        }
    }

    /// The averaged weights quantized to `i16`.
    fn quantize(&self, c: i64) -> Vec<i16> {
        let c = c.max(1) as f64;
        let avg: Vec<f64> = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(&w, &u)| w as f64 - u as f64 / c)
            .collect();
        let max = avg.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { 32767.0 / max } else { 1.0 };
        avg.iter()
            .map(|x| (x * scale).round().clamp(-32767.0, 32767.0) as i16)
            .collect()
    }
}

/// The ambiguity class of every word seen at least three times in `sentences`: a hash of the
/// sorted set of Penn tags that make up at least 5 % of its occurrences.
fn ambiguity_classes(sentences: &[TrainSentence]) -> HashMap<u64, u64, IdHash> {
    let mut counts: HashMap<u64, HashMap<&str, u32>> = HashMap::new();
    for s in sentences {
        for (w, t) in s.words.iter().zip(&s.xpos) {
            *counts
                .entry(str_hash(w, true))
                .or_default()
                .entry(t.as_str())
                .or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(w, tags)| {
            let total: u32 = tags.values().sum();
            if total < 3 {
                return None;
            }
            let mut kept: Vec<&str> = tags
                .iter()
                .filter(|(_, &c)| c * 20 >= total)
                .map(|(t, _)| *t)
                .collect();
            kept.sort_unstable();
            Some((w, str_hash(&kept.join("|"), false) ^ 0xa3b1))
        })
        .collect()
}

/// Deterministic pseudo-random numbers (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The cost of each move: how many gold arcs it makes unreachable (arc-hybrid dynamic oracle,
/// Goldberg & Nivre 2013, with the root word required to end alone on the stack).
fn costs(st: &State, g: &Prepared, valid: &[bool; MOVES]) -> [u32; MOVES] {
    let n = st.n;
    let gold = &g.gold;
    let in_buf = |x: u32| x != GROOT && (x as usize) >= st.b && (x as usize) < n;
    let deps_in_buf = |x: usize| {
        g.children[x]
            .iter()
            .filter(|&&d| d as usize >= st.b)
            .count() as u32
    };
    let mut c = [u32::MAX; MOVES];
    let (s0, s1, b0) = (st.s(0), st.s(1), st.bi(0));
    // Can s0 still get its gold head?
    let reach_head = |x: usize, below: usize| {
        let gh = gold[x];
        in_buf(gh) || (below < n && gh == below as u32) || (below >= n && gh == GROOT)
    };
    if valid[SHIFT] {
        let mut k = st
            .stack
            .iter()
            .filter(|&&d| gold[d as usize] == b0 as u32)
            .count() as u32;
        let gh = gold[b0];
        if gh == GROOT {
            if !st.stack.is_empty() {
                // Words left on the stack under the root word can never be reduced.
                let reachable = st
                    .stack
                    .iter()
                    .enumerate()
                    .filter(|&(i, &d)| {
                        let below = if i > 0 { st.stack[i - 1] as usize } else { n };
                        reach_head(d as usize, below)
                    })
                    .count() as u32;
                k = k.max(reachable).max(1);
            }
        } else if gh as usize != s0 && st.stack.contains(&gh) {
            k += 1;
        }
        c[SHIFT] = k;
    }
    if valid[LEFT] {
        let lost = reach_head(s0, s1) && gold[s0] != b0 as u32;
        c[LEFT] = deps_in_buf(s0) + lost as u32;
    }
    if valid[RIGHT] {
        let lost = reach_head(s0, s1) && gold[s0] != s1 as u32;
        c[RIGHT] = deps_in_buf(s0) + lost as u32;
    }
    c
}

/// Scores every relation for the features `f` with the training (not yet averaged) weights of a
/// relation table; fills `rows` with each feature's row start and returns the best relation other
/// than the root's (id 0).
fn best_training_label(
    w: &Weights,
    f: &[u64],
    bits: u8,
    rows: &mut [usize],
    scores: &mut [i64],
) -> usize {
    let nl = scores.len();
    scores.iter_mut().for_each(|x| *x = 0);
    for (r, &h) in rows.iter_mut().zip(f) {
        *r = row(h, bits) * nl;
        for (x, w) in scores.iter_mut().zip(&w.w[*r..*r + nl]) {
            *x += *w as i64;
        }
    }
    let mut best = 1usize;
    for (i, &x) in scores.iter().enumerate() {
        if i != 0 && x > scores[best] {
            best = i;
        }
    }
    best
}

/// Trains the relabeller on the gold trees (projectivized heads, gold relations as context) with
/// the training tags; returns its averaged, quantized table (empty when `bits` is 0). It does not
/// depend on the transition model, so it is trained once, before the parser's epochs.
fn train_relabeller(data: &[Prepared], nl: usize, bits: u8, epochs: u32, seed: u64) -> Vec<i16> {
    if bits == 0 || nl < 2 {
        return Vec::new();
    }
    let mut rw = Weights::new((1usize << bits) * nl);
    let mut c: i64 = 1;
    let mut rng = Rng(seed ^ 0x7e1a_be11);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut f = [0u64; NR];
    let mut rows = [0usize; NR];
    let mut scores = vec![0i64; nl];
    // The gold trees do not change between epochs: build them once.
    let trees: Vec<(State, Siblings)> = data
        .iter()
        .map(|g| {
            let mut st = State::new(g.n);
            for d in 0..g.n {
                if g.gold[d] != GROOT {
                    st.add_arc(g.gold[d] as usize, d, g.glabel[d]);
                }
            }
            let sibs = Siblings::new(&st.head, g.n);
            (st, sibs)
        })
        .collect();
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &si in &order {
            let g = &data[si];
            let (st, sibs) = &trees[si];
            for d in 0..g.n {
                if g.gold[d] == GROOT {
                    continue;
                }
                relabel_features(st, &g.atoms, sibs, d, &mut f);
                let best = best_training_label(&rw, &f, bits, &mut rows, &mut scores);
                let gl = g.glabel[d] as usize;
                if best != gl {
                    rw.promote(&rows, gl, best, c);
                }
                c += 1;
            }
        }
    }
    rw.quantize(c)
}

/// Trains a parser on gold trees (see [`train_with`]).
pub fn train(sentences: &[TrainSentence], config: &TrainConfig) -> (Parser, TrainReport) {
    train_with(sentences, config, |_, _| {})
}

/// Trains a parser, handing the averaged model after each epoch to `on_epoch(epoch, &parser)`
/// (0-based epoch), for example to follow a development score. Deterministic for a given
/// config.
pub fn train_with(
    sentences: &[TrainSentence],
    config: &TrainConfig,
    mut on_epoch: impl FnMut(u32, &Parser),
) -> (Parser, TrainReport) {
    let mut report = TrainReport::default();
    let mut labels: Vec<String> = vec![ROOT_LABEL.to_string(), FALLBACK_LABEL.to_string()];
    let mut index: std::collections::HashMap<String, u16> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), i as u16))
        .collect();
    let amb = ambiguity_classes(sentences);
    let mut data = Vec::new();
    for s in sentences {
        let n = s.words.len();
        if n == 0
            || s.upos.len() != n
            || s.xpos.len() != n
            || s.heads.len() != n
            || s.labels.len() != n
            || check_tree(&s.heads).is_none()
        {
            report.skipped += 1;
            continue;
        }
        let mut heads = s.heads.clone();
        let lifts = projectivize(&mut heads);
        if lifts > 0 {
            report.nonprojective += 1;
            report.lifted_arcs += lifts;
        }
        let glabel = s
            .labels
            .iter()
            .map(|l| match index.get(l) {
                Some(&i) => i,
                // The model format holds at most 255 relations; rarer ones past that become
                // the fallback relation (id 1).
                None if labels.len() >= 255 => 1,
                None => {
                    labels.push(l.clone());
                    index.insert(l.clone(), (labels.len() - 1) as u16);
                    (labels.len() - 1) as u16
                }
            })
            .collect();
        let gold: Vec<u32> = heads
            .iter()
            .map(|&h| if h == 0 { GROOT } else { h - 1 })
            .collect();
        let mut children = vec![Vec::new(); n + 1];
        for (d, &h) in gold.iter().enumerate() {
            if h != GROOT {
                children[h as usize].push(d as u32);
            }
        }
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        let upos: Vec<&str> = s.upos.iter().map(String::as_str).collect();
        let xpos: Vec<&str> = s.xpos.iter().map(String::as_str).collect();
        data.push(Prepared {
            atoms: Atoms::new(&words, &upos, &xpos, &config.clusters, &amb),
            n,
            gold,
            glabel,
            children,
        });
        report.sentences += 1;
        report.words += n;
    }
    report.labels = labels.len();
    let nl = labels.len();
    let (tbits, lbits) = (
        config.transition_bits.clamp(1, 26),
        config.label_bits.clamp(1, 24),
    );
    let rbits = config.relabel_bits.min(24);
    let relab = train_relabeller(&data, nl, rbits, config.epochs, config.seed);
    let pbits = config.punct_bits.min(26);
    let mut pw = Weights::new(if pbits == 0 { 0 } else { 1usize << pbits });
    let vbits = config.revise_bits.min(26);
    let mut vw = Weights::new(if vbits == 0 { 0 } else { 1usize << vbits });
    let mut vf = [0u64; NV];
    let mut vg = [0u64; NV];
    let mut pf = [0u64; NP];
    let mut pg = [0u64; NP];
    let mut cands = Vec::new();
    let mut tw = Weights::new((1usize << tbits) * MOVES);
    let mut lw = Weights::new((1usize << lbits) * nl);
    let mut c: i64 = 1;
    let mut rng = Rng(config.seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut f = [0u64; NT];
    let mut lf = [0u64; NL];
    let mut trows = [0usize; NT];
    let mut lrows = [0usize; NL];
    let mut lscores = vec![0i64; nl];
    let build = |tw: &Weights, lw: &Weights, pw: &Weights, vw: &Weights, c: i64| Parser {
        labels: labels.clone(),
        root: 0,
        fallback: 1,
        tbits,
        lbits,
        rbits,
        trans: tw.quantize(c),
        lab: lw.quantize(c),
        relab: relab.clone(),
        settled: settled(&labels),
        pbits,
        punct: pw.quantize(c),
        vbits,
        revise: vw.quantize(c),
        clusters: config.clusters.clone(),
        amb: amb.clone(),
    };
    for epoch in 0..config.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let (mut decisions, mut errors) = (0u64, 0u64);
        for &si in &order {
            let g = &data[si];
            let mut st = State::new(g.n);
            while !st.terminal() {
                let valid = st.valid();
                trans_features(&st, &g.atoms, &mut f);
                let mut s = [0i64; MOVES];
                for (r, &h) in trows.iter_mut().zip(&f) {
                    *r = row(h, tbits) * MOVES;
                    for (m, x) in s.iter_mut().enumerate() {
                        *x += tw.w[*r + m] as i64;
                    }
                }
                let cost = costs(&st, g, &valid);
                let min = (0..MOVES)
                    .filter(|&m| valid[m])
                    .map(|m| cost[m])
                    .min()
                    .unwrap_or(0);
                let pred = best_move(&s, &valid);
                let oracle = {
                    let ok = [
                        valid[0] && cost[0] == min,
                        valid[1] && cost[1] == min,
                        valid[2] && cost[2] == min,
                    ];
                    best_move(&s, &ok)
                };
                decisions += 1;
                if cost[pred] > min {
                    errors += 1;
                    tw.promote(&trows, oracle, pred, c);
                }
                c += 1;
                let mv = if epoch >= config.explore_from && rng.unit() < config.explore {
                    pred
                } else {
                    oracle
                };
                let lab = if mv == SHIFT {
                    0
                } else {
                    let (h, d) = st.arc(mv);
                    label_features(&st, &g.atoms, h, d, &mut lf);
                    let best = best_training_label(&lw, &lf, lbits, &mut lrows, &mut lscores);
                    if g.gold[d] == h as u32 {
                        let gl = g.glabel[d] as usize;
                        if best != gl {
                            lw.promote(&lrows, gl, best, c);
                        }
                        c += 1;
                        gl as u16
                    } else {
                        best as u16
                    }
                };
                st.apply(mv, lab);
            }
            // The attachment reviser, likewise, learns on the parser's own trees, word by word
            // from the left, and its choices are applied as at parse time (ties keep the
            // parser's head), so that later words see the tree the reviser leaves.
            if vbits > 0 {
                let mut heads: Vec<Option<usize>> = (0..g.n)
                    .map(|d| (st.head[d] != NOHEAD).then_some(st.head[d] as usize))
                    .collect();
                let punct: Vec<bool> = (0..g.n)
                    .map(|i| g.atoms.pc[i + 1] > g.atoms.pc[i])
                    .collect();
                let mut tree = revise::Tree::new(&heads, &punct);
                for d in 0..g.n {
                    if punct[d] || g.gold[d] == GROOT {
                        continue;
                    }
                    let Some(dh) = heads[d] else { continue };
                    revise::candidates(&tree, d, &mut cands);
                    if cands.len() < 2 {
                        continue;
                    }
                    let mut best = (i64::MIN, 0usize);
                    for ci in 0..cands.len() {
                        revise_features(&st, &g.atoms, d, &cands, ci, dh, &mut vf);
                        let score: i64 = vf.iter().map(|&h| vw.w[row(h, vbits)] as i64).sum();
                        if score > best.0 || (score == best.0 && cands[ci] == dh) {
                            best = (score, ci);
                        }
                    }
                    if let Some(gi) = cands.iter().position(|&x| x == g.gold[d] as usize) {
                        if best.1 != gi {
                            revise_features(&st, &g.atoms, d, &cands, gi, dh, &mut vg);
                            revise_features(&st, &g.atoms, d, &cands, best.1, dh, &mut vf);
                            for (&a, &b) in vg.iter().zip(&vf) {
                                vw.add(row(a, vbits), 1, c);
                                vw.add(row(b, vbits), -1, c);
                            }
                        }
                        c += 1;
                    }
                    let moved = cands[best.1];
                    if moved != dh {
                        heads[d] = Some(moved);
                        st.head[d] = moved as u32;
                        tree.reset(&heads, &punct);
                    }
                }
            }
            // The punctuation chooser learns on the trees the parser itself builds (gold trees
            // in the first epoch, then the explored ones), so that its candidates carry the
            // parser's own mistakes.
            if pbits > 0 {
                let heads: Vec<Option<usize>> = (0..g.n)
                    .map(|d| (st.head[d] != NOHEAD).then_some(st.head[d] as usize))
                    .collect();
                let punct: Vec<bool> = (0..g.n)
                    .map(|i| g.atoms.pc[i + 1] > g.atoms.pc[i])
                    .collect();
                for p in 0..g.n {
                    if !punct[p] || g.gold[p] == GROOT {
                        continue;
                    }
                    let Some(ph) = heads[p] else { continue };
                    punct::candidates(&heads, &punct, p, &mut cands);
                    cands.retain(|&x| !punct::descends(&heads, x, p));
                    let Some(gi) = cands.iter().position(|&x| x == g.gold[p] as usize) else {
                        continue;
                    };
                    if cands.len() < 2 {
                        continue;
                    }
                    let mut best = (i64::MIN, 0usize);
                    for ci in 0..cands.len() {
                        punct_features(&st, &g.atoms, &punct, p, &cands, ci, ph, &mut pf);
                        let score: i64 = pf.iter().map(|&h| pw.w[row(h, pbits)] as i64).sum();
                        if score > best.0 {
                            best = (score, ci);
                        }
                    }
                    if best.1 != gi {
                        punct_features(&st, &g.atoms, &punct, p, &cands, gi, ph, &mut pg);
                        punct_features(&st, &g.atoms, &punct, p, &cands, best.1, ph, &mut pf);
                        for (&a, &b) in pg.iter().zip(&pf) {
                            pw.add(row(a, pbits), 1, c);
                            pw.add(row(b, pbits), -1, c);
                        }
                    }
                    c += 1;
                }
            }
        }
        report
            .epoch_errors
            .push(errors as f64 / decisions.max(1) as f64);
        on_epoch(epoch, &build(&tw, &lw, &pw, &vw, c));
    }
    let parser = build(&tw, &lw, &pw, &vw, c);
    (parser, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sent(heads: &[u32]) -> TrainSentence {
        let n = heads.len();
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        TrainSentence {
            words,
            upos: vec!["X".into(); n],
            xpos: vec!["X".into(); n],
            heads: heads.to_vec(),
            labels: heads
                .iter()
                .map(|&h| if h == 0 { "root".into() } else { "dep".into() })
                .collect(),
        }
    }

    /// Follows the oracle's cheapest move from the start and returns the heads it builds.
    fn follow_oracle(heads: &[u32]) -> Vec<u32> {
        let s = sent(heads);
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        let n = heads.len();
        let gold: Vec<u32> = heads
            .iter()
            .map(|&h| if h == 0 { GROOT } else { h - 1 })
            .collect();
        let mut children = vec![Vec::new(); n + 1];
        for (d, &h) in gold.iter().enumerate() {
            if h != GROOT {
                children[h as usize].push(d as u32);
            }
        }
        let g = Prepared {
            atoms: Atoms::new(&words, &[], &[], &Clusters::default(), &HashMap::default()),
            n,
            gold,
            glabel: vec![0; n],
            children,
        };
        let mut st = State::new(n);
        while !st.terminal() {
            let valid = st.valid();
            let cost = costs(&st, &g, &valid);
            let m = (0..MOVES)
                .filter(|&m| valid[m])
                .min_by_key(|&m| cost[m])
                .unwrap();
            assert_eq!(cost[m], 0, "no zero-cost move in a projective tree");
            st.apply(m, 1);
        }
        let root = st.s(0);
        (0..n)
            .map(|d| if d == root { 0 } else { st.head[d] + 1 })
            .collect()
    }

    #[test]
    fn oracle_reproduces_projective_trees() {
        for heads in [
            &[0][..],
            &[2, 0, 2],
            &[2, 0, 4, 2, 2],
            &[0, 1, 2, 3],
            &[4, 4, 4, 0, 6, 4, 4],
            &[2, 5, 5, 5, 0, 7, 5, 10, 10, 7, 5],
            &[3, 3, 0, 5, 3, 8, 8, 5, 3],
        ] {
            assert_eq!(follow_oracle(heads), heads, "tree {heads:?}");
        }
    }

    #[test]
    fn projectivize_lifts_crossing_arcs() {
        // 3 depends on 1 across the root word 2 (an arc over the root is non-projective).
        let mut h = vec![0u32, 1, 1];
        assert_eq!(projectivize(&mut h), 0);
        let mut h = vec![2u32, 0, 1];
        assert_eq!(projectivize(&mut h), 1);
        assert_eq!(h, [2, 0, 2]);
        // 1 -> 3 crosses 2 -> 4.
        let mut h = vec![0u32, 4, 1, 1];
        assert!(projectivize(&mut h) > 0);
        assert_eq!(follow_oracle(&h), h);
    }

    fn synthetic() -> Vec<TrainSentence> {
        let ts = |w: &[&str], u: &[&str], h: &[u32], l: &[&str]| TrainSentence::new(w, u, u, h, l);
        vec![
            ts(
                &["rebels", "attacked", "kabul"],
                &["NOUN", "VERB", "PROPN"],
                &[2, 0, 2],
                &["nsubj", "root", "obj"],
            ),
            ts(
                &["the", "army", "shelled", "the", "town", "."],
                &["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"],
                &[2, 3, 0, 5, 3, 3],
                &["det", "nsubj", "root", "det", "obj", "punct"],
            ),
            ts(
                &["police", "arrested", "protesters", "in", "cairo"],
                &["NOUN", "VERB", "NOUN", "ADP", "PROPN"],
                &[2, 0, 2, 5, 2],
                &["nsubj", "root", "obj", "case", "obl"],
            ),
            ts(
                &["iran", "'s", "leader", "met", "putin"],
                &["PROPN", "PART", "NOUN", "VERB", "PROPN"],
                &[3, 1, 4, 0, 4],
                &["nmod:poss", "case", "nsubj", "root", "obj"],
            ),
        ]
    }

    fn small() -> TrainConfig {
        TrainConfig {
            transition_bits: 14,
            label_bits: 12,
            epochs: 10,
            ..TrainConfig::default()
        }
    }

    fn parse(p: &Parser, s: &TrainSentence) -> (Vec<u32>, Vec<String>) {
        fn v(x: &[String]) -> Vec<&str> {
            x.iter().map(String::as_str).collect()
        }
        let (mut h, mut l) = (Vec::new(), Vec::new());
        p.parse(&v(&s.words), &v(&s.upos), &v(&s.xpos), &mut h, &mut l);
        (h, l.iter().map(|&i| p.label_name(i).to_string()).collect())
    }

    #[test]
    fn learns_a_tiny_treebank_perfectly() {
        let data = synthetic();
        let (p, report) = train(&data, &small());
        assert_eq!(report.sentences, 4);
        for s in &data {
            assert_eq!(parse(&p, s), (s.heads.clone(), s.labels.clone()));
        }
    }

    #[test]
    fn a_model_without_relabeller_parses_and_round_trips() {
        let data = synthetic();
        let config = TrainConfig {
            relabel_bits: 0,
            ..small()
        };
        let (p, _) = train(&data, &config);
        assert!(p.relab.is_empty());
        let q = Parser::from_bytes(&p.to_bytes()).unwrap();
        assert_eq!(p, q);
        for s in &data {
            assert_eq!(parse(&q, s), (s.heads.clone(), s.labels.clone()));
        }
    }

    #[test]
    fn siblings_link_the_children_of_each_head() {
        // heads (0-based, NOHEAD = root): 1 ← 0, 1 ← 2, 1 ← 4, 4 ← 3
        let head = [1, NOHEAD, 1, 4, 1];
        let s = Siblings::new(&head, 5);
        assert_eq!(s.first[1], 0);
        assert_eq!((s.prev[2], s.next[2]), (0, 4));
        assert_eq!((s.prev[0], s.next[4]), (5, 5));
        assert_eq!(s.first[4], 3);
        assert_eq!(s.first[0], 5);
    }

    #[test]
    fn training_is_deterministic() {
        let data = synthetic();
        assert_eq!(train(&data, &small()).0, train(&data, &small()).0);
    }

    #[test]
    fn model_bytes_round_trip() {
        let (p, _) = train(&synthetic(), &small());
        let bytes = p.to_bytes();
        let q = Parser::from_bytes(&bytes).unwrap();
        assert_eq!(p, q);
        assert_eq!(q.to_bytes(), bytes);
    }

    #[test]
    fn corrupt_bytes_are_refused() {
        let (p, _) = train(&synthetic(), &small());
        let bytes = p.to_bytes();
        assert!(Parser::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Parser::from_bytes(b"DYADTAGR").is_err());
        let mut b = bytes.clone();
        b[20] = 0xff; // The label count.
        b[21] = 0xff;
        assert!(Parser::from_bytes(&b).is_err());
        // A payload cut short but with a matching header length.
        let short = model_file::write(KIND, VERSION, &bytes[20..60]);
        assert!(Parser::from_bytes(&short).is_err());
    }

    #[test]
    fn malformed_training_trees_are_skipped() {
        let mut bad = sent(&[2, 1]); // A cycle without a root.
        bad.heads = vec![2, 1];
        let (_, r) = train(&[bad, sent(&[0, 0]), sent(&[0, 9])], &small());
        assert_eq!((r.sentences, r.skipped), (0, 3));
    }

    fn is_tree(heads: &[u32], n: usize) -> bool {
        heads.len() == n && (n == 0 || check_tree(heads).is_some())
    }

    proptest! {
        #[test]
        fn output_is_always_one_tree(words in proptest::collection::vec("[a-z']{0,6}", 0..40), tags in proptest::collection::vec("(NOUN|VERB|DET|X)", 0..40)) {
            static MODELS: std::sync::OnceLock<(Parser, Parser)> = std::sync::OnceLock::new();
            let (zero, tiny) = MODELS.get_or_init(|| {
                let config = TrainConfig { transition_bits: 8, label_bits: 6, epochs: 1, ..TrainConfig::default() };
                (train(&[], &config).0, train(&synthetic(), &small()).0)
            });
            let w: Vec<&str> = words.iter().map(String::as_str).collect();
            let t: Vec<&str> = tags.iter().map(String::as_str).collect();
            for p in [zero, tiny] {
                let (mut h, mut l) = (Vec::new(), Vec::new());
                p.parse(&w, &t, &t, &mut h, &mut l);
                prop_assert!(is_tree(&h, w.len()), "{:?}", h);
                prop_assert_eq!(l.len(), w.len());
                for (&hh, &ll) in h.iter().zip(&l) {
                    prop_assert_eq!(hh == 0, p.label_name(ll) == ROOT_LABEL);
                }
            }
        }
    }
}
