//! Themes in GDELT's GKG sense: a keyword tagger over an article's lemmas, mapped onto GDELT's
//! theme names (`dicts/themes.tsv`, the project's own list, embedded).

use std::collections::HashMap;
use std::sync::OnceLock;

use dyad_core::Doc;

/// The theme list, parsed once: (theme, phrases as word lists).
fn themes() -> &'static [(String, Vec<Vec<String>>)] {
    static T: OnceLock<Vec<(String, Vec<Vec<String>>)>> = OnceLock::new();
    T.get_or_init(|| parse(include_str!("../../../dicts/themes.tsv")))
}

/// Phrases by their first word: (theme index, phrase).
type Index = HashMap<&'static str, Vec<(usize, &'static [String])>>;

/// The phrase index, built once.
fn by_first() -> &'static Index {
    static I: OnceLock<Index> = OnceLock::new();
    I.get_or_init(|| {
        let mut m = Index::new();
        for (i, (_, phrases)) in themes().iter().enumerate() {
            for p in phrases {
                m.entry(p[0].as_str()).or_default().push((i, p.as_slice()));
            }
        }
        m
    })
}

/// Parses the theme list format (`THEME<TAB>phrase | phrase`).
pub fn parse(text: &str) -> Vec<(String, Vec<Vec<String>>)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (theme, phrases) = l.split_once('\t')?;
            let phrases = phrases
                .split('|')
                .map(|p| {
                    p.split_whitespace()
                        .map(str::to_lowercase)
                        .collect::<Vec<_>>()
                })
                .filter(|p| !p.is_empty())
                .collect();
            Some((theme.trim().to_string(), phrases))
        })
        .collect()
}

/// The theme names of the built-in list.
pub fn names() -> Vec<&'static str> {
    themes().iter().map(|(t, _)| t.as_str()).collect()
}

/// Every theme mention of an annotated article: (theme, byte offset), in text order.
pub fn themes_of(doc: &Doc) -> Vec<(&'static str, usize)> {
    let text = doc.text();
    let n = doc.tokens.len();
    let lower: Vec<String> = (0..n)
        .map(|t| {
            text.get(doc.tokens.span(t).range())
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    let lemma = |t: usize| doc.tags.lemma.get(t).map_or("", |l| &**l);
    let index = by_first();
    let mut out: Vec<(&'static str, usize)> = Vec::new();
    for t in 0..n {
        let lemma_lower = lemma(t).to_lowercase();
        let mut hits: Vec<usize> = Vec::new();
        for key in [lower[t].as_str(), lemma_lower.as_str()] {
            for &(i, p) in index.get(key).into_iter().flatten() {
                let whole = t + p.len() <= n
                    && p.iter()
                        .enumerate()
                        .skip(1)
                        .all(|(k, w)| lower[t + k] == *w || lemma(t + k).eq_ignore_ascii_case(w));
                if whole && !hits.contains(&i) {
                    hits.push(i);
                }
            }
        }
        hits.sort_unstable();
        let at = doc.tokens.span(t).start as usize;
        out.extend(hits.into_iter().map(|i| (themes()[i].0.as_str(), at)));
    }
    out
}
