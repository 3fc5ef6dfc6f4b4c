//! Word lists the tokenizer and the boundary model consult: abbreviations that keep their
//! period, prefixes that keep their hyphen, and contractions written without an apostrophe.
//!
//! The lists follow the tokenization of the UD English EWT and GUM treebanks, which the boundary
//! model is trained on, so that a token here means the same thing as a token there.

/// Abbreviations (lowercase, without the final period) that keep their period in any case:
/// `etc.`, `vs.`.
const ABBREV_ANY_CASE: &[&str] = &[
    "al", "approx", "assn", "attn", "ca", "cf", "dept", "div", "ed", "eds", "esp", "est", "et",
    "etc", "ext", "fig", "figs", "govt", "hrs", "incl", "intl", "lb", "lbs", "mfg", "mins", "mr",
    "mrs", "ms", "natl", "oz", "pp", "pg", "pt", "pts", "sq", "tel", "viz", "vol", "vols", "vs",
    "yr", "yrs",
];

/// Abbreviations (lowercase, without the final period) that keep their period only when
/// capitalized, because the lowercase word is common at the end of a sentence (`Miss.`, `Sun.`).
const ABBREV_CAPITALIZED: &[&str] = &[
    "adm", "ala", "amb", "apr", "ariz", "ark", "atty", "aug", "ave", "blvd", "brig", "bros",
    "calif", "capt", "cmdr", "co", "col", "colo", "conn", "corp", "cpl", "dec", "del", "det", "dr",
    "feb", "fla", "fri", "ft", "ga", "gen", "gov", "hon", "hwy", "ill", "inc", "ind", "insp",
    "jan", "jr", "jul", "jun", "kan", "kans", "ky", "la", "lt", "ltd", "maj", "mar", "mass", "md",
    "messrs", "mich", "minn", "miss", "mlle", "mme", "mo", "mon", "mont", "mt", "neb", "nev",
    "nov", "oct", "okla", "ore", "pa", "pres", "prof", "pvt", "rd", "rep", "reps", "rev", "sat",
    "sec", "sen", "sens", "sep", "sept", "sgt", "sr", "st", "ste", "sun", "supt", "tenn", "tex",
    "thu", "thur", "thurs", "tue", "tues", "univ", "va", "vt", "wash", "wed", "wis", "wyo",
];

/// Abbreviations that keep their period only before a number (`No. 1`, `Art. 5`).
const ABBREV_BEFORE_NUMBER: &[&str] = &["art", "no", "nos", "op", "p", "para", "sec"];

/// Packs a word of at most 8 bytes into a `u64` (zero-padded), lowercasing ASCII when `lower`,
/// so that a list lookup is a scan over integers.
#[inline]
pub(crate) fn pack(w: &[u8], lower: bool) -> Option<u64> {
    if w.is_empty() || w.len() > 8 {
        return None;
    }
    let mut x = 0u64;
    for (k, &c) in w.iter().enumerate() {
        let c = if lower { c.to_ascii_lowercase() } else { c };
        x |= u64::from(c) << (8 * k);
    }
    Some(x)
}

const fn pack_const(s: &str) -> u64 {
    let b = s.as_bytes();
    assert!(!b.is_empty() && b.len() <= 8);
    let mut x = 0u64;
    let mut k = 0;
    while k < b.len() {
        x |= (b[k] as u64) << (8 * k);
        k += 1;
    }
    x
}

/// Packs a list of words at compile time, sorted so that lookups can search it.
pub(crate) const fn pack_list<const N: usize>(list: &[&str]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        out[i] = pack_const(list[i]);
        // Insertion sort: the lists are short and this runs at compile time.
        let mut k = i;
        while k > 0 && out[k - 1] > out[k] {
            let t = out[k - 1];
            out[k - 1] = out[k];
            out[k] = t;
            k -= 1;
        }
        i += 1;
    }
    out
}

macro_rules! packed {
    ($name:ident, $list:ident) => {
        static $name: [u64; $list.len()] = pack_list($list);
    };
}
pub(crate) use packed;

packed!(ANY_CASE, ABBREV_ANY_CASE);
packed!(CAPITALIZED, ABBREV_CAPITALIZED);
packed!(BEFORE_NUMBER, ABBREV_BEFORE_NUMBER);
packed!(PREFIXES, HYPHEN_PREFIXES);
packed!(CONTINUATION, CONTINUATION_WORDS);
packed!(CAPTION, CAPTION_WORDS);

/// Whether the sorted packed `list` holds `word`, compared in lowercase.
#[inline]
fn contains_lower(list: &[u64], word: &[u8]) -> bool {
    pack(word, true).is_some_and(|x| list.binary_search(&x).is_ok())
}

/// True when `word` (without its final period) is an abbreviation that keeps the period;
/// `before_number` says whether the next token starts with a digit.
pub(crate) fn is_abbreviation(word: &[u8], before_number: bool) -> bool {
    let Some(&first) = word.first() else {
        return false;
    };
    if !word.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    contains_lower(&ANY_CASE, word)
        || (first.is_ascii_uppercase() && contains_lower(&CAPITALIZED, word))
        || (before_number && contains_lower(&BEFORE_NUMBER, word))
}

/// Word prefixes (lowercase) that keep their hyphen, as EWT and GUM do: `non-profit`,
/// `e-mail`, `pro-Beijing`.
const HYPHEN_PREFIXES: &[&str] = &[
    "anti", "arch", "co", "counter", "cross", "e", "ex", "inter", "intra", "micro", "mid", "mini",
    "multi", "neo", "non", "over", "post", "pre", "pro", "psycho", "re", "semi", "socio", "sub",
    "super",
];

/// True when a hyphen right after `word` stays inside the token.
pub(crate) fn keeps_hyphen(word: &[u8]) -> bool {
    contains_lower(&PREFIXES, word)
}

/// Contractions written without an apostrophe, split as EWT does (`dont` → `do|nt`): the word
/// (lowercase), and in [`BARE_SPLITS`] the byte length of its first part.
const BARE_WORDS: &[&str] = &[
    "aint", "arent", "cannot", "cant", "couldnt", "didnt", "doesnt", "dont", "gimme", "gonna",
    "gotta", "hadnt", "hasnt", "havent", "im", "isnt", "itll", "ive", "outta", "shouldnt", "thats",
    "theres", "theyre", "theyve", "wanna", "wasnt", "werent", "whats", "wont", "wouldnt", "youll",
    "youre", "youve",
];
const BARE_SPLITS: &[u8] = &[
    2, 3, 3, 2, 5, 3, 4, 2, 3, 3, 3, 3, 3, 4, 1, 2, 2, 1, 3, 6, 4, 5, 4, 4, 3, 3, 4, 4, 2, 5, 3, 3,
    3,
];

/// The bare contractions packed (as [`pack`] does), each with the length of its first part,
/// sorted by word.
static BARE: [(u64, u8); BARE_WORDS.len()] = {
    let mut out = [(0u64, 0u8); BARE_WORDS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = (pack_const(BARE_WORDS[i]), BARE_SPLITS[i]);
        let mut k = i;
        while k > 0 && out[k - 1].0 > out[k].0 {
            let t = out[k - 1];
            out[k - 1] = out[k];
            out[k] = t;
            k -= 1;
        }
        i += 1;
    }
    out
};

/// For each word length, the first letters (bit `c - b'a'`) and the last letters of the bare
/// contractions of that length: most words fail this test and need no lookup.
static BARE_ENDS: [(u32, u32); 9] = {
    let mut t = [(0u32, 0u32); 9];
    let mut k = 0;
    while k < BARE_WORDS.len() {
        let w = BARE_WORDS[k].as_bytes();
        t[w.len()].0 |= 1 << (w[0] - b'a');
        t[w.len()].1 |= 1 << (w[w.len() - 1] - b'a');
        k += 1;
    }
    t
};

/// The bit of each ASCII letter (either case) in a set of letters; 0 for any other byte.
static LETTER_BIT: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut k = 0;
    while k < 26 {
        t[b'a' as usize + k] = 1 << k;
        t[b'A' as usize + k] = 1 << k;
        k += 1;
    }
    t
};

/// For a contraction written without an apostrophe, the byte length of its first part.
#[inline]
pub(crate) fn bare_contraction(word: &[u8]) -> Option<usize> {
    let (&(firsts, lasts), &first, &last) =
        (BARE_ENDS.get(word.len())?, word.first()?, word.last()?);
    // One branch, rarely taken, for both letters: most words are ruled out here.
    let first_ok = LETTER_BIT[usize::from(first)] & firsts != 0;
    let last_ok = LETTER_BIT[usize::from(last)] & lasts != 0;
    if !(first_ok & last_ok) {
        return None;
    }
    bare_lookup(word)
}

/// The list lookup of [`bare_contraction`], out of line so that the common early return stays
/// small enough to inline.
#[inline(never)]
fn bare_lookup(word: &[u8]) -> Option<usize> {
    if word.len() < 2 || word.len() < 4 && word[1..].iter().any(u8::is_ascii_uppercase) {
        // `IM` and `IVE` are more often acronyms than shouting; `CANT` is shouting.
        return None;
    }
    let x = pack(word, true)?;
    BARE.binary_search_by_key(&x, |&(w, _)| w)
        .ok()
        .map(|k| usize::from(BARE[k].1))
}

/// Function words that do not end a headline: a line ending in one of them continues on the
/// next line.
const CONTINUATION_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with",
];

/// True when a line ending in `word` goes on at the next line.
pub(crate) fn is_continuation_word(word: &[u8]) -> bool {
    contains_lower(&CONTINUATION, word)
}

/// Words that open a photo caption or credit in parentheses: `(Photo: Reuters)`.
const CAPTION_WORDS: &[&str] = &[
    "credit", "file", "image", "images", "photo", "photos", "picture", "pictures", "video",
];

/// True when `word` opens a caption or credit line.
pub(crate) fn is_caption_word(word: &[u8]) -> bool {
    contains_lower(&CAPTION, word)
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// True for a month name or its abbreviation, with or without the period: `Jan.`, `Sept`, `May`.
pub(crate) fn is_month(word: &[u8]) -> bool {
    let w = word.strip_suffix(b".").unwrap_or(word);
    if w.len() < 3 || !w[0].is_ascii_uppercase() {
        return false;
    }
    MONTHS.iter().any(|m| {
        let m = m.as_bytes();
        w.len() <= m.len() && w.iter().zip(m).all(|(a, b)| a.to_ascii_lowercase() == *b)
            || (w.len() == 4 && m.starts_with(b"sep") && w.eq_ignore_ascii_case(b"sept"))
    })
}

/// Units written straight after a number, split off as EWT does (`35mm` → `35|mm`, `5pm`).
const UNITS: &[&str] = &[
    "am", "b", "billion", "bln", "bn", "cm", "ft", "gb", "gw", "hr", "hrs", "hz", "k", "kb", "kg",
    "km", "kph", "kw", "kwh", "lb", "lbs", "m", "mb", "mg", "mph", "million", "min", "mins", "ml",
    "mln", "mm", "mw", "mwh", "oz", "p", "percent", "pm", "sec", "tb", "trillion", "yr", "yrs",
];

packed!(UNITS_PACKED, UNITS);

/// True for a unit that splits off the number before it.
pub(crate) fn is_unit(word: &[u8]) -> bool {
    (word.len() > 1 || word[0].is_ascii_lowercase() || matches!(word, b"K" | b"M" | b"B"))
        && (contains_lower(&UNITS_PACKED, word)
            || [&b"a.m."[..], b"p.m."]
                .iter()
                .any(|u| word.eq_ignore_ascii_case(u)))
}
