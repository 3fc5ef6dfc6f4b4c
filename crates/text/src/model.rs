//! The sentence-boundary model: hashed features at a candidate boundary, a fixed-size weight
//! table, and its compact binary form.
//!
//! The file is `DYSB`, a little-endian `u16` format version, a `u8` table size in bits, a `u8`
//! feature-set version, an `f32` bias on the decision threshold, an `f32` scale, then
//! `2^bits` little-endian `i16` weights (weight = value × scale).

use std::fmt;

use crate::segment::Ctx;
use crate::tokenize::{
    char_at, is_general_punctuation, ABBR, ALNUM, GAP_MASK, LOWER_START, UPPER_START,
};

const MAGIC: &[u8; 4] = b"DYSB";
const FORMAT_VERSION: u16 = 1;
/// Bumped whenever the features change, so that a stale model is refused instead of misread.
pub(crate) const FEATURE_VERSION: u8 = 1;
const HEADER_LEN: usize = 16;

/// Why a boundary model could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the `DYSB` magic or are cut short.
    NotAModel,
    /// The model was written by another format or feature-set version.
    Version {
        /// The format version found.
        format: u16,
        /// The feature-set version found.
        features: u8,
    },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => f.write_str("not a dyad boundary model (bad magic or size)"),
            ModelError::Version { format, features } => write!(
                f,
                "boundary model has format {format} and features {features}, expected \
                 {FORMAT_VERSION} and {FEATURE_VERSION}: retrain it with `dyad train segmenter`"
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// A loaded boundary model: a weight table indexed by feature hashes.
#[derive(Clone, PartialEq)]
pub(crate) struct Model {
    pub(crate) bits: u8,
    pub(crate) threshold: f32,
    pub(crate) weights: Vec<f32>,
    /// The weights as the file stores them, for fast decisions; `None` for a model being trained.
    pub(crate) quantized: Option<Quantized>,
}

/// A model's weights as integers (weight = value × scale) and the integer scores beyond which
/// the float score's rounding cannot change a decision.
///
/// The float score of a candidate sums `n` = [`N_FEATURES`] products `q × scale`, each rounded,
/// in a fixed order; its distance from the exact `Q × scale` (with `Q` the integer sum) is at
/// most `(u + γ(n-1)) × A` with `u` = 2^-24, `γ(k)` = `k·u / (1 - k·u)` and `A` = `Σ|q| × scale`
/// ≤ `n × 2^15 × scale`; as `u + γ(n-1)` < `2^-19` for n ≤ 30, that is under
/// `n × 2^-4 × scale` (1.44 units of `scale` for 23 features). So an integer sum more than
/// [`Quantized::MARGIN`] units above (below) the threshold gives the same decision as the float
/// score, which only the sums in between compute. Summing `i16` also halves the table that every
/// candidate reads at random.
#[derive(Clone, PartialEq)]
pub(crate) struct Quantized {
    /// A fixed size lets the compiler drop the bounds checks of the lookups.
    table: Box<[i16; 1 << Quantized::BITS]>,
    /// Integer sums above this are boundaries.
    yes_above: i32,
    /// Integer sums below this are not.
    no_below: i32,
}

// The rounding bound of [`Quantized`] holds for at most 30 features.
const _: () = assert!(N_FEATURES <= 30);

impl Quantized {
    /// The safety margin in units of `scale`: the rounding bound above, doubled, plus one for
    /// the rounding of the threshold's conversion.
    const MARGIN: f64 = 2.0 * N_FEATURES as f64 * 32768.0 / (1u32 << 19) as f64 + 1.0;

    /// The table size in bits that has an integer form: the default of `dyad train segmenter`
    /// and that of the embedded model. (`finished_top_bits` allows at most 33.)
    const BITS: u8 = 18;

    /// The integer form of a table with this threshold and scale, when the bound above applies
    /// (a positive normal scale and a finite threshold not too far out).
    fn new(table: Vec<i16>, threshold: f32, scale: f32) -> Option<Quantized> {
        if !(scale.is_normal() && scale > 0.0 && threshold.is_finite()) {
            return None;
        }
        let table = table.into_boxed_slice().try_into().ok()?;
        let t = f64::from(threshold) / f64::from(scale);
        if t.abs() > 1e9 {
            return None;
        }
        Some(Quantized {
            table,
            yes_above: (t + Self::MARGIN).ceil() as i32,
            no_below: (t - Self::MARGIN).floor() as i32,
        })
    }
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("bits", &self.bits)
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

impl Model {
    /// An all-zero model with a table of `2^bits` weights.
    pub(crate) fn zeros(bits: u8) -> Model {
        Model {
            bits,
            threshold: 0.0,
            weights: vec![0.0; 1 << bits],
            quantized: None,
        }
    }

    pub(crate) fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.len() < HEADER_LEN || &b[..4] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let format = u16::from_le_bytes([b[4], b[5]]);
        let bits = b[6];
        let features = b[7];
        if format != FORMAT_VERSION || features != FEATURE_VERSION {
            return Err(ModelError::Version { format, features });
        }
        let threshold = f32::from_le_bytes([b[8], b[9], b[10], b[11]]);
        let scale = f32::from_le_bytes([b[12], b[13], b[14], b[15]]);
        if !(4..=24).contains(&bits) || b.len() != HEADER_LEN + 2 * (1usize << bits) {
            return Err(ModelError::NotAModel);
        }
        let table: Vec<i16> = b[HEADER_LEN..]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        let weights = table.iter().map(|&q| f32::from(q) * scale).collect();
        Ok(Model {
            bits,
            threshold,
            weights,
            quantized: Quantized::new(table, threshold, scale),
        })
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut out = Vec::with_capacity(HEADER_LEN + 2 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.push(self.bits);
        out.push(FEATURE_VERSION);
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&((w / scale).round() as i16).to_le_bytes());
        }
        out
    }

    /// Whether a candidate with these features (from [`unfinished_features`]) is a sentence
    /// boundary: the float score above the threshold, decided from the integer weights when
    /// they settle it (see [`Quantized`]).
    #[inline]
    pub(crate) fn is_boundary(&self, unfinished: &[u64; N_FEATURES]) -> bool {
        if let Some(q) = &self.quantized {
            let shift = 64 - u32::from(Quantized::BITS);
            let sum: i32 = unfinished
                .iter()
                .map(|&h| i32::from(q.table[finished_top_bits(h, shift)]))
                .sum();
            if sum > q.yes_above {
                return true;
            }
            if sum < q.no_below {
                return false;
            }
        }
        self.score(&unfinished.map(finish)) > self.threshold
    }

    #[inline]
    pub(crate) fn score(&self, feats: &[u64]) -> f32 {
        let shift = 64 - self.bits as u32;
        feats
            .iter()
            .map(|&h| self.weights[(h >> shift) as usize])
            .sum()
    }

    #[inline]
    pub(crate) fn index(&self, h: u64) -> usize {
        (h >> (64 - self.bits as u32)) as usize
    }
}

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

const FINISH_K: u64 = 0xff51_afd7_ed55_8ccd;

/// Final avalanche so that the top bits, which index the table, depend on every input bit.
#[inline]
pub(crate) fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(FINISH_K);
    h ^= h >> 33;
    h
}

/// `finish(h) >> shift` for `shift` ≥ 31 (a table of at most 2^33 weights): the last step of
/// `finish` only changes the low 31 bits, which the shift drops.
#[inline]
fn finished_top_bits(h: u64, shift: u32) -> usize {
    ((h ^ (h >> 33)).wrapping_mul(FINISH_K) >> shift) as usize
}

/// What the features need to know about one token.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokInfo {
    /// Hash of the lowercased form.
    lower: u64,
    /// Hash of the exact form.
    form: u64,
    /// Hash of the word shape (`Xxx`, `dd`, `X.X.`).
    shape: u64,
    /// Length in chars, capped at 15.
    len: u8,
    /// The tokenizer's flags.
    flags: u8,
    /// The last byte (ASCII) or 0x80 for a non-ASCII final char.
    last: u8,
}

const NONE_TOKEN: TokInfo = TokInfo {
    lower: 0x9e37_79b9,
    form: 0x9e37_79b9,
    shape: 0x9e37_79b9,
    len: 0,
    flags: 0,
    last: 0,
};

/// The shape class of each ASCII byte (`X` for uppercase, `x` for lowercase, `d` for a digit,
/// the byte itself otherwise) and its lowercase.
static ASCII_SHAPE_LOWER: [[u8; 2]; 128] = {
    let mut t = [[0u8; 2]; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        let shape = if b.is_ascii_uppercase() {
            b'X'
        } else if b.is_ascii_lowercase() {
            b'x'
        } else if b.is_ascii_digit() {
            b'd'
        } else {
            b
        };
        t[c] = [shape, b.to_ascii_lowercase()];
        c += 1;
    }
    t
};

// Inlined so that the result is written into the window in place: a copy through the stack
// costs a store-forwarding stall.
#[inline(always)]
fn info(ctx: &Ctx<'_>, i: usize) -> TokInfo {
    if i >= ctx.len() {
        return NONE_TOKEN;
    }
    let b = ctx.bytes(i);
    let last = *b.last().unwrap_or(&0);
    let (lower, form, shape, len) = match ascii_hashes(b) {
        Some(h) => h,
        None => unicode_hashes(ctx.str(i)),
    };
    TokInfo {
        lower,
        form,
        shape,
        len,
        flags: ctx.flag(i),
        last: if last < 0x80 { last } else { 0x80 },
    }
}

/// The lower, form and shape hashes and the capped length of an ASCII token (`None` for any
/// other): the values [`unicode_hashes`] gives, in one cheap pass since every char is a byte.
#[inline]
fn ascii_hashes(b: &[u8]) -> Option<(u64, u64, u64, u8)> {
    let (mut lower, mut form, mut shape) = (0u64, 0u64, 0u64);
    let mut prev = 0u8;
    let mut reps = 0u32;
    for (j, &c) in b.iter().enumerate() {
        if c >= 0x80 {
            return None;
        }
        let [sh, lo] = ASCII_SHAPE_LOWER[usize::from(c)];
        lower = mix(lower, u64::from(lo));
        form = mix(form, u64::from(c));
        if sh == prev {
            reps += 1;
        } else {
            reps = 0;
        }
        // Only the first ten chars count for the shape.
        if reps < 2 && j < 10 {
            shape = mix(shape, u64::from(sh));
        }
        prev = sh;
    }
    Some((lower, form, shape, b.len().min(15) as u8))
}

/// The lower, form and shape hashes and the capped length (in chars) of any token.
#[inline(never)]
fn unicode_hashes(s: &str) -> (u64, u64, u64, u8) {
    let b = s.as_bytes();
    let mut lower = 0u64;
    let mut form = 0u64;
    let mut shape = 0u64;
    let mut prev = 0u8;
    let mut reps = 0;
    let mut len = 0u8;
    let mut j = 0;
    while j < b.len() {
        let c = b[j];
        let (sh, lo, l) = if c < 0x80 {
            let [sh, lo] = ASCII_SHAPE_LOWER[usize::from(c)];
            (sh, u64::from(lo), 1)
        } else {
            let (ch, l) = char_at(s, j);
            let (sh, lo) = if is_general_punctuation(ch) {
                // Not cased, not numeric and its own lowercase: no Unicode table lookups.
                ((u32::from(ch) & 0x7f) as u8 | 0x80, u32::from(ch))
            } else {
                let sh = if ch.is_uppercase() {
                    b'X'
                } else if ch.is_lowercase() {
                    b'x'
                } else if ch.is_numeric() {
                    b'd'
                } else {
                    // Curly quotes and dashes keep their identity in the shape.
                    (u32::from(ch) & 0x7f) as u8 | 0x80
                };
                (
                    sh,
                    ch.to_lowercase().next().map_or(u32::from(ch), u32::from),
                )
            };
            (sh, u64::from(lo), l)
        };
        lower = mix(lower, lo);
        form = mix(
            form,
            if c < 0x80 {
                u64::from(c)
            } else {
                lo ^ 0x1000_0000
            },
        );
        if sh == prev {
            reps += 1;
        } else {
            reps = 0;
        }
        if reps < 2 && len < 10 {
            shape = mix(shape, u64::from(sh));
        }
        prev = sh;
        len = len.saturating_add(1);
        j += l;
    }
    (lower, form, shape, len.min(15))
}

/// The token information around the last candidate, reused by the next one when it follows:
/// tokens `at - 1 ..= at + 2`, token `t` in slot `t % 4`, so that moving on copies nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    at: usize,
    infos: [TokInfo; 4],
}

impl Default for Window {
    fn default() -> Self {
        Window {
            at: usize::MAX,
            infos: [NONE_TOKEN; 4],
        }
    }
}

/// Number of features per candidate.
pub(crate) const N_FEATURES: usize = 23;

/// Writes the feature hashes of a candidate boundary after token `i` into `out`.
///
/// `first` is the index of the first token of the line (tokens before it count as absent);
/// `window` carries token information over from the previous call.
pub(crate) fn features(
    ctx: &Ctx<'_>,
    first: usize,
    i: usize,
    window: &mut Window,
    out: &mut [u64; N_FEATURES],
) {
    unfinished_features(ctx, first, i, window, out);
    for h in out {
        *h = finish(*h);
    }
}

/// [`features`] before the final `finish` of each hash, which [`Model::is_boundary`] does
/// in part.
#[inline]
pub(crate) fn unfinished_features(
    ctx: &Ctx<'_>,
    first: usize,
    i: usize,
    window: &mut Window,
    out: &mut [u64; N_FEATURES],
) {
    let w = &mut window.infos;
    let slot = |t: usize| t % 4;
    // Candidates come in order, often a token or two apart: keep what the last one computed.
    match i.wrapping_sub(window.at) {
        0 => {}
        d @ 1..=3 if window.at != usize::MAX => {
            for t in i + 3 - d..i + 3 {
                w[slot(t)] = info(ctx, t);
            }
        }
        _ => {
            for t in i..i + 3 {
                w[slot(t)] = info(ctx, t);
            }
            w[slot(i.wrapping_sub(1))] = if i > ctx.base {
                info(ctx, i - 1)
            } else {
                NONE_TOKEN
            };
        }
    }
    window.at = i;
    let (w0, n1, n2) = (&w[slot(i)], &w[slot(i + 1)], &w[slot(i + 2)]);
    let p1 = if i > first {
        &w[slot(i.wrapping_sub(1))]
    } else {
        &NONE_TOKEN
    };
    let gap1 = u64::from(n1.flags & GAP_MASK);
    let gap2 = u64::from(n2.flags & GAP_MASK);
    let cap1 = u64::from(n1.flags & (UPPER_START | LOWER_START | ALNUM));
    let abbr0 = u64::from(w0.flags & ABBR != 0);
    let f = |t: u64, a: u64, b: u64| mix(mix(t.wrapping_mul(K), a), b);
    *out = [
        f(1, 0, 0),
        f(2, w0.lower, 0),
        f(3, n1.lower, 0),
        f(4, w0.lower, 0),
        f(5, w0.shape, 0),
        f(6, n1.shape, 0),
        f(7, w0.shape, n1.shape),
        f(8, p1.lower, w0.lower),
        f(9, mix(p1.shape, w0.shape), n1.shape),
        f(10, n1.form, 0),
        f(11, n1.lower, n2.shape),
        f(12, n1.shape, n2.shape),
        f(13, gap1, n1.shape),
        f(14, gap1, w0.lower),
        f(15, abbr0, cap1),
        f(16, mix(u64::from(w0.len), u64::from(w0.last)), cap1),
        f(17, w0.lower, n1.shape),
        f(18, w0.shape, n1.lower),
        f(19, p1.lower, mix(w0.shape, n1.shape)),
        f(20, n2.lower, gap2),
        f(21, w0.form, cap1),
        f(22, mix(p1.shape, w0.lower), cap1),
        f(23, (i - first).min(3) as u64, mix(p1.shape, w0.shape)),
    ];
}
