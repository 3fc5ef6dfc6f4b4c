//! The sentence-boundary model: hashed features at a candidate boundary, a fixed-size weight
//! table, and its compact binary form.
//!
//! The file is `DYSB`, a little-endian `u16` format version, a `u8` table size in bits, a `u8`
//! feature-set version, an `f32` bias on the decision threshold, an `f32` scale, then
//! `2^bits` little-endian `i16` weights (weight = value × scale).

use std::fmt;

use crate::segment::Ctx;
use crate::tokenize::{char_at, ABBR, ALNUM, GAP_MASK, LOWER_START, UPPER_START};

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
        let weights = b[HEADER_LEN..]
            .chunks_exact(2)
            .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale)
            .collect();
        Ok(Model {
            bits,
            threshold,
            weights,
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

/// Final avalanche so that the top bits, which index the table, depend on every input bit.
#[inline]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
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

fn info(ctx: &Ctx<'_>, i: usize) -> TokInfo {
    if i >= ctx.len() {
        return NONE_TOKEN;
    }
    let s = ctx.str(i);
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
            let sh = if c.is_ascii_uppercase() {
                b'X'
            } else if c.is_ascii_lowercase() {
                b'x'
            } else if c.is_ascii_digit() {
                b'd'
            } else {
                c
            };
            (sh, u64::from(c.to_ascii_lowercase()), 1)
        } else {
            let (ch, l) = char_at(s, j);
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
            let lo = ch.to_lowercase().next().map_or(u32::from(ch), u32::from);
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
    let last = *b.last().unwrap_or(&0);
    TokInfo {
        lower,
        form,
        shape,
        len: len.min(15),
        flags: ctx.flag(i),
        last: if last < 0x80 { last } else { 0x80 },
    }
}

/// The token information around the last candidate, reused by the next one when it follows.
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
    let w = &mut window.infos;
    if window.at != usize::MAX && window.at + 1 == i {
        *w = [w[1], w[2], w[3], info(ctx, i + 2)];
    } else if window.at != i {
        *w = [NONE_TOKEN, info(ctx, i), info(ctx, i + 1), info(ctx, i + 2)];
        if i > 0 {
            w[0] = info(ctx, i - 1);
        }
    }
    window.at = i;
    let [p1, w0, n1, n2] = *w;
    let p1 = if i > first { p1 } else { NONE_TOKEN };
    let gap1 = u64::from(n1.flags & GAP_MASK);
    let gap2 = u64::from(n2.flags & GAP_MASK);
    let cap1 = u64::from(n1.flags & (UPPER_START | LOWER_START | ALNUM));
    let abbr0 = u64::from(w0.flags & ABBR != 0);
    let f = |t: u64, a: u64, b: u64| finish(mix(mix(t.wrapping_mul(K), a), b));
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
