//! Feature extraction: every word of a sentence becomes a list of 64-bit feature hashes.
//!
//! Word-level values (lowercase form, shape, affixes) are hashed once per word; a feature is the
//! hash of a template number and those values, so no string is built per feature.

use super::gazetteer::{Gaz, Gazetteer, KINDS};
use super::Lexicon;
use crate::clusters::{self, MAX_LEVELS};

/// Which of a word's features [`Scratch::features_part`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Every feature.
    All,
    /// Those that depend on the word's form alone.
    Word,
    /// The others (neighbours, position, gazetteer hits, runs of capitals, tags).
    Context,
}

/// Per-sentence scratch space, reused across words.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    lower: Vec<String>,
    low_h: Vec<u64>,
    shape_h: Vec<u64>,
    form_h: Vec<u64>,
    caps: Vec<u8>,
    /// Gazetteer position + 1 per kind (0: no hit).
    gaz: Vec<[u8; KINDS]>,
    /// Lexicon class per word (0: unknown).
    lex: Vec<u8>,
    /// Hash of each word's POS tag; empty when the sentence is untagged.
    pos_h: Vec<u64>,
    /// Start and end (exclusive) of the run of capitalized words (joined by `of`/`&`) holding
    /// each word; `(i, i)` for a word outside every run.
    run: Vec<(usize, usize)>,
    /// Word cluster per level ([`clusters::NONE`]: unknown).
    cl: Vec<[u16; MAX_LEVELS]>,
}

/// The lexicon key of a word: lowercase, digits as `0`.
pub(crate) fn norm(w: &str, l: &mut String) {
    l.clear();
    for c in w.chars() {
        if c.is_ascii_digit() {
            l.push('0');
        } else {
            l.extend(c.to_lowercase());
        }
    }
}

const BOS: u64 = 0x5bd1_e995_1234_5678;
const EOS: u64 = 0x1b87_3593_cc9e_2d51;

pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Mixes two values into one well-spread hash (splitmix64 finalizer).
#[inline]
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Capitalization class: 0 lowercase/other, 1 initial capital, 2 all capitals, 3 mixed with
/// a digit, 4 no letters.
fn caps_class(w: &str) -> u8 {
    let mut upper = 0;
    let mut lower = 0;
    let mut digit = false;
    for c in w.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        } else if c.is_ascii_digit() {
            digit = true;
        }
    }
    let first_upper = w.chars().next().is_some_and(char::is_uppercase);
    if upper + lower == 0 {
        4
    } else if digit {
        3
    } else if upper > 0 && lower == 0 {
        2
    } else if first_upper {
        1
    } else {
        0
    }
}

/// The collapsed shape: `Xx`, `X.X.`, `dd` → `d`, `x-x`; capped at 8 characters.
fn shape(w: &str, out: &mut String) {
    out.clear();
    let mut last = '\0';
    let mut n = 0;
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if k != last {
            out.push(k);
            last = k;
            n += 1;
            if n == 8 {
                break;
            }
        }
    }
}

impl Scratch {
    /// Fills the per-word values for `words`.
    pub(crate) fn prepare(&mut self, gaz: &Gazetteer, lexicon: &Lexicon, words: &[&str]) {
        let lex = &lexicon.classes;
        self.cl.clear();
        self.cl
            .extend(words.iter().map(|w| lexicon.clusters.get(w)));
        let n = words.len();
        self.lower.resize_with(n, String::new);
        self.low_h.clear();
        self.shape_h.clear();
        self.form_h.clear();
        self.caps.clear();
        self.lex.clear();
        self.pos_h.clear();
        self.gaz.clear();
        self.gaz.resize(n, [0; KINDS]);
        let mut sh = String::new();
        for (i, w) in words.iter().enumerate() {
            let l = &mut self.lower[i];
            norm(w, l);
            self.lex.push(lex.get(l.as_str()).copied().unwrap_or(0));
            self.low_h.push(fnv(l.as_bytes()));
            shape(w, &mut sh);
            self.shape_h.push(fnv(sh.as_bytes()));
            self.form_h.push(fnv(w.as_bytes()));
            self.caps.push(caps_class(w));
        }
        self.runs(words);
        let gz = &mut self.gaz;
        gaz.matches(&self.lower[..n], |i, hit| {
            let slot = &mut gz[i][hit.kind as usize];
            if *slot == 0 {
                *slot = hit.pos + 1;
            }
        });
    }

    /// Finds the runs of capitalized words: a name such as "Bank of America" or "Ben & Jerry"
    /// is seen as one unit, so its last word (often the head: "Corp", "Grill") and the words
    /// around it can inform every word inside.
    fn runs(&mut self, words: &[&str]) {
        let n = words.len();
        self.run.clear();
        let cap = |c: u8| matches!(c, 1..=3);
        let mut i = 0;
        while i < n {
            if !cap(self.caps[i]) {
                self.run.push((i, i));
                i += 1;
                continue;
            }
            let mut j = i + 1;
            loop {
                if j < n && cap(self.caps[j]) {
                    j += 1;
                } else if j + 1 < n
                    && matches!(words[j], "of" | "&" | "and" | "for" | "de")
                    && cap(self.caps[j + 1])
                {
                    j += 2;
                } else {
                    break;
                }
            }
            for _ in i..j {
                self.run.push((i, j));
            }
            i = j;
        }
    }

    /// Sets the words' POS tags (`None`: untagged, no POS features).
    pub(crate) fn set_upos(&mut self, upos: Option<&[&str]>) {
        self.pos_h.clear();
        if let Some(u) = upos {
            self.pos_h.extend(u.iter().map(|t| fnv(t.as_bytes())));
        }
    }

    /// The gazetteer positions (+1, 0 for none) of word `i`.
    pub(crate) fn gaz(&self, i: usize) -> [u8; KINDS] {
        self.gaz[i]
    }

    /// The hash of word `i`'s form, which decides its [`Part::Word`] features.
    pub(crate) fn form_hash(&self, i: usize) -> u64 {
        self.form_h[i]
    }

    /// True when word `i` starts with a capital letter.
    pub(crate) fn capitalized(&self, i: usize) -> bool {
        matches!(self.caps[i], 1 | 2)
    }

    /// Appends the feature hashes of word `i` to `out`.
    pub(crate) fn features(&self, i: usize, out: &mut Vec<u64>) {
        self.features_part(i, out, Part::All);
    }

    /// Appends the feature hashes of word `i` that belong to `part`: those that depend on the
    /// word alone (its form decides them, so their weights can be cached per form), the others,
    /// or all of them (in the same order as [`Scratch::features`]).
    pub(crate) fn features_part(&self, i: usize, out: &mut Vec<u64>, part: Part) {
        let (word, context) = (part != Part::Context, part != Part::Word);
        let n = self.low_h.len();
        let low = |j: isize| -> u64 {
            if j < 0 {
                BOS
            } else if j as usize >= n {
                EOS
            } else {
                self.low_h[j as usize]
            }
        };
        let shp = |j: isize| -> u64 {
            if j < 0 {
                BOS
            } else if j as usize >= n {
                EOS
            } else {
                self.shape_h[j as usize]
            }
        };
        let gz = |j: isize| -> u64 {
            if j < 0 || j as usize >= n {
                0
            } else {
                let g = self.gaz[j as usize];
                g.iter()
                    .enumerate()
                    .fold(0u64, |acc, (k, &p)| acc | (u64::from(p != 0) << k))
            }
        };
        let ii = i as isize;
        let mut push = |own: bool, tpl: u64, v: u64| {
            if (own && word) || (!own && context) {
                out.push(mix(tpl, v) | 1);
            }
        };
        let caps = u64::from(self.caps[i]);
        let first = u64::from(i == 0);
        push(true, 0, 0);
        push(true, 1, self.low_h[i]);
        push(true, 2, self.shape_h[i]);
        push(true, 3, self.form_h[i]);
        if word {
            let l = &self.lower[i];
            // Byte offsets of the 2nd, 3rd and 4th characters (or the end) give the prefixes.
            for (k, end) in l
                .char_indices()
                .map(|(at, _)| at)
                .skip(1)
                .chain(std::iter::once(l.len()))
                .take(3)
                .enumerate()
            {
                push(true, 11 + k as u64, fnv(&l.as_bytes()[..end]));
            }
            // The last one to four characters give the suffixes.
            for (k, (start, _)) in l.char_indices().rev().take(4).enumerate() {
                push(true, 21 + k as u64, fnv(&l.as_bytes()[start..]));
            }
        }
        push(false, 30, low(ii - 1));
        push(false, 31, low(ii + 1));
        push(false, 32, low(ii - 2));
        push(false, 33, low(ii + 2));
        push(false, 34, shp(ii - 1));
        push(false, 35, shp(ii + 1));
        push(false, 36, mix(low(ii - 1), low(ii)));
        push(false, 37, mix(low(ii), low(ii + 1)));
        push(false, 38, mix(mix(shp(ii - 1), shp(ii)), shp(ii + 1)));
        push(false, 39, mix(first, self.shape_h[i]));
        push(false, 40, mix(first, caps));
        push(false, 41, mix(low(ii - 1), shp(ii)));
        push(false, 42, mix(shp(ii), low(ii + 1)));
        if word {
            push(
                true,
                43,
                mix(caps, (self.lower[i].chars().count() as u64).min(12)),
            );
        }
        for (k, &p) in self.gaz[i].iter().enumerate() {
            if p != 0 {
                push(false, 50, mix(k as u64, u64::from(p)));
                push(false, 51, mix(mix(k as u64, u64::from(p)), caps));
                push(false, 52, mix(mix(k as u64, u64::from(p)), first));
            }
        }
        let lx = |j: isize| -> u64 {
            if j < 0 || j as usize >= n {
                99
            } else {
                u64::from(self.lex[j as usize])
            }
        };
        push(true, 60, lx(ii));
        push(true, 61, mix(lx(ii), caps));
        push(false, 62, mix(mix(lx(ii), caps), first));
        push(false, 63, lx(ii - 1));
        push(false, 64, lx(ii + 1));
        push(false, 65, mix(lx(ii - 1), lx(ii)));
        push(false, 66, mix(lx(ii), lx(ii + 1)));
        push(
            false,
            67,
            mix(
                mix(lx(ii), caps),
                u64::from(self.caps.get(i + 1).copied().unwrap_or(9)),
            ),
        );
        let cl = |j: isize, l: usize| -> u64 {
            if j < 0 || j as usize >= n {
                u64::from(clusters::NONE) + 1
            } else {
                u64::from(self.cl[j as usize][l])
            }
        };
        push(true, 90, cl(ii, 0));
        push(true, 91, cl(ii, 1));
        push(true, 92, cl(ii, 2));
        push(false, 93, cl(ii - 1, 1));
        push(false, 94, cl(ii + 1, 1));
        push(true, 95, mix(cl(ii, 2), caps));
        push(false, 96, mix(cl(ii - 1, 1), cl(ii, 1)));
        push(false, 53, gz(ii - 1));
        push(false, 54, gz(ii + 1));
        push(false, 55, mix(gz(ii - 1), caps));
        push(false, 56, mix(gz(ii - 2), gz(ii - 1)));
        push(false, 57, gz(ii + 2));
        push(false, 58, mix(gz(ii + 1), gz(ii + 2)));
        push(false, 59, mix(gz(ii), caps));
        let (rs, re) = self.run[i];
        if re > rs {
            let len = (re - rs) as u64;
            let at = if len == 1 {
                3
            } else if i == rs {
                0
            } else if i + 1 == re {
                2
            } else {
                1
            };
            let last = self.gaz[re - 1];
            let head_org = u64::from(last[Gaz::OrgWord as usize] != 0);
            let head_place = u64::from(last[Gaz::PlaceWord as usize] != 0);
            let first_name = u64::from(self.gaz[rs][Gaz::First as usize] != 0);
            let rfirst = u64::from(rs == 0);
            push(false, 80, mix(mix(len.min(5), at), rfirst));
            push(
                false,
                81,
                mix(mix(head_org, head_place), mix(first_name, at)),
            );
            push(false, 82, mix(self.low_h[re - 1], at));
            push(false, 83, mix(low(rs as isize - 1), at));
            push(false, 84, mix(low(re as isize), at));
            push(
                false,
                85,
                mix(mix(low(rs as isize - 1), low(re as isize)), len.min(3)),
            );
            push(
                false,
                86,
                mix(lx(re as isize - 1), mix(lx(rs as isize), at)),
            );
        }
        if !self.pos_h.is_empty() {
            let pos = |j: isize| -> u64 {
                if j < 0 {
                    BOS
                } else if j as usize >= n {
                    EOS
                } else {
                    self.pos_h[j as usize]
                }
            };
            push(false, 70, pos(ii));
            push(false, 71, mix(pos(ii - 1), pos(ii)));
            push(false, 72, mix(pos(ii), pos(ii + 1)));
            push(false, 73, mix(pos(ii), caps));
            push(false, 74, mix(mix(pos(ii - 1), pos(ii)), pos(ii + 1)));
            push(false, 75, mix(pos(ii), lx(ii)));
            push(false, 76, mix(pos(ii), first));
        }
    }
}
