//! Named-entity recognition: people (`PER`), organisations (`ORG`) and places (`LOC`) learned
//! from data, nationalities (`NAT`) from a built-in gazetteer.
//!
//! Input: the words of one sentence. Output: [`Entity`] spans over word indices. The model is a
//! structured averaged perceptron over BILOU tags: hashed sparse features per word (lowercase
//! form, shape, affixes, capitalization, words and shapes within ±2, sentence-initial flag,
//! gazetteer membership of the word and its neighbours) give emission scores, a learned
//! tag-bigram matrix gives transition scores, and Viterbi decoding under the BILOU constraints
//! finds the best valid tag sequence, so spans never overlap and are always well formed.
//! Weights are quantized to `i16`.
//!
//! ```
//! use dyad_nlp::ner::{train, Entity, EntityLabel, TrainConfig, TrainSentence};
//!
//! let s = TrainSentence {
//!     words: ["Lavrov", "visited", "Ankara", "."].map(String::from).to_vec(),
//!     entities: vec![
//!         Entity { start: 0, end: 1, label: EntityLabel::Per },
//!         Entity { start: 2, end: 3, label: EntityLabel::Loc },
//!     ],
//!     ..TrainSentence::default()
//! };
//! let (ner, _report) = train(&[s], &TrainConfig::default());
//! let mut out = Vec::new();
//! ner.entities(&["Lavrov", "visited", "Ankara", "."], &mut out);
//! assert_eq!(out[0].label.as_str(), "PER");
//! assert_eq!((out[1].start, out[1].end, out[1].label), (2, 3, EntityLabel::Loc));
//! ```

mod features;
mod gazetteer;

use std::collections::HashMap;
use std::fmt;

use crate::clusters::Clusters;
use crate::model_file::{self, ModelError};
use features::{fnv, norm, Part, Scratch};
use gazetteer::{Gaz, Gazetteer};

/// The model file kind.
pub const KIND: &[u8; 4] = b"NERM";
/// The model file format version this build reads and writes.
pub const VERSION: u16 = 2;

/// The type of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityLabel {
    /// A person.
    Per,
    /// An organisation: government bodies, armed groups, parties, companies, media.
    Org,
    /// A place or political entity: countries, cities, regions, geographic features.
    Loc,
    /// A nationality, demonym or religious/ethnic group adjective ("Russian", "Kurdish"),
    /// from the gazetteer only.
    Nat,
}

impl EntityLabel {
    /// The labels the statistical model predicts, in tag order.
    pub const LEARNED: [EntityLabel; 3] = [EntityLabel::Per, EntityLabel::Org, EntityLabel::Loc];

    /// The conventional short name: `PER`, `ORG`, `LOC`, `NAT`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Per => "PER",
            EntityLabel::Org => "ORG",
            EntityLabel::Loc => "LOC",
            EntityLabel::Nat => "NAT",
        }
    }

    /// Parses a short name as [`as_str`](Self::as_str) writes it.
    pub fn parse(s: &str) -> Option<EntityLabel> {
        match s {
            "PER" => Some(EntityLabel::Per),
            "ORG" => Some(EntityLabel::Org),
            "LOC" => Some(EntityLabel::Loc),
            "NAT" => Some(EntityLabel::Nat),
            _ => None,
        }
    }

    fn learned_index(self) -> Option<usize> {
        EntityLabel::LEARNED.iter().position(|&l| l == self)
    }
}

impl fmt::Display for EntityLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entity mention: words `start..end` of the sentence (half-open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entity {
    /// Index of the first word.
    pub start: usize,
    /// Index one past the last word.
    pub end: usize,
    /// The entity type.
    pub label: EntityLabel,
}

/// One gold training sentence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainSentence {
    /// The words.
    pub words: Vec<String>,
    /// Gold entities; `NAT` entities and spans that overlap an earlier one are ignored.
    pub entities: Vec<Entity>,
    /// Universal POS tags of the words (as a tagger predicts them), or empty when untagged.
    pub upos: Vec<String>,
}

/// Training settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the per-epoch shuffle; the same seed and data give the same model.
    pub seed: u64,
    /// Features seen fewer times than this in the training data are dropped.
    pub min_count: u32,
    /// Feature rows whose largest absolute averaged weight is below this are dropped.
    pub prune: f32,
    /// Word classes from POS-tagged and raw text (see [`LexiconBuilder`]), stored in the model.
    pub lexicon: Lexicon,
}

/// Word classes learned from text: how often a word is a proper noun and how often it is
/// capitalized away from the sentence start. Keys are lowercase with digits as `0`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lexicon {
    classes: HashMap<String, u8>,
    /// Word clusters from unlabelled text (see [`crate::clusters`]).
    pub clusters: Clusters,
    /// Place names from an external gazetteer (populated places, regions), lowercased PTB
    /// tokens separated by spaces; matched as gazetteer kind `City`.
    pub places: Vec<String>,
}

impl Lexicon {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// True when there are no words.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

/// Counts words to build a [`Lexicon`].
#[derive(Debug, Clone, Default)]
pub struct LexiconBuilder {
    /// Per key: occurrences with a POS tag, of which proper nouns, non-initial occurrences, of
    /// which capitalized.
    counts: HashMap<String, [u32; 4]>,
}

impl LexiconBuilder {
    /// Counts one occurrence of `word`; `propn` is its POS evidence (`None` for raw text),
    /// `initial` whether it starts its sentence.
    pub fn add(&mut self, word: &str, propn: Option<bool>, initial: bool) {
        let mut key = String::new();
        norm(word, &mut key);
        let c = self.counts.entry(key).or_default();
        if let Some(p) = propn {
            c[0] += 1;
            c[1] += u32::from(p);
        }
        if !initial {
            c[2] += 1;
            c[3] += u32::from(word.chars().next().is_some_and(char::is_uppercase));
        }
    }

    /// The lexicon of words counted at least `min` times.
    pub fn build(self, min: u32) -> Lexicon {
        let bucket = |num: u32, den: u32| -> u8 {
            if den == 0 {
                return 4;
            }
            let r = f64::from(num) / f64::from(den);
            if r < 0.1 {
                0
            } else if r < 0.5 {
                1
            } else if r < 0.9 {
                2
            } else {
                3
            }
        };
        let classes = self
            .counts
            .into_iter()
            .filter(|(k, c)| c[0].max(c[2]) >= min && k.len() < 256)
            .map(|(k, c)| (k, 1 + bucket(c[1], c[0]) * 5 + bucket(c[3], c[2])))
            .collect();
        Lexicon {
            classes,
            clusters: Clusters::default(),
            places: Vec::new(),
        }
    }
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            epochs: 10,
            seed: 0x5eed,
            min_count: 1,
            prune: 0.0,
            lexicon: Lexicon::default(),
        }
    }
}

/// What training saw and did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainReport {
    /// Training sentences.
    pub sentences: usize,
    /// Training words.
    pub words: usize,
    /// Gold entities used (after dropping overlaps and `NAT`).
    pub entities: usize,
    /// Distinct features kept for training.
    pub features: usize,
    /// Feature rows in the saved model.
    pub rows: usize,
    /// Fraction of words whose predicted tag was wrong, per epoch (before the update).
    pub epoch_errors: Vec<f64>,
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ner: trained on {} sentences, {} words, {} entities; {} features, {} rows kept; \
             tag error by epoch:",
            self.sentences, self.words, self.entities, self.features, self.rows
        )?;
        for e in &self.epoch_errors {
            write!(f, " {:.4}", e)?;
        }
        Ok(())
    }
}

// --- BILOU tags -------------------------------------------------------------------------------

/// Number of tags: `O` plus B, I, L, U for each learned label.
const NT: usize = 1 + 4 * EntityLabel::LEARNED.len();
const B: usize = 0;
const I: usize = 1;
const L: usize = 2;
const U: usize = 3;

fn tag(label: usize, part: usize) -> usize {
    1 + 4 * label + part
}

/// (label index, part) of a non-`O` tag.
fn untag(t: usize) -> Option<(usize, usize)> {
    (t != 0 && t < NT).then(|| ((t - 1) / 4, (t - 1) % 4))
}

/// May tag `b` follow tag `a`?
fn allowed(a: usize, b: usize) -> bool {
    let open = |t| matches!(untag(t), Some((_, B | I)));
    match (untag(a), untag(b)) {
        (Some((la, B | I)), Some((lb, I | L))) => la == lb,
        (Some((_, B | I)), _) => false,
        (_, Some((_, I | L))) => false,
        _ => !open(a),
    }
}

fn allowed_start(t: usize) -> bool {
    !matches!(untag(t), Some((_, I | L)))
}

fn allowed_end(t: usize) -> bool {
    !matches!(untag(t), Some((_, B | I)))
}

/// BILOU tags for `n` words. `NAT` entities, empty or out-of-range spans and spans overlapping
/// an earlier kept one are skipped.
fn encode(n: usize, entities: &[Entity]) -> Vec<usize> {
    let mut tags = vec![0; n];
    for e in entities {
        let Some(l) = e.label.learned_index() else {
            continue;
        };
        if e.start >= e.end || e.end > n || tags[e.start..e.end].iter().any(|&t| t != 0) {
            continue;
        }
        if e.end - e.start == 1 {
            tags[e.start] = tag(l, U);
        } else {
            tags[e.start] = tag(l, B);
            for t in &mut tags[e.start + 1..e.end - 1] {
                *t = tag(l, I);
            }
            tags[e.end - 1] = tag(l, L);
        }
    }
    tags
}

/// Spans of a tag sequence. Lenient: an ill-formed sequence still gives well-formed,
/// non-overlapping spans (an unclosed `B`/`I` run ends where its label changes).
fn decode(tags: &[usize], out: &mut Vec<Entity>) {
    let mut open: Option<(usize, usize)> = None; // (start, label)
    for (i, &t) in tags.iter().enumerate() {
        let cur = untag(t);
        if let Some((start, l)) = open {
            match cur {
                Some((lc, I | L)) if lc == l => {
                    if matches!(cur, Some((_, L))) {
                        out.push(Entity {
                            start,
                            end: i + 1,
                            label: EntityLabel::LEARNED[l],
                        });
                        open = None;
                    }
                    continue;
                }
                _ => {
                    out.push(Entity {
                        start,
                        end: i,
                        label: EntityLabel::LEARNED[l],
                    });
                    open = None;
                }
            }
        }
        match cur {
            Some((l, U)) => out.push(Entity {
                start: i,
                end: i + 1,
                label: EntityLabel::LEARNED[l],
            }),
            Some((l, L)) => out.push(Entity {
                start: i,
                end: i + 1,
                label: EntityLabel::LEARNED[l],
            }),
            Some((l, _)) => open = Some((i, l)),
            None => {}
        }
    }
    if let Some((start, l)) = open {
        out.push(Entity {
            start,
            end: tags.len(),
            label: EntityLabel::LEARNED[l],
        });
    }
}

/// Best valid tag sequence given per-word emission scores (`n × NT`).
fn viterbi(em: &[f32], trans: &[f32], start: &[f32], end: &[f32], tags: &mut Vec<usize>) {
    let n = em.len() / NT;
    tags.clear();
    if n == 0 {
        return;
    }
    let mut score = vec![f32::NEG_INFINITY; n * NT];
    let mut back = vec![0u8; n * NT];
    for t in 0..NT {
        if allowed_start(t) {
            score[t] = start[t] + em[t];
        }
    }
    for i in 1..n {
        for t in 0..NT {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for p in 0..NT {
                let s = score[(i - 1) * NT + p] + trans[p * NT + t];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * NT + t] = best + em[i * NT + t];
            back[i * NT + t] = arg as u8;
        }
    }
    let mut best = f32::NEG_INFINITY;
    let mut arg = 0;
    for t in 0..NT {
        let s = score[(n - 1) * NT + t] + end[t];
        if allowed_end(t) && s > best {
            best = s;
            arg = t;
        }
    }
    tags.resize(n, 0);
    tags[n - 1] = arg;
    for i in (1..n).rev() {
        tags[i - 1] = back[i * NT + tags[i]] as usize;
    }
}

/// Transition scores with forbidden pairs at minus infinity.
fn masked(trans: &[f32]) -> Vec<f32> {
    let mut m = trans.to_vec();
    for a in 0..NT {
        for b in 0..NT {
            if !allowed(a, b) {
                m[a * NT + b] = f32::NEG_INFINITY;
            }
        }
    }
    m
}

// --- the model --------------------------------------------------------------------------------

thread_local! {
    /// Per-thread buffers of [`Ner::entities_tagged`].
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// Per-thread cache of word-feature scores of [`Ner::entities_tagged`].
    static CACHE: std::cell::RefCell<WordCache> = std::cell::RefCell::new(WordCache::default());
}

/// Open-addressing map from feature hash to weight row.
#[derive(Clone)]
struct Table {
    keys: Vec<u64>,
    rows: Vec<u32>,
    shift: u32,
}

impl Table {
    fn new(keys: &[u64]) -> Table {
        let cap = (keys.len() * 2).next_power_of_two().max(16);
        let mut t = Table {
            keys: vec![0; cap],
            rows: vec![0; cap],
            shift: 64 - cap.trailing_zeros(),
        };
        for (r, &k) in keys.iter().enumerate() {
            let mut slot = t.slot(k);
            while t.keys[slot] != 0 {
                slot = (slot + 1) & (cap - 1);
            }
            t.keys[slot] = k;
            t.rows[slot] = r as u32;
        }
        t
    }

    #[inline]
    fn slot(&self, k: u64) -> usize {
        (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// Loads the first slot of every key in a branch-free loop, so that the cache misses
    /// overlap instead of waiting on each probe in turn (a software prefetch without `unsafe`).
    #[inline]
    fn touch(&self, keys: &[u64]) {
        let mut t = 0u64;
        for &k in keys {
            t ^= self.keys[self.slot(k)];
        }
        std::hint::black_box(t);
    }

    #[inline]
    fn get(&self, k: u64) -> Option<usize> {
        let mask = self.keys.len() - 1;
        let mut slot = self.slot(k);
        loop {
            let found = self.keys[slot];
            if found == k {
                return Some(self.rows[slot] as usize);
            }
            if found == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// A trained named-entity recognizer. Cheap to share across threads.
#[derive(Clone)]
pub struct Ner {
    keys: Vec<u64>,
    table: Table,
    weights: Vec<i16>,
    scale: f32,
    trans: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
    masked: Vec<f32>,
    gaz: Gazetteer,
    lexicon: Lexicon,
    /// Identity for the per-thread cache of word-feature scores (copies share it: same
    /// weights).
    id: u64,
}

/// Gives each loaded model its own identity for the per-thread cache.
static NEXT_NER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Slots of the per-thread cache of word-feature scores.
const WORD_CACHE: usize = 2048;

/// Summed weights of the word-only features ([`Part::Word`]) of recently seen forms, direct
/// mapped by form hash, for the model `owner`.
#[derive(Default)]
struct WordCache {
    owner: u64,
    keys: Vec<u64>,
    acc: Vec<[i32; NT]>,
}

impl fmt::Debug for Ner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ner")
            .field("rows", &self.keys.len())
            .field("tags", &NT)
            .field("scale", &self.scale)
            .field("lexicon", &self.lexicon.len())
            .finish_non_exhaustive()
    }
}

impl Ner {
    /// Loads a model from the bytes of a `NERM` model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ner, ModelError> {
        let payload = model_file::read(bytes, KIND, VERSION)?;
        let corrupt = |m: &str| ModelError::Corrupt(m.to_string());
        if payload.len() < 8 {
            return Err(corrupt("payload too short"));
        }
        let (body, sum) = payload.split_at(payload.len() - 8);
        if fnv(body).to_le_bytes() != sum {
            return Err(corrupt("checksum mismatch"));
        }
        let mut r = Cursor {
            bytes: body,
            pos: 0,
        };
        let nt = r.u32()? as usize;
        if nt != NT {
            return Err(ModelError::Corrupt(format!(
                "model has {nt} tags, this build uses {NT}"
            )));
        }
        let scale = r.f32()?;
        let trans = r.f32s(NT * NT)?;
        let start = r.f32s(NT)?;
        let end = r.f32s(NT)?;
        let rows = r.u32()? as usize;
        if rows
            .checked_mul(8 + 2 * NT)
            .is_none_or(|need| need > body.len())
        {
            return Err(corrupt("row count exceeds the file"));
        }
        let mut keys = Vec::with_capacity(rows);
        for _ in 0..rows {
            let k = r.u64()?;
            if k == 0 {
                return Err(corrupt("zero feature key"));
            }
            keys.push(k);
        }
        let mut weights = Vec::with_capacity(rows * NT);
        for _ in 0..rows * NT {
            weights.push(r.i16()?);
        }
        let words = r.u32()? as usize;
        if words > body.len() {
            return Err(corrupt("lexicon size exceeds the file"));
        }
        let mut classes = HashMap::with_capacity(words);
        for _ in 0..words {
            let w = r.short_str("lexicon word")?;
            classes.insert(w.to_string(), r.take::<1>()?[0]);
        }
        let ncl = r.u32()? as usize;
        let cl = r
            .bytes
            .get(r.pos..r.pos.saturating_add(ncl))
            .ok_or_else(|| corrupt("truncated clusters"))?;
        r.pos += ncl;
        let clusters = Clusters::from_bytes(cl)?;
        let nplaces = r.u32()? as usize;
        if nplaces > body.len() {
            return Err(corrupt("place count exceeds the file"));
        }
        let mut places = Vec::with_capacity(nplaces);
        for _ in 0..nplaces {
            places.push(r.short_str("place name")?.to_string());
        }
        if r.pos != body.len() {
            return Err(corrupt("trailing bytes"));
        }
        Ok(Ner::assemble(
            keys,
            weights,
            scale,
            trans,
            start,
            end,
            Lexicon {
                classes,
                clusters,
                places,
            },
        ))
    }

    fn assemble(
        keys: Vec<u64>,
        weights: Vec<i16>,
        scale: f32,
        trans: Vec<f32>,
        start: Vec<f32>,
        end: Vec<f32>,
        lexicon: Lexicon,
    ) -> Ner {
        let table = Table::new(&keys);
        let masked = masked(&trans);
        let gaz = gazetteer(&lexicon);
        Ner {
            keys,
            table,
            weights,
            scale,
            trans,
            start,
            end,
            masked,
            gaz,
            lexicon,
            id: NEXT_NER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The bytes of a `NERM` model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(self.keys.len() * (8 + 2 * NT) + 1024);
        p.extend_from_slice(&(NT as u32).to_le_bytes());
        p.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.trans.iter().chain(&self.start).chain(&self.end) {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for k in &self.keys {
            p.extend_from_slice(&k.to_le_bytes());
        }
        for w in &self.weights {
            p.extend_from_slice(&w.to_le_bytes());
        }
        // Sorted, so that the same model always gives the same bytes.
        let mut lex: Vec<(&String, &u8)> = self.lexicon.classes.iter().collect();
        lex.sort_unstable();
        p.extend_from_slice(&(lex.len() as u32).to_le_bytes());
        for (w, &c) in lex {
            p.push(w.len() as u8);
            p.extend_from_slice(w.as_bytes());
            p.push(c);
        }
        let cl = self.lexicon.clusters.to_bytes();
        p.extend_from_slice(&(cl.len() as u32).to_le_bytes());
        p.extend_from_slice(&cl);
        p.extend_from_slice(&(self.lexicon.places.len() as u32).to_le_bytes());
        for w in &self.lexicon.places {
            let len = w.len().min(255);
            p.push(len as u8);
            p.extend_from_slice(&w.as_bytes()[..len]);
        }
        let sum = fnv(&p);
        p.extend_from_slice(&sum.to_le_bytes());
        model_file::write(KIND, VERSION, &p)
    }

    /// Number of feature rows in the model.
    pub fn rows(&self) -> usize {
        self.keys.len()
    }

    /// Finds the entities of one sentence, replacing the contents of `out`. Spans are sorted,
    /// non-overlapping and never empty.
    pub fn entities(&self, words: &[&str], out: &mut Vec<Entity>) {
        self.entities_tagged(words, None, out);
    }

    /// [`entities`](Self::entities) with the words' universal POS tags (`"PROPN"`, `"NOUN"`…)
    /// from a tagger, which a model trained on tagged sentences uses as features. `None`, or a
    /// slice of the wrong length, tags nothing.
    pub fn entities_tagged(&self, words: &[&str], upos: Option<&[&str]>, out: &mut Vec<Entity>) {
        out.clear();
        if words.is_empty() {
            return;
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.entities_with(&mut scratch, words, upos, out),
            // A re-entrant call (impossible today) gets fresh buffers.
            Err(_) => self.entities_with(&mut Scratch::default(), words, upos, out),
        });
    }

    /// The summed weight rows of `feats` (`rows` is scratch). Touches the key slots, resolves
    /// every feature to its row, touches the rows, then adds: each level's cache misses overlap
    /// instead of queueing.
    fn sum_rows(&self, feats: &[u64], rows: &mut Vec<usize>) -> [i32; NT] {
        let mut acc = [0i32; NT];
        self.table.touch(feats);
        rows.clear();
        rows.extend(feats.iter().filter_map(|&f| self.table.get(f)));
        let mut t = 0i16;
        for &r in rows.iter() {
            t ^= self.weights.get(r * NT).copied().unwrap_or(0);
        }
        std::hint::black_box(t);
        for &r in rows.iter() {
            let row = &self.weights[r * NT..(r + 1) * NT];
            for (a, &w) in acc.iter_mut().zip(row) {
                *a += i32::from(w);
            }
        }
        acc
    }

    fn entities_with(
        &self,
        scratch: &mut Scratch,
        words: &[&str],
        upos: Option<&[&str]>,
        out: &mut Vec<Entity>,
    ) {
        scratch.prepare(&self.gaz, &self.lexicon, words);
        scratch.set_upos(upos.filter(|u| u.len() == words.len()));
        let mut feats = Vec::with_capacity(64);
        let mut rows: Vec<usize> = Vec::with_capacity(64);
        let mut em = vec![0f32; words.len() * NT];
        let mut fresh = WordCache::default();
        CACHE.with(|cell| {
            let mut guard = cell.try_borrow_mut();
            // A re-entrant call (impossible today) works without the cache's contents.
            let cache = match guard.as_mut() {
                Ok(c) => &mut **c,
                Err(_) => &mut fresh,
            };
            if cache.owner != self.id || cache.keys.len() != WORD_CACHE {
                cache.owner = self.id;
                cache.keys = vec![0; WORD_CACHE];
                cache.acc = vec![[0; NT]; WORD_CACHE];
            }
            for i in 0..words.len() {
                // The word's own features come from the cache when its form was seen recently
                // (integer sums do not depend on the order of addition); 0 marks an empty slot.
                let form = scratch.form_hash(i);
                let slot = (form as usize) & (WORD_CACHE - 1);
                if form == 0 || cache.keys[slot] != form {
                    feats.clear();
                    scratch.features_part(i, &mut feats, Part::Word);
                    cache.acc[slot] = self.sum_rows(&feats, &mut rows);
                    cache.keys[slot] = form;
                }
                let mut acc = cache.acc[slot];
                feats.clear();
                scratch.features_part(i, &mut feats, Part::Context);
                for (a, c) in acc.iter_mut().zip(self.sum_rows(&feats, &mut rows)) {
                    *a += c;
                }
                for (e, &a) in em[i * NT..(i + 1) * NT].iter_mut().zip(&acc) {
                    *e = a as f32 * self.scale;
                }
            }
        });
        let mut tags = Vec::with_capacity(words.len());
        viterbi(&em, &self.masked, &self.start, &self.end, &mut tags);
        decode(&tags, out);
        add_nationalities(scratch, &tags, out);
    }
}

impl Ner {
    /// Finds the entities of every sentence of one document. Each sentence is first tagged on
    /// its own, as by [`entities`](Self::entities); then a name that the document tags more
    /// often with another label is relabelled with the majority label, so that "Hertz" is not
    /// an organisation in one sentence and a person in the next.
    pub fn entities_doc(&self, sentences: &[Vec<&str>]) -> Vec<Vec<Entity>> {
        let mut all: Vec<Vec<Entity>> = sentences
            .iter()
            .map(|words| {
                let mut out = Vec::new();
                self.entities(words, &mut out);
                out
            })
            .collect();
        let key = |words: &[&str], e: &Entity| -> String {
            let mut k = String::new();
            for w in &words[e.start..e.end] {
                k.push_str(&w.to_lowercase());
                k.push(' ');
            }
            k
        };
        let n = EntityLabel::LEARNED.len();
        let mut votes: HashMap<String, Vec<u32>> = HashMap::new();
        for (words, ents) in sentences.iter().zip(&all) {
            for e in ents {
                if let Some(l) = e.label.learned_index() {
                    votes.entry(key(words, e)).or_insert_with(|| vec![0; n])[l] += 1;
                }
            }
        }
        for (words, ents) in sentences.iter().zip(all.iter_mut()) {
            for e in ents.iter_mut() {
                let Some(l) = e.label.learned_index() else {
                    continue;
                };
                let v = &votes[&key(words, e)];
                // The first label with the most votes wins; a tie keeps the sentence's label.
                let (best, &most) = v
                    .iter()
                    .enumerate()
                    .max_by_key(|&(k, &c)| (c, std::cmp::Reverse(k)))
                    .unwrap_or((l, &0));
                if most > v[l] {
                    e.label = EntityLabel::LEARNED[best];
                }
            }
        }
        // A capitalized word sequence that is a name elsewhere in the document, but untagged
        // here, becomes a name with the label it got most often.
        let longest = votes
            .keys()
            .map(|k| k.matches(' ').count())
            .max()
            .unwrap_or(0);
        let mut k = String::new();
        for (words, ents) in sentences.iter().zip(all.iter_mut()) {
            let mut free = vec![true; words.len()];
            for e in ents.iter() {
                free[e.start..e.end].iter_mut().for_each(|f| *f = false);
            }
            let mut added = false;
            let mut i = 0;
            while i < words.len() {
                let mut step = 1;
                if free[i] && words[i].chars().next().is_some_and(char::is_uppercase) {
                    k.clear();
                    let mut hit = None;
                    for j in i..words.len().min(i + longest) {
                        if !free[j] {
                            break;
                        }
                        k.push_str(&words[j].to_lowercase());
                        k.push(' ');
                        let next_cap = words
                            .get(j + 1)
                            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
                        if let Some(v) = votes.get(k.as_str()) {
                            if !next_cap {
                                hit = Some((j + 1, v));
                            }
                        }
                    }
                    if let Some((end, v)) = hit {
                        let best = (0..n)
                            .max_by_key(|&l| (v[l], std::cmp::Reverse(l)))
                            .unwrap_or(0);
                        ents.push(Entity {
                            start: i,
                            end,
                            label: EntityLabel::LEARNED[best],
                        });
                        added = true;
                        step = end - i;
                    }
                }
                i += step;
            }
            if added {
                ents.sort_by_key(|e| e.start);
            }
        }
        all
    }
}

/// Adds a `NAT` entity for every capitalized single-word demonym outside the learned spans.
fn add_nationalities(scratch: &Scratch, tags: &[usize], out: &mut Vec<Entity>) {
    let before = out.len();
    for (i, &t) in tags.iter().enumerate() {
        if t == 0 && scratch.capitalized(i) && scratch.gaz(i)[Gaz::Nat as usize] == 4 {
            out.push(Entity {
                start: i,
                end: i + 1,
                label: EntityLabel::Nat,
            });
        }
    }
    if out.len() > before {
        out.sort_unstable();
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let end = self.pos + N;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| ModelError::Corrupt("unexpected end of payload".into()))?;
        self.pos = end;
        Ok(s.try_into().expect("N bytes"))
    }
    /// A string of at most 255 bytes, preceded by its length in one byte.
    fn short_str(&mut self, what: &str) -> Result<&'a str, ModelError> {
        let len = self.take::<1>()?[0] as usize;
        let w = self
            .bytes
            .get(self.pos..self.pos + len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| ModelError::Corrupt(format!("bad {what}")))?;
        self.pos += len;
        Ok(w)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn i16(&mut self) -> Result<i16, ModelError> {
        self.take::<2>().map(i16::from_le_bytes)
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        let v = self.take::<4>().map(f32::from_le_bytes)?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(ModelError::Corrupt("non-finite weight".into()))
        }
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, ModelError> {
        (0..n).map(|_| self.f32()).collect()
    }
}

// --- training ---------------------------------------------------------------------------------

/// Averaged weights: `w` current, `acc` the running sum of `step × update`.
struct Avg {
    w: Vec<f32>,
    acc: Vec<f32>,
}

impl Avg {
    fn new(n: usize) -> Avg {
        Avg {
            w: vec![0.0; n],
            acc: vec![0.0; n],
        }
    }
    #[inline]
    fn add(&mut self, i: usize, v: f32, step: f32) {
        self.w[i] += v;
        self.acc[i] += step * v;
    }
    fn averaged(&self, steps: f32) -> Vec<f32> {
        self.w
            .iter()
            .zip(&self.acc)
            .map(|(w, a)| w - a / steps)
            .collect()
    }
}

/// The built-in gazetteer plus the lexicon's places.
fn gazetteer(lexicon: &Lexicon) -> Gazetteer {
    let mut gaz = Gazetteer::builtin();
    for p in &lexicon.places {
        gaz.add(p, Gaz::City);
    }
    gaz
}

/// Trains a model. Deterministic: the same sentences and config give the same bytes.
pub fn train(sentences: &[TrainSentence], config: &TrainConfig) -> (Ner, TrainReport) {
    let gaz = gazetteer(&config.lexicon);
    let mut report = TrainReport {
        sentences: sentences.len(),
        ..TrainReport::default()
    };

    // Extract every word's feature hashes once, then intern the frequent ones.
    let mut scratch = Scratch::default();
    let mut hashes: Vec<u64> = Vec::new();
    let mut word_ends: Vec<usize> = Vec::new();
    let mut sent_ends: Vec<usize> = Vec::new();
    let mut gold: Vec<usize> = Vec::new();
    let mut counts: HashMap<u64, u32> = HashMap::new();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        scratch.prepare(&gaz, &config.lexicon, &words);
        let upos: Vec<&str> = s.upos.iter().map(String::as_str).collect();
        scratch.set_upos(Some(upos.as_slice()).filter(|u| u.len() == words.len()));
        let tags = encode(words.len(), &s.entities);
        let mut d = Vec::new();
        decode(&tags, &mut d);
        report.entities += d.len();
        for i in 0..words.len() {
            let from = hashes.len();
            scratch.features(i, &mut hashes);
            for h in &hashes[from..] {
                *counts.entry(*h).or_insert(0) += 1;
            }
            word_ends.push(hashes.len());
        }
        gold.extend(tags);
        sent_ends.push(word_ends.len());
        report.words += words.len();
    }
    let mut kept: Vec<u64> = counts
        .iter()
        .filter(|&(_, &c)| c >= config.min_count.max(1))
        .map(|(&h, _)| h)
        .collect();
    kept.sort_unstable();
    drop(counts);
    let ids: HashMap<u64, u32> = kept
        .iter()
        .enumerate()
        .map(|(i, &h)| (h, i as u32))
        .collect();
    let feats: Vec<u32> = hashes
        .iter()
        .map(|h| ids.get(h).copied().unwrap_or(u32::MAX))
        .collect();
    drop(hashes);
    drop(ids);
    report.features = kept.len();

    let mut w = Avg::new(kept.len() * NT);
    let mut tr = Avg::new(NT * NT);
    let mut st = Avg::new(NT);
    let mut en = Avg::new(NT);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = config.seed | 1;
    let mut step = 1f32;
    let mut em = Vec::new();
    let mut pred = Vec::new();
    for _ in 0..config.epochs {
        // Fisher-Yates with xorshift64*, so the order depends on the seed alone.
        for i in (1..order.len()).rev() {
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            let r = rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
            order.swap(i, (r % (i as u64 + 1)) as usize);
        }
        let mut wrong = 0usize;
        for &s in &order {
            let w0 = if s == 0 { 0 } else { sent_ends[s - 1] };
            let w1 = sent_ends[s];
            if w0 == w1 {
                continue;
            }
            let fe = |i: usize| {
                let a = if i == 0 { 0 } else { word_ends[i - 1] };
                &feats[a..word_ends[i]]
            };
            em.clear();
            for i in w0..w1 {
                let mut row = [0f32; NT];
                for &f in fe(i) {
                    if f != u32::MAX {
                        let f = f as usize * NT;
                        for (r, x) in row.iter_mut().zip(&w.w[f..f + NT]) {
                            *r += x;
                        }
                    }
                }
                em.extend_from_slice(&row);
            }
            viterbi(&em, &masked(&tr.w), &st.w, &en.w, &mut pred);
            let g = &gold[w0..w1];
            if pred.as_slice() != g {
                for (k, i) in (w0..w1).enumerate() {
                    let (gt, pt) = (g[k], pred[k]);
                    if gt != pt {
                        wrong += 1;
                        for &f in fe(i) {
                            if f != u32::MAX {
                                w.add(f as usize * NT + gt, 1.0, step);
                                w.add(f as usize * NT + pt, -1.0, step);
                            }
                        }
                    }
                    if k > 0 && (g[k - 1], gt) != (pred[k - 1], pt) {
                        tr.add(g[k - 1] * NT + gt, 1.0, step);
                        tr.add(pred[k - 1] * NT + pt, -1.0, step);
                    }
                }
                if g[0] != pred[0] {
                    st.add(g[0], 1.0, step);
                    st.add(pred[0], -1.0, step);
                }
                let last = g.len() - 1;
                if g[last] != pred[last] {
                    en.add(g[last], 1.0, step);
                    en.add(pred[last], -1.0, step);
                }
            }
            step += 1.0;
        }
        report
            .epoch_errors
            .push(wrong as f64 / report.words.max(1) as f64);
    }

    // Average, prune and quantize.
    let avg = w.averaged(step);
    let max = avg.iter().fold(0f32, |m, v| m.max(v.abs()));
    let scale = if max > 0.0 {
        max / f32::from(i16::MAX)
    } else {
        1.0
    };
    let mut keys = Vec::new();
    let mut weights = Vec::new();
    for (r, &k) in kept.iter().enumerate() {
        let row = &avg[r * NT..(r + 1) * NT];
        let q: Vec<i16> = row.iter().map(|v| (v / scale).round() as i16).collect();
        let big = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        if q.iter().all(|&x| x == 0) || big < config.prune {
            continue;
        }
        keys.push(k);
        weights.extend(q);
    }
    report.rows = keys.len();
    let ner = Ner::assemble(
        keys,
        weights,
        scale,
        tr.averaged(step),
        st.averaged(step),
        en.averaged(step),
        config.lexicon.clone(),
    );
    (ner, report)
}

#[cfg(test)]
mod tests;

/// True when `word` is a nationality or demonym of the built-in gazetteer ("Russian",
/// "Kurdish"), whatever its case.
pub fn is_nationality(word: &str) -> bool {
    static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(Gazetteer::builtin)
        .is(&word.to_lowercase(), Gaz::Nat)
}

/// True when `word` is a title or role of the built-in gazetteer ("President", "Gen."),
/// whatever its case.
pub fn is_title(word: &str) -> bool {
    static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(Gazetteer::builtin)
        .is(&word.to_lowercase(), Gaz::Title)
}
