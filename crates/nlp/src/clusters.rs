//! Word clusters learned from unlabelled text, shared as features by the tagger, the parser and
//! the recognizer.
//!
//! Words that occur in the same contexts get the same cluster, so a word the annotated corpora
//! never showed ("Zaporizhzhia", "drone") still shares weights with words they did show. The
//! clusters are hierarchical: the vocabulary is split into `branching[0]` classes, each class
//! into `branching[1]` subclasses, and so on; a word's id at level `l` names its class at that
//! depth, so coarse levels generalise and fine levels discriminate (like Brown-cluster prefixes).
//!
//! Training is divisive exchange clustering over a class-bigram model (Martin, Liermann & Ney
//! 1998; Kneser & Ney 1993): at each level every word may move between the children of its
//! parent class, and moves are taken greedily when they raise the likelihood of the corpus's
//! word bigrams under the class-bigram model, `Σ N(c,d) log N(c,d) − 2 Σ N(c) log N(c)`.
//! Restricting moves to siblings keeps each level's pass linear in the number of bigram types
//! times the branching factor, so a few million words cluster in minutes on one core.
//!
//! Words are looked up lowercased. This module does no I/O: callers feed sentences to a
//! [`CorpusCounts`] and store [`Clusters::to_bytes`].

use std::collections::HashMap;

use crate::idhash::IdHash;
use std::fmt;

use crate::model_file::{self, ModelError};

const KIND: &[u8; 4] = b"CLUS";
const VERSION: u16 = 1;

/// The most levels a clustering may have.
pub const MAX_LEVELS: usize = 3;

/// The cluster id of a word the clustering does not know.
pub const NONE: u16 = u16::MAX;

const FNV0: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

/// The FNV-1a hash of `word` lowercased character by character: the same key the tagger
/// computes for its lowercase-form features.
pub fn lower_hash(word: &str) -> u64 {
    let mut h = FNV0;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h = fnv(h, b);
        }
    }
    h
}

/// A learned clustering: for each known (lowercased) word, its class at each level.
#[derive(Clone, Default)]
pub struct Clusters {
    branching: Vec<u16>,
    /// Words in the order stored (most frequent first) with their paths.
    words: Vec<(String, [u16; MAX_LEVELS])>,
    /// Per word (same order): how often it is capitalized away from the sentence start, as a
    /// [`cap_bucket`].
    caps: Vec<u8>,
    index: HashMap<u64, ([u16; MAX_LEVELS], u8), IdHash>,
}

/// The capitalization class of a word the clustering does not know.
pub const CAP_UNKNOWN: u8 = 6;

/// Buckets the share of a word's non-initial occurrences that are capitalized: 0 (< 5 %),
/// 1 (< 30 %), 2 (< 70 %), 3 (< 95 %), 4 (more), 5 (fewer than three non-initial occurrences).
pub fn cap_bucket(capitalized: u64, non_initial: u64) -> u8 {
    if non_initial < 3 {
        return 5;
    }
    let r = capitalized as f64 / non_initial as f64;
    if r < 0.05 {
        0
    } else if r < 0.3 {
        1
    } else if r < 0.7 {
        2
    } else if r < 0.95 {
        3
    } else {
        4
    }
}

impl fmt::Debug for Clusters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clusters")
            .field("branching", &self.branching)
            .field("words", &self.words.len())
            .finish()
    }
}

impl PartialEq for Clusters {
    fn eq(&self, other: &Self) -> bool {
        self.branching == other.branching && self.words == other.words && self.caps == other.caps
    }
}

impl Eq for Clusters {}

impl Clusters {
    /// How many levels the clustering has (0 for the empty clustering).
    pub fn levels(&self) -> usize {
        self.branching.len()
    }

    /// The branching factor of each level.
    pub fn branching(&self) -> &[u16] {
        &self.branching
    }

    /// How many words have clusters.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word has a cluster.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word's class at each level ([`NONE`] everywhere for an unknown word), looked up by
    /// [`lower_hash`].
    #[inline]
    pub fn get_hash(&self, lower: u64) -> [u16; MAX_LEVELS] {
        self.index.get(&lower).map_or([NONE; MAX_LEVELS], |e| e.0)
    }

    /// The word's classes and capitalization bucket ([`cap_bucket`]; [`CAP_UNKNOWN`] for an
    /// unknown word), looked up by [`lower_hash`].
    #[inline]
    pub fn entry_hash(&self, lower: u64) -> ([u16; MAX_LEVELS], u8) {
        self.index
            .get(&lower)
            .copied()
            .unwrap_or(([NONE; MAX_LEVELS], CAP_UNKNOWN))
    }

    /// The word's class at each level ([`NONE`] everywhere for an unknown word).
    pub fn get(&self, word: &str) -> [u16; MAX_LEVELS] {
        self.get_hash(lower_hash(word))
    }

    /// The words of one finest-level class, most frequent first (for inspection).
    pub fn members(&self, level: usize, class: u16) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(move |(_, p)| p[level] == class)
            .map(|(w, _)| w.as_str())
    }

    fn from_parts(
        branching: Vec<u16>,
        words: Vec<(String, [u16; MAX_LEVELS])>,
        caps: Vec<u8>,
    ) -> Clusters {
        let index = words
            .iter()
            .zip(&caps)
            .map(|((w, p), &c)| (lower_hash(w), (*p, c)))
            .collect();
        Clusters {
            branching,
            words,
            caps,
            index,
        }
    }

    /// Serialises the clustering (dyad model container, kind `CLUS`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::new();
        p.push(self.branching.len() as u8);
        for &b in &self.branching {
            p.extend_from_slice(&b.to_le_bytes());
        }
        p.extend_from_slice(&(self.words.len() as u32).to_le_bytes());
        for ((w, path), &cap) in self.words.iter().zip(&self.caps) {
            let len = u8::try_from(w.len()).expect("cluster words are at most 255 bytes");
            p.push(len);
            p.extend_from_slice(w.as_bytes());
            for &c in &path[..self.branching.len()] {
                p.extend_from_slice(&c.to_le_bytes());
            }
            p.push(cap);
        }
        model_file::write(KIND, VERSION, &p)
    }

    /// Reads a clustering written by [`Clusters::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Clusters, ModelError> {
        let p = model_file::read(bytes, KIND, VERSION)?;
        let corrupt = |what: &str| ModelError::Corrupt(format!("clusters: {what}"));
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], ModelError> {
            let s = p.get(at..at + n).ok_or_else(|| corrupt("truncated"))?;
            at += n;
            Ok(s)
        };
        let levels = take(1)?[0] as usize;
        if levels > MAX_LEVELS {
            return Err(corrupt("too many levels"));
        }
        let mut branching = Vec::with_capacity(levels);
        for _ in 0..levels {
            let b = take(2)?;
            branching.push(u16::from_le_bytes([b[0], b[1]]));
        }
        let n = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let mut words = Vec::with_capacity(n.min(1 << 20));
        let mut caps = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let len = take(1)?[0] as usize;
            let w = std::str::from_utf8(take(len)?)
                .map_err(|_| corrupt("word is not UTF-8"))?
                .to_owned();
            let mut path = [NONE; MAX_LEVELS];
            for (l, slot) in path.iter_mut().enumerate().take(levels) {
                let b = take(2)?;
                *slot = u16::from_le_bytes([b[0], b[1]]);
                let limit: u32 = branching[..=l].iter().map(|&b| u32::from(b)).product();
                if u32::from(*slot) >= limit {
                    return Err(corrupt("class id out of range"));
                }
            }
            words.push((w, path));
            let cap = take(1)?[0];
            if cap > 5 {
                return Err(corrupt("bad capitalization class"));
            }
            caps.push(cap);
        }
        if at != p.len() {
            return Err(corrupt("trailing bytes"));
        }
        Ok(Clusters::from_parts(branching, words, caps))
    }
}

/// Word and bigram counts of a corpus, gathered sentence by sentence.
#[derive(Debug, Default)]
pub struct CorpusCounts {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    counts: Vec<u64>,
    /// Per word: non-initial occurrences, and how many of them were capitalized.
    caps: Vec<[u64; 2]>,
    /// Bigrams of word ids, sentence boundaries included (id 0 is the boundary).
    bigrams: HashMap<u64, u32>,
    tokens: u64,
}

impl CorpusCounts {
    /// Empty counts.
    pub fn new() -> CorpusCounts {
        let mut c = CorpusCounts::default();
        c.id("<s>");
        c
    }

    fn id(&mut self, w: &str) -> u32 {
        if let Some(&i) = self.ids.get(w) {
            return i;
        }
        let i = self.words.len() as u32;
        self.ids.insert(w.to_owned(), i);
        self.words.push(w.to_owned());
        self.counts.push(0);
        self.caps.push([0, 0]);
        i
    }

    /// Adds one sentence (words as written; they are lowercased here). Words longer than 64
    /// bytes are skipped as noise.
    pub fn add_sentence<S: AsRef<str>>(&mut self, words: &[S]) {
        let mut prev = 0u32;
        self.counts[0] += 1;
        let mut lower = String::new();
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref();
            if w.is_empty() || w.len() > 64 {
                continue;
            }
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            let id = self.id(&lower);
            self.counts[id as usize] += 1;
            if i > 0 {
                let c = &mut self.caps[id as usize];
                c[0] += 1;
                c[1] += u64::from(w.chars().next().is_some_and(char::is_uppercase));
            }
            self.tokens += 1;
            *self.bigrams.entry(pair(prev, id)).or_insert(0) += 1;
            prev = id;
        }
        *self.bigrams.entry(pair(prev, 0)).or_insert(0) += 1;
    }

    /// Tokens counted (sentence boundaries not included).
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Distinct lowercased words seen.
    pub fn types(&self) -> usize {
        self.words.len() - 1
    }
}

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Settings of [`train`].
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Children per class at each level (at most [`MAX_LEVELS`] levels); the finest level has
    /// their product of classes.
    pub branching: Vec<u16>,
    /// Exchange passes over the vocabulary at each level.
    pub iterations: usize,
    /// Words seen fewer times are pooled into one rare-word token and get no cluster.
    pub min_count: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            branching: vec![16, 16, 16],
            iterations: 8,
            min_count: 2,
        }
    }
}

/// What [`train`] did, for the model card.
#[derive(Debug, Clone, Default)]
pub struct TrainReport {
    /// Words clustered (the pooled rare-word token and the boundary not counted).
    pub vocabulary: usize,
    /// Per level: the log-likelihood term `Σ N log N − 2 Σ N log N` after each pass, and the
    /// words moved in each pass.
    pub passes: Vec<Vec<(f64, usize)>>,
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "clusters: {} words", self.vocabulary)?;
        for (l, passes) in self.passes.iter().enumerate() {
            write!(f, "level {}:", l + 1)?;
            for (ll, moved) in passes {
                write!(f, " [{ll:.4e}, {moved} moved]")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[inline]
fn xlogx(x: u64) -> f64 {
    if x == 0 {
        0.0
    } else {
        let x = x as f64;
        x * x.ln()
    }
}

/// Neighbour lists in compressed rows: `start[w]..start[w + 1]` index `(neighbour, count)`.
struct Rows {
    start: Vec<usize>,
    items: Vec<(u32, u32)>,
}

impl Rows {
    fn build(n: usize, mut pairs: Vec<(u32, u32, u32)>) -> Rows {
        pairs.sort_unstable();
        let mut start = vec![0usize; n + 1];
        for &(a, _, _) in &pairs {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Rows {
            start,
            items: pairs.into_iter().map(|(_, b, c)| (b, c)).collect(),
        }
    }

    fn row(&self, w: usize) -> &[(u32, u32)] {
        &self.items[self.start[w]..self.start[w + 1]]
    }
}

/// Learns hierarchical clusters from `corpus`. Deterministic: the same counts and settings give
/// the same clustering.
pub fn train(corpus: &CorpusCounts, config: &TrainConfig) -> (Clusters, TrainReport) {
    assert!(
        !config.branching.is_empty() && config.branching.len() <= MAX_LEVELS,
        "one to {MAX_LEVELS} levels"
    );
    assert!(config.branching.iter().all(|&b| b >= 2), "branching ≥ 2");
    let total_classes: u64 = config.branching.iter().map(|&b| u64::from(b)).product();
    assert!(total_classes < u64::from(NONE), "too many classes");

    // Vocabulary: the boundary (0), the rare-word pool (1), then kept words by frequency.
    let mut kept: Vec<u32> = (1..corpus.words.len() as u32)
        .filter(|&i| corpus.counts[i as usize] >= config.min_count)
        .collect();
    kept.sort_by(|&a, &b| {
        corpus.counts[b as usize]
            .cmp(&corpus.counts[a as usize])
            .then_with(|| corpus.words[a as usize].cmp(&corpus.words[b as usize]))
    });
    let mut map = vec![1u32; corpus.words.len()];
    map[0] = 0;
    for (k, &w) in kept.iter().enumerate() {
        map[w as usize] = k as u32 + 2;
    }
    let n = kept.len() + 2;
    let mut count = vec![0u64; n];
    for (w, &c) in corpus.counts.iter().enumerate() {
        count[map[w] as usize] += c;
    }
    let mut merged: HashMap<u64, u32> = HashMap::with_capacity(corpus.bigrams.len());
    for (&p, &c) in &corpus.bigrams {
        let (a, b) = (map[(p >> 32) as usize], map[(p & 0xffff_ffff) as usize]);
        *merged.entry(pair(a, b)).or_insert(0) += c;
    }
    let mut right = Vec::with_capacity(merged.len());
    let mut left = Vec::with_capacity(merged.len());
    let mut selfc = vec![0u32; n];
    for (&p, &c) in &merged {
        let (a, b) = ((p >> 32) as u32, (p & 0xffff_ffff) as u32);
        if a == b {
            selfc[a as usize] = c;
        } else {
            right.push((a, b, c));
            left.push((b, a, c));
        }
    }
    drop(merged);
    let right = Rows::build(n, right);
    let left = Rows::build(n, left);

    // Word order for passes: most frequent first (the boundary and pool included: they
    // carry context too, they just get no entry in the result).
    let order: Vec<usize> = {
        let mut o: Vec<usize> = (0..n).collect();
        o.sort_by(|&a, &b| count[b].cmp(&count[a]).then(a.cmp(&b)));
        o
    };

    let mut class = vec![0u32; n];
    let mut report = TrainReport {
        vocabulary: kept.len(),
        passes: Vec::new(),
    };
    let mut paths: Vec<[u16; MAX_LEVELS]> = vec![[NONE; MAX_LEVELS]; n];
    let mut classes: u32 = 1;
    for (level, &b) in config.branching.iter().enumerate() {
        let b = u32::from(b);
        // Children of class c are c*b .. c*b+b; start round-robin within each parent by
        // frequency.
        let mut next_child = vec![0u32; classes as usize];
        for &w in &order {
            let parent = class[w];
            class[w] = parent * b + next_child[parent as usize] % b;
            next_child[parent as usize] += 1;
        }
        classes *= b;
        let passes = exchange(
            &right,
            &left,
            &selfc,
            &count,
            &order,
            &mut class,
            classes as usize,
            b,
            config.iterations,
        );
        report.passes.push(passes);
        for w in 0..n {
            paths[w][level] = class[w] as u16;
        }
    }

    let words = kept
        .iter()
        .enumerate()
        .map(|(k, &w)| (corpus.words[w as usize].clone(), paths[k + 2]))
        .collect();
    let caps = kept
        .iter()
        .map(|&w| {
            let [n, c] = corpus.caps[w as usize];
            cap_bucket(c, n)
        })
        .collect();
    (
        Clusters::from_parts(config.branching.clone(), words, caps),
        report,
    )
}

/// Exchange passes at one level: each word may move among the `b` children of its parent.
#[allow(clippy::too_many_arguments)]
fn exchange(
    right: &Rows,
    left: &Rows,
    selfc: &[u32],
    count: &[u64],
    order: &[usize],
    class: &mut [u32],
    k: usize,
    b: u32,
    iterations: usize,
) -> Vec<(f64, usize)> {
    // Class bigram counts N(c, d) (dense, k × k) and class counts.
    let mut nn = vec![0u64; k * k];
    let mut nc = vec![0u64; k];
    for w in 0..count.len() {
        let cw = class[w] as usize;
        nc[cw] += count[w];
        for &(v, c) in right.row(w) {
            nn[cw * k + class[v as usize] as usize] += u64::from(c);
        }
        nn[cw * k + cw] += u64::from(selfc[w]);
    }
    let objective = |nn: &[u64], nc: &[u64]| -> f64 {
        nn.iter().map(|&x| xlogx(x)).sum::<f64>() - 2.0 * nc.iter().map(|&x| xlogx(x)).sum::<f64>()
    };
    let mut passes = Vec::new();
    // Neighbour-class counts of the word being moved, sparse.
    let mut r = vec![0u64; k];
    let mut l = vec![0u64; k];
    let (mut rnz, mut lnz) = (Vec::new(), Vec::new());
    for _ in 0..iterations {
        let mut moved = 0usize;
        for &w in order {
            let a = class[w] as usize;
            let parent = a / b as usize;
            rnz.clear();
            lnz.clear();
            for &(v, c) in right.row(w) {
                let cv = class[v as usize] as usize;
                if r[cv] == 0 {
                    rnz.push(cv);
                }
                r[cv] += u64::from(c);
            }
            for &(v, c) in left.row(w) {
                let cv = class[v as usize] as usize;
                if l[cv] == 0 {
                    lnz.push(cv);
                }
                l[cv] += u64::from(c);
            }
            let s = u64::from(selfc[w]);
            let nw = count[w];
            // Take w out of a.
            for &c in &rnz {
                nn[a * k + c] -= r[c];
            }
            for &c in &lnz {
                nn[c * k + a] -= l[c];
            }
            nn[a * k + a] -= s;
            nc[a] -= nw;
            // Gain of putting w into each sibling.
            let mut best = (f64::NEG_INFINITY, a);
            for cand in parent * b as usize..(parent + 1) * b as usize {
                let mut g = 0.0;
                for &c in &rnz {
                    if c != cand {
                        let x = nn[cand * k + c];
                        g += xlogx(x + r[c]) - xlogx(x);
                    }
                }
                for &c in &lnz {
                    if c != cand {
                        let x = nn[c * k + cand];
                        g += xlogx(x + l[c]) - xlogx(x);
                    }
                }
                let x = nn[cand * k + cand];
                g += xlogx(x + r[cand] + l[cand] + s) - xlogx(x);
                g -= 2.0 * (xlogx(nc[cand] + nw) - xlogx(nc[cand]));
                // Ties keep the word where it was.
                if g > best.0 + 1e-9 || (cand == a && g >= best.0 - 1e-9) {
                    best = (g, cand);
                }
            }
            let to = best.1;
            if to != a {
                moved += 1;
            }
            for &c in &rnz {
                nn[to * k + c] += r[c];
            }
            for &c in &lnz {
                nn[c * k + to] += l[c];
            }
            nn[to * k + to] += s;
            nc[to] += nw;
            class[w] = to as u32;
            for &c in &rnz {
                r[c] = 0;
            }
            for &c in &lnz {
                l[c] = 0;
            }
        }
        passes.push((objective(&nn, &nc), moved));
        if moved == 0 {
            break;
        }
    }
    passes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> CorpusCounts {
        let mut c = CorpusCounts::new();
        let subjects = ["russia", "ukraine", "turkey", "france"];
        let verbs = ["met", "attacked", "criticized", "praised"];
        for (i, s) in subjects.iter().enumerate() {
            for (j, v) in verbs.iter().enumerate() {
                let o = subjects[(i + j + 1) % 4];
                for _ in 0..3 {
                    c.add_sentence(&[*s, v, o, "."]);
                    c.add_sentence(&["the", "minister", v, o, "on", "monday", "."]);
                    c.add_sentence(&["the", "president", v, s, "on", "friday", "."]);
                }
            }
        }
        c
    }

    #[test]
    fn similar_contexts_share_a_class() {
        let config = TrainConfig {
            branching: vec![4, 2],
            iterations: 10,
            min_count: 2,
        };
        let (cl, report) = train(&toy(), &config);
        assert_eq!(cl.levels(), 2);
        assert_eq!(report.passes.len(), 2);
        let top = |w: &str| cl.get(w)[0];
        assert_eq!(top("met"), top("praised"), "{report}");
        assert_eq!(top("attacked"), top("criticized"));
        assert_eq!(top("Russia"), top("france"), "lookups are lowercased");
        assert_ne!(top("met"), top("russia"));
        assert_eq!(cl.get("unseen"), [NONE; MAX_LEVELS]);
        assert_eq!(cl.entry_hash(lower_hash("unseen")).1, CAP_UNKNOWN);
        assert_eq!(cl.entry_hash(lower_hash("minister")).1, 0);
        // Level 2 ids refine level 1.
        for w in ["met", "russia", "monday"] {
            assert_eq!(cl.get(w)[1] / 2, cl.get(w)[0]);
        }
    }

    #[test]
    fn training_is_deterministic_and_round_trips() {
        let config = TrainConfig {
            branching: vec![3, 2],
            iterations: 4,
            min_count: 1,
        };
        let (a, _) = train(&toy(), &config);
        let (b, _) = train(&toy(), &config);
        assert_eq!(a, b);
        let bytes = a.to_bytes();
        let c = Clusters::from_bytes(&bytes).unwrap();
        assert_eq!(a, c);
        assert_eq!(c.get("Monday"), a.get("monday"));
        for cut in [0, 10, bytes.len() - 1] {
            assert!(Clusters::from_bytes(&bytes[..cut]).is_err());
        }
    }

    proptest::proptest! {
        /// Corrupted bytes give an error or a clustering, never a panic.
        #[test]
        fn corrupt_bytes_never_panic(at in 0usize..4096, byte in proptest::prelude::any::<u8>(), cut in 0usize..4096) {
            let config = TrainConfig { branching: vec![3, 2], iterations: 2, min_count: 1 };
            let mut bytes = train(&toy(), &config).0.to_bytes();
            let at = at % bytes.len();
            bytes[at] = byte;
            let cut = cut % (bytes.len() + 1);
            let _ = Clusters::from_bytes(&bytes[..cut]);
            let _ = Clusters::from_bytes(&bytes);
        }
    }

    #[test]
    fn the_objective_never_falls() {
        let config = TrainConfig {
            branching: vec![4],
            iterations: 6,
            min_count: 1,
        };
        let (_, report) = train(&toy(), &config);
        let lls: Vec<f64> = report.passes[0].iter().map(|p| p.0).collect();
        for w in lls.windows(2) {
            assert!(w[1] >= w[0] - 1e-6, "{lls:?}");
        }
    }
}
