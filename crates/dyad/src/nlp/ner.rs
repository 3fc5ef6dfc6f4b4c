//! Training and evaluation of the named-entity recognizer ([`dyad_nlp::ner`]) from the open
//! corpora under `shared/corpora`.
//!
//! Sources and how each is turned into PER/ORG/LOC spans:
//! - GUM train (`Entity=` brackets in MISC), commercially usable genres only
//!   ([`crate::eval::commercially_usable`]): person/organization/place mentions reduced to their
//!   proper-name core (the run of PROPN words, with `of`/`the`/`and`… inside, that holds the
//!   mention's head), so "the US president Barack Obama" gives PER "Barack Obama" and LOC "US".
//! - re3d (JSON lines, character offsets), every source but `BBC Online` (CC BY-NC): text
//!   segmented by [`dyad_text::Segmenter`], offsets aligned to tokens; nominal mentions
//!   ("rebels") become `O`, and a sentence whose mention mixes a name with a common-noun head
//!   ("U.S. service members") is left out, since its names cannot be recovered cleanly.
//! - WNUT-17 train (person → PER, corporation/group → ORG, location → LOC).
//! - UNER English-EWT dev (IOB2). For tuning it is split by document into two halves
//!   ([`DevPart`]): train with one half, score on the other ([`tune`]); the final model trains on
//!   all of it. Test sets are scored once, at the end.
//!
//! Training sentences are POS-tagged with the embedded tagger ([`crate::models::TAGGER_BYTES`]),
//! as the pipeline tags before NER; the word-class lexicon also counts capitalization in the
//! openly licensed news texts under `shared/news`.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use dyad_core::{Sentences, Tokens};
use dyad_nlp::ner::{self, Entity, EntityLabel, Ner, TrainConfig, TrainSentence};
use dyad_nlp::tagger::Tagger;

/// Exact-span counts per learned label (PER, ORG, LOC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NerScore {
    /// `[gold, predicted, correct]` per label, in [`EntityLabel::LEARNED`] order.
    pub counts: [[usize; 3]; 3],
}

fn prf(c: [usize; 3]) -> (f64, f64, f64) {
    let p = if c[1] == 0 {
        0.0
    } else {
        c[2] as f64 / c[1] as f64
    };
    let r = if c[0] == 0 {
        0.0
    } else {
        c[2] as f64 / c[0] as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (100.0 * p, 100.0 * r, 100.0 * f)
}

impl NerScore {
    /// Micro-averaged counts `[gold, predicted, correct]`.
    pub fn micro(&self) -> [usize; 3] {
        let mut m = [0; 3];
        for c in &self.counts {
            for k in 0..3 {
                m[k] += c[k];
            }
        }
        m
    }

    /// Micro-averaged F1 in percent.
    pub fn f1(&self) -> f64 {
        prf(self.micro()).2
    }

    /// Adds one sentence's gold and predicted spans (`NAT` ignored).
    pub fn add(&mut self, gold: &[Entity], predicted: &[Entity]) {
        for (l, label) in EntityLabel::LEARNED.iter().enumerate() {
            let g: Vec<&Entity> = gold.iter().filter(|e| e.label == *label).collect();
            let p: Vec<&Entity> = predicted.iter().filter(|e| e.label == *label).collect();
            self.counts[l][0] += g.len();
            self.counts[l][1] += p.len();
            self.counts[l][2] += p.iter().filter(|e| g.contains(e)).count();
        }
    }
}

impl fmt::Display for NerScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (l, label) in EntityLabel::LEARNED.iter().enumerate() {
            let c = self.counts[l];
            let (p, r, f1) = prf(c);
            writeln!(
                f,
                "ner {label}: P={p:.2} R={r:.2} F1={f1:.2} (gold {}, predicted {})",
                c[0], c[1]
            )?;
        }
        let m = self.micro();
        let (p, r, f1) = prf(m);
        write!(
            f,
            "ner: P={p:.2} R={r:.2} F1={f1:.2} (gold {}, predicted {})",
            m[0], m[1]
        )
    }
}

/// Scores `ner` on gold sentences, passing their `upos` tags when they have them.
pub fn score(ner: &Ner, gold: &[TrainSentence]) -> NerScore {
    let mut s = NerScore::default();
    let mut out = Vec::new();
    for g in gold {
        let words: Vec<&str> = g.words.iter().map(String::as_str).collect();
        let upos: Vec<&str> = g.upos.iter().map(String::as_str).collect();
        ner.entities_tagged(&words, Some(upos.as_slice()), &mut out);
        s.add(&g.entities, &out);
    }
    s
}

/// The embedded POS tagger (`models/tagger/tagger.bin`), as the pipeline runs it before NER.
fn embedded_tagger() -> anyhow::Result<Tagger> {
    Tagger::from_bytes(crate::models::TAGGER_BYTES).context("embedded tagger model does not load")
}

/// Fills `upos` of every sentence with `tagger`'s predictions.
pub fn tag_all(tagger: &Tagger, sentences: &mut [TrainSentence]) {
    let (mut upos, mut xpos) = (Vec::new(), Vec::new());
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        tagger.tag(&words, &mut upos, &mut xpos);
        s.upos = upos.iter().map(|u| u.as_str().to_string()).collect();
    }
}

/// Tags gold sentences with the embedded tagger, as the pipeline does, when that model loads
/// (an untagged sentence still gets every non-POS feature).
fn tagged(mut gold: Vec<TrainSentence>) -> Vec<TrainSentence> {
    if let Ok(tagger) = embedded_tagger() {
        tag_all(&tagger, &mut gold);
    }
    gold
}

/// Scores `ner` on an IOB2 file (`word<TAB>tag` per line, or UNER's `id word tag …` columns),
/// decoding document by document (`# newdoc` lines) as the pipeline does.
pub fn eval(ner: &Ner, conll: &Path) -> anyhow::Result<NerScore> {
    Ok(score_docs(ner, &read_iob2_docs(conll)?))
}

/// Scores `ner` on the GUM documents of a CoNLL-U file whose id starts with `doc_prefix`.
pub fn eval_gum(ner: &Ner, conllu: &Path, doc_prefix: &str) -> anyhow::Result<NerScore> {
    Ok(score(
        ner,
        &tagged(read_gum(conllu, |id| id.starts_with(doc_prefix))?),
    ))
}

/// Maps a corpus's entity type to a learned label; other types are `O`.
fn map_label(t: &str) -> Option<EntityLabel> {
    match t.to_ascii_lowercase().as_str() {
        "per" | "person" => Some(EntityLabel::Per),
        "org" | "organization" | "organisation" | "corporation" | "group" => Some(EntityLabel::Org),
        "loc" | "location" | "place" | "gpe" => Some(EntityLabel::Loc),
        _ => None,
    }
}

/// Reads an IOB2 file: sentences separated by blank lines, `#` comment lines without a tab
/// skipped; a line is `word<TAB>tag`, or `id<TAB>word<TAB>tag…` when its first column is a
/// number and it has three columns or more.
pub fn read_iob2(path: &Path) -> anyhow::Result<Vec<TrainSentence>> {
    Ok(read_iob2_docs(path)?.into_iter().flatten().collect())
}

/// [`read_iob2`], grouped into documents at `# newdoc` comment lines (a file without them is
/// one document).
pub fn read_iob2_docs(path: &Path) -> anyhow::Result<Vec<Vec<TrainSentence>>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut docs: Vec<Vec<TrainSentence>> = Vec::new();
    let mut out = Vec::new();
    let mut words = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let flush = |words: &mut Vec<String>, tags: &mut Vec<String>, out: &mut Vec<TrainSentence>| {
        if !words.is_empty() {
            out.push(TrainSentence {
                words: std::mem::take(words),
                entities: iob2_spans(tags),
                ..TrainSentence::default()
            });
            tags.clear();
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut words, &mut tags, &mut out);
            continue;
        }
        if line.starts_with('#') && !line.contains('\t') {
            if line.starts_with("# newdoc") {
                flush(&mut words, &mut tags, &mut out);
                if !out.is_empty() {
                    docs.push(std::mem::take(&mut out));
                }
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (w, t) = if cols.len() >= 3 && cols[0].bytes().all(|b| b.is_ascii_digit()) {
            (cols[1], cols[2])
        } else if cols.len() >= 2 {
            (cols[0], cols[cols.len() - 1])
        } else {
            bail!(
                "{}:{}: expected a word and a tag separated by a tab",
                path.display(),
                n + 1
            );
        };
        words.push(w.to_string());
        tags.push(t.to_string());
    }
    flush(&mut words, &mut tags, &mut out);
    if !out.is_empty() {
        docs.push(out);
    }
    Ok(docs)
}

/// Spans of IOB2 tags (an `I-` without a matching `B-` starts a span, as conlleval does).
fn iob2_spans(tags: &[String]) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Option<EntityLabel>, String)> = None;
    let close = |open: &mut Option<(usize, Option<EntityLabel>, String)>,
                 end: usize,
                 out: &mut Vec<Entity>| {
        if let Some((start, Some(label), _)) = open.take() {
            out.push(Entity { start, end, label });
        }
    };
    for (i, t) in tags.iter().enumerate() {
        let (prefix, ty) = t.split_once('-').unwrap_or((t.as_str(), ""));
        match prefix {
            "B" => {
                close(&mut open, i, &mut out);
                open = Some((i, map_label(ty), ty.to_string()));
            }
            "I" if open.as_ref().is_some_and(|o| o.2 == ty) => {}
            "I" => {
                close(&mut open, i, &mut out);
                open = Some((i, map_label(ty), ty.to_string()));
            }
            _ => close(&mut open, i, &mut out),
        }
    }
    close(&mut open, tags.len(), &mut out);
    out
}

/// Keeps the longest of overlapping spans (ties: the earlier), returned in order.
fn flatten(mut spans: Vec<Entity>) -> Vec<Entity> {
    spans.sort_by_key(|e| (std::cmp::Reverse(e.end - e.start), e.start));
    let mut kept: Vec<Entity> = Vec::new();
    for e in spans {
        if e.start < e.end && kept.iter().all(|k| e.end <= k.start || e.start >= k.end) {
            kept.push(e);
        }
    }
    kept.sort();
    kept
}

/// Words that may join proper nouns inside one name ("Bank of England", "Bosnia and
/// Herzegovina").
fn connector(w: &str) -> bool {
    matches!(
        w,
        "of" | "the" | "and" | "for" | "de" | "&" | "on" | "-" | "du" | "la" | "al" | "el"
    )
}

/// Reads GUM entities from a CoNLL-U file, keeping documents for which `keep(doc id)` holds.
pub fn read_gum(path: &Path, keep: impl Fn(&str) -> bool) -> anyhow::Result<Vec<TrainSentence>> {
    read_gum_with(path, keep, false)
}

/// [`read_gum`]; with `drop_unannotated`, sentences holding a capitalized proper noun outside
/// every annotated mention are left out, since that name's type is unknown and training it as
/// `O` would teach the model to miss names.
pub fn read_gum_with(
    path: &Path,
    keep: impl Fn(&str) -> bool,
    drop_unannotated: bool,
) -> anyhow::Result<Vec<TrainSentence>> {
    let sentences = dyad_io::conllu::read_file(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    let mut keeping = true;
    for s in &sentences {
        if let Some(id) = &s.newdoc {
            keeping = keep(id);
        }
        if !keeping || s.words.is_empty() {
            continue;
        }
        let words: Vec<String> = s.words.iter().map(|w| w.form.clone()).collect();
        let n = words.len();
        // Mentions: (start, end, etype, has identity).
        let mut open: HashMap<String, (usize, String, bool)> = HashMap::new();
        let mut mentions: Vec<(usize, usize, String, bool)> = Vec::new();
        for (i, w) in s.words.iter().enumerate() {
            let Some(ent) = w.misc.split('|').find_map(|f| f.strip_prefix("Entity=")) else {
                continue;
            };
            let b = ent.as_bytes();
            let mut k = 0;
            while k < b.len() {
                if b[k] == b'(' {
                    let end = ent[k + 1..]
                        .find(['(', ')'])
                        .map_or(ent.len(), |x| x + k + 1);
                    let fields: Vec<&str> = ent[k + 1..end].split('-').collect();
                    let id = fields[0].to_string();
                    let etype = fields.get(1).copied().unwrap_or("").to_string();
                    let identity = fields.len() > 7;
                    if end < ent.len() && b[end] == b')' {
                        mentions.push((i, i + 1, etype, identity));
                        k = end + 1;
                    } else {
                        open.insert(id, (i, etype, identity));
                        k = end;
                    }
                } else {
                    let end = ent[k..].find(')').map_or(ent.len(), |x| x + k);
                    let id = &ent[k..end];
                    if let Some((start, etype, identity)) = open.remove(id) {
                        mentions.push((start, i + 1, etype, identity));
                    }
                    k = end + 1;
                }
            }
        }
        let propn = |i: usize| s.words[i].upos == "PROPN";
        if drop_unannotated {
            let mut covered = vec![false; n];
            for (a, b, _, _) in &mentions {
                covered[*a..*b].iter_mut().for_each(|c| *c = true);
            }
            if (0..n).any(|i| propn(i) && !covered[i] && capitalized(&words[i])) {
                continue;
            }
        }
        let mut spans = Vec::new();
        for (a, b, etype, identity) in mentions {
            let Some(label) = map_label(&etype) else {
                continue;
            };
            // Proper-name runs inside the mention.
            let mut runs = Vec::new();
            let mut i = a;
            while i < b {
                if !propn(i) {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                // A connector joins the run only when a proper noun follows it.
                while (j < b && propn(j))
                    || (j + 1 < b
                        && connector(&words[j])
                        && (propn(j + 1)
                            || (j + 2 < b && connector(&words[j + 1]) && propn(j + 2))))
                {
                    j += 1;
                }
                runs.push((i, j));
                i = j;
            }
            if runs.is_empty() {
                continue;
            }
            let inside = |h: Option<u32>| h.is_some_and(|h| h as usize > a && h as usize <= b);
            let head = (a..b).find(|&i| !inside(s.words[i].head));
            let run = match head.and_then(|h| runs.iter().find(|r| r.0 <= h && h < r.1)) {
                Some(r) => Some(*r),
                None if identity && runs.last().is_some_and(|r| r.1 == b) => runs.last().copied(),
                None => None,
            };
            if let Some((start, end)) = run {
                spans.push(Entity { start, end, label });
            }
        }
        out.push(TrainSentence {
            words,
            entities: flatten(spans),
            ..TrainSentence::default()
        });
    }
    Ok(out)
}

/// What reading re3d kept and dropped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Re3dStats {
    /// Documents read.
    pub documents: usize,
    /// Sentences kept.
    pub sentences: usize,
    /// PER/ORG/LOC mentions kept as names.
    pub names: usize,
    /// Nominal mentions turned into `O`.
    pub nominal: usize,
    /// Sentences dropped (a mixed name/common-noun mention, or a mention across sentences).
    pub dropped_sentences: usize,
    /// Mentions whose offsets did not match their text.
    pub misaligned: usize,
}

fn capitalized(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Reads the re3d folders under `dir`, except `BBC Online` (non-commercial licence).
pub fn read_re3d(dir: &Path) -> anyhow::Result<(Vec<TrainSentence>, Re3dStats)> {
    let mut folders: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "BBC Online"))
        .collect();
    folders.sort();
    let segmenter = dyad_text::Segmenter::new();
    let mut stats = Re3dStats::default();
    let mut out = Vec::new();
    for folder in folders {
        let json_lines = |name: &str| -> anyhow::Result<Vec<serde_json::Value>> {
            let p = folder.join(name);
            let t =
                fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    serde_json::from_str(l).with_context(|| format!("bad JSON in {}", p.display()))
                })
                .collect()
        };
        let docs = json_lines("documents.json")?;
        let ents = json_lines("entities.json")?;
        let mut by_doc: HashMap<&str, Vec<&serde_json::Value>> = HashMap::new();
        for e in &ents {
            if let Some(d) = e["documentId"].as_str() {
                by_doc.entry(d).or_default().push(e);
            }
        }
        for doc in &docs {
            let (Some(id), Some(text)) = (doc["_id"].as_str(), doc["text"].as_str()) else {
                continue;
            };
            stats.documents += 1;
            // Character offset to byte offset.
            let mut byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            byte_at.push(text.len());
            let (mut tokens, mut sents) = (Tokens::default(), Sentences::default());
            segmenter.segment(text, &mut tokens, &mut sents);
            let spans: Vec<_> = tokens.iter().collect();
            let mut per_sent: Vec<Vec<Entity>> = vec![Vec::new(); sents.len()];
            let mut bad_sent = vec![false; sents.len()];
            let sent_of = |tok: usize| (0..sents.len()).find(|&s| sents.tokens(s).contains(&tok));
            for e in by_doc.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                let Some(label) = e["type"].as_str().and_then(map_label) else {
                    continue;
                };
                let (Some(b), Some(en)) = (e["begin"].as_u64(), e["end"].as_u64()) else {
                    continue;
                };
                let (b, en) = (b as usize, en as usize);
                if en > byte_at.len() - 1 || b >= en {
                    stats.misaligned += 1;
                    continue;
                }
                let (b, en) = (byte_at[b], byte_at[en]);
                if e["value"].as_str() != Some(&text[b..en]) {
                    stats.misaligned += 1;
                    continue;
                }
                let toks: Vec<usize> = (0..spans.len())
                    .filter(|&t| (spans[t].start as usize) < en && (spans[t].end as usize) > b)
                    .collect();
                let (Some(&t0), Some(&t1)) = (toks.first(), toks.last()) else {
                    continue;
                };
                let (Some(s0), Some(s1)) = (sent_of(t0), sent_of(t1)) else {
                    continue;
                };
                if s0 != s1 {
                    bad_sent[s0] = true;
                    bad_sent[s1] = true;
                    continue;
                }
                let word = |t: usize| &text[spans[t].range()];
                let mut a = t0;
                while a <= t1 && (!capitalized(word(a)) || word(a) == "The") {
                    a += 1;
                }
                // "Russian Foreign Minister Sergei Lavrov": titles and demonyms before a
                // person's name are not part of it.
                if label == EntityLabel::Per {
                    while a < t1
                        && (ner::is_title(word(a))
                            || ner::is_nationality(word(a))
                            || (a + 1 < t1 && ner::is_title(word(a + 1))))
                    {
                        a += 1;
                    }
                }
                if a > t1 {
                    stats.nominal += 1;
                    continue;
                }
                if !capitalized(word(t1)) {
                    // A name inside a common-noun mention: the name's own type is unknown.
                    bad_sent[s0] = true;
                    continue;
                }
                // "the Kurdish YPG": the demonym is not part of the acronym's name.
                if t1 == a + 1
                    && ner::is_nationality(word(a))
                    && word(t1).chars().all(|c| !c.is_lowercase())
                {
                    a += 1;
                }
                let base = sents.tokens(s0).start;
                per_sent[s0].push(Entity {
                    start: a - base,
                    end: t1 + 1 - base,
                    label,
                });
                stats.names += 1;
            }
            for (s, ents) in per_sent.into_iter().enumerate() {
                if bad_sent[s] {
                    stats.dropped_sentences += 1;
                    continue;
                }
                let words: Vec<String> = sents
                    .tokens(s)
                    .map(|t| text[spans[t].range()].to_string())
                    .collect();
                if words.is_empty() {
                    continue;
                }
                stats.sentences += 1;
                out.push(TrainSentence {
                    words,
                    entities: flatten(ents),
                    ..TrainSentence::default()
                });
            }
        }
    }
    Ok((out, stats))
}

/// Place names for the recognizer's gazetteer from GeoNames under `geo`: the name and ASCII
/// name of every place in `cities15000.txt` and of every first-level region in
/// `admin1CodesASCII.txt`, tokenized like dyad's tokenizer (hyphens split) and lowercased. A
/// one-word name that running text mostly writes in lower case (`clusters`' capitalization
/// class 0 or 1: "mobile", "split", "bath") is left out. Empty when the folder is missing.
pub fn read_places(
    geo: &Path,
    clusters: &dyad_nlp::clusters::Clusters,
) -> anyhow::Result<Vec<String>> {
    let mut out = std::collections::BTreeSet::new();
    for (file, cols) in [
        ("cities15000.txt", [1usize, 2]),
        ("admin1CodesASCII.txt", [1, 2]),
    ] {
        let path = geo.join(file);
        if !path.exists() {
            continue;
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            for &c in &cols {
                let Some(name) = fields.get(c) else {
                    continue;
                };
                let mut tokens = Vec::new();
                for w in name.split_whitespace() {
                    for (k, part) in w.split('-').enumerate() {
                        if k > 0 {
                            tokens.push("-".to_string());
                        }
                        if !part.is_empty() {
                            tokens.push(part.to_lowercase());
                        }
                    }
                }
                if tokens.is_empty()
                    || tokens.len() > 6
                    || !tokens[0].chars().next().is_some_and(char::is_alphabetic)
                {
                    continue;
                }
                if tokens.len() == 1 {
                    let cap = clusters
                        .entry_hash(dyad_nlp::clusters::lower_hash(&tokens[0]))
                        .1;
                    if cap <= 1 || tokens[0].chars().count() < 3 {
                        continue;
                    }
                }
                let phrase = tokens.join(" ");
                if phrase.len() < 256 {
                    out.insert(phrase);
                }
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The corpus files under `shared`.
struct Files {
    gum_train: PathBuf,
    gum_dev: PathBuf,
    wnut_more: [PathBuf; 2],
    re3d: PathBuf,
    wnut: PathBuf,
    uner_dev: PathBuf,
    ewt_train: PathBuf,
    geo: PathBuf,
    news: Vec<PathBuf>,
}

impl Files {
    fn new(shared: &Path) -> Files {
        let c = shared.join("corpora");
        let n = shared.join("news");
        Files {
            gum_train: c.join("ud_english_gum/en_gum-ud-train.conllu"),
            gum_dev: c.join("ud_english_gum/en_gum-ud-dev.conllu"),
            wnut_more: [
                c.join("wnut17/emerging.dev.conll"),
                c.join("wnut17/emerging.test.annotated"),
            ],
            re3d: c.join("re3d"),
            wnut: c.join("wnut17/wnut17train.conll"),
            uner_dev: c.join("uner_english_ewt/en_ewt-ud-dev.iob2"),
            ewt_train: c.join("ud_english_ewt/en_ewt-ud-train.conllu"),
            geo: shared.join("geo"),
            news: [
                "wikinews_2019_2020.jsonl",
                "whitehouse_2021_2022.jsonl",
                "whitehouse_2023_2026.jsonl",
            ]
            .iter()
            .map(|f| n.join(f))
            .collect(),
        }
    }
}

fn count(s: &[TrainSentence]) -> (usize, usize, usize) {
    (
        s.len(),
        s.iter().map(|s| s.words.len()).sum(),
        s.iter().map(|s| s.entities.len()).sum(),
    )
}

/// Which documents of UNER English-EWT dev are trained on. The halves split the documents in
/// file order: even-numbered ones are half A, odd-numbered ones half B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevPart {
    /// None of them.
    None,
    /// Documents 0, 2, 4…
    A,
    /// Documents 1, 3, 5…
    B,
    /// All of them (the final model).
    All,
}

impl DevPart {
    fn keeps(self, doc: usize) -> bool {
        match self {
            DevPart::None => false,
            DevPart::A => doc % 2 == 0,
            DevPart::B => doc % 2 == 1,
            DevPart::All => true,
        }
    }
}

/// Data and feature settings of one training run.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// The part of UNER-EWT dev trained on.
    pub dev: DevPart,
    /// How many times that part is repeated (it is the only in-domain web-text source).
    pub dev_copies: usize,
    /// Leave out GUM sentences with a proper noun outside every annotated mention.
    pub gum_clean: bool,
    /// Count capitalization in `shared/news` for the word-class lexicon.
    pub news_lexicon: bool,
    /// Tag the training sentences with the embedded tagger (POS features).
    pub pos: bool,
    /// Score the held-out half document by document ([`Ner::entities_doc`], as the pipeline
    /// decodes) rather than sentence by sentence. Decoding only; training is the same.
    pub doc_level: bool,
    /// Word-cluster features.
    pub clusters: bool,
    /// Also train on GUM dev (commercially usable genres).
    pub gum_dev: bool,
    /// Place names from GeoNames as gazetteer features.
    pub geo: bool,
    /// Also train on WNUT-17 dev and test.
    pub wnut_more: bool,
    /// Perceptron settings (an empty lexicon is built from the data).
    pub config: TrainConfig,
}

impl Default for Setup {
    /// The settings of the shipped model, chosen on the dev halves (see the model card).
    fn default() -> Setup {
        Setup {
            dev: DevPart::All,
            dev_copies: 5,
            gum_clean: false,
            news_lexicon: false,
            pos: false,
            doc_level: true,
            clusters: true,
            gum_dev: true,
            geo: true,
            wnut_more: false,
            config: TrainConfig::default(),
        }
    }
}

/// Scores `ner` on gold documents with document-level decoding ([`Ner::entities_doc`]).
pub fn score_docs(ner: &Ner, docs: &[Vec<TrainSentence>]) -> NerScore {
    let mut s = NerScore::default();
    for d in docs {
        let words: Vec<Vec<&str>> = d
            .iter()
            .map(|g| g.words.iter().map(String::as_str).collect())
            .collect();
        for (g, out) in d.iter().zip(ner.entities_doc(&words)) {
            s.add(&g.entities, &out);
        }
    }
    s
}

/// Every source read once, so that several setups can be trained cheaply.
#[derive(Debug)]
pub struct Sources {
    gum: Vec<TrainSentence>,
    gum_clean: Vec<TrainSentence>,
    re3d: Vec<TrainSentence>,
    wnut: Vec<TrainSentence>,
    dev: Vec<Vec<TrainSentence>>,
    /// Proper-noun and capitalization counts from UD EWT and GUM train.
    ud_counts: ner::LexiconBuilder,
    /// `ud_counts` plus capitalization in the news texts.
    news_counts: ner::LexiconBuilder,
    /// Word clusters ([`super::clusters::load_default`]).
    clusters: dyad_nlp::clusters::Clusters,
    /// Place names from GeoNames ([`read_places`]).
    places: Vec<String>,
    /// GUM dev, commercially usable genres.
    gum_dev: Vec<TrainSentence>,
    /// WNUT-17 dev and test.
    wnut_more: Vec<TrainSentence>,
    /// Per-source summary lines.
    pub summary: String,
}

impl Sources {
    /// Reads every source under `shared` with the licence filters applied; with `pos`, tags
    /// the sentences with the embedded tagger.
    pub fn load(shared: &Path, pos: bool) -> anyhow::Result<Sources> {
        let f = Files::new(shared);
        let mut gum = read_gum(&f.gum_train, crate::eval::commercially_usable)?;
        let mut gum_clean = read_gum_with(&f.gum_train, crate::eval::commercially_usable, true)?;
        let (mut re3d, st) = read_re3d(&f.re3d)?;
        let mut wnut = read_iob2(&f.wnut)?;
        let mut gum_dev = read_gum(&f.gum_dev, crate::eval::commercially_usable)?;
        let mut wnut_more = read_iob2(&f.wnut_more[0])?;
        wnut_more.extend(read_iob2(&f.wnut_more[1])?);
        let mut dev = read_iob2_docs(&f.uner_dev)?;
        let clusters = super::clusters::load_default()?;
        let places = read_places(&f.geo, &clusters)?;
        let mut summary = String::new();
        summary.push_str(&format!(
            "geonames places (cities15000 + admin1, single words mostly lowercase in running text dropped): {}\n",
            places.len()
        ));
        let mut line = |name: &str, s: &[TrainSentence]| {
            let (n, w, e) = count(s);
            summary.push_str(&format!("{name}: {n} sentences, {w} words, {e} entities\n"));
        };
        line("gum train (commercial genres)", &gum);
        line("gum train, names outside mentions dropped", &gum_clean);
        line(
            &format!(
                "re3d (no BBC; {} docs, {} nominal mentions as O, {} sentences dropped, {} \
                 misaligned)",
                st.documents, st.nominal, st.dropped_sentences, st.misaligned
            ),
            &re3d,
        );
        line("wnut17 train", &wnut);
        line("gum dev (commercial genres)", &gum_dev);
        line("wnut17 dev + test", &wnut_more);
        line(
            &format!("uner-ewt dev ({} documents)", dev.len()),
            &dev.concat(),
        );
        if pos {
            let tagger = embedded_tagger()?;
            for set in [
                &mut gum,
                &mut gum_clean,
                &mut re3d,
                &mut wnut,
                &mut gum_dev,
                &mut wnut_more,
            ] {
                tag_all(&tagger, set);
            }
            for d in &mut dev {
                tag_all(&tagger, d);
            }
        }
        let mut ud_counts = ner::LexiconBuilder::default();
        for (path, keep) in [
            (&f.ewt_train, (|_: &str| true) as fn(&str) -> bool),
            (&f.gum_train, crate::eval::commercially_usable),
        ] {
            let sentences = dyad_io::conllu::read_file(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mut keeping = true;
            for s in &sentences {
                if let Some(id) = &s.newdoc {
                    keeping = keep(id);
                }
                if keeping {
                    for (i, w) in s.words.iter().enumerate() {
                        ud_counts.add(&w.form, Some(w.upos == "PROPN"), i == 0);
                    }
                }
            }
        }
        let mut news_counts = ud_counts.clone();
        let segmenter = dyad_text::Segmenter::new();
        let mut news_words = 0usize;
        for path in &f.news {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            for l in text.lines().filter(|l| !l.trim().is_empty()) {
                let doc: serde_json::Value = serde_json::from_str(l)
                    .with_context(|| format!("bad JSON in {}", path.display()))?;
                let Some(body) = doc["text"].as_str() else {
                    continue;
                };
                // `segment` appends, so each document gets fresh tables.
                let (mut tokens, mut sents) = (Tokens::default(), Sentences::default());
                segmenter.segment(body, &mut tokens, &mut sents);
                for s in 0..sents.len() {
                    let range = sents.tokens(s);
                    let first = range.start;
                    for t in range {
                        news_counts.add(&body[tokens.span(t).range()], None, t == first);
                        news_words += 1;
                    }
                }
            }
        }
        summary.push_str(&format!(
            "news (capitalization counts only): {news_words} words\n"
        ));
        Ok(Sources {
            gum,
            gum_clean,
            re3d,
            wnut,
            dev,
            ud_counts,
            news_counts,
            clusters,
            places,
            gum_dev,
            wnut_more,
            summary,
        })
    }

    /// The UNER dev sentences of `part`.
    pub fn dev(&self, part: DevPart) -> Vec<TrainSentence> {
        self.dev
            .iter()
            .enumerate()
            .filter(|(i, _)| part.keeps(*i))
            .flat_map(|(_, d)| d.iter().cloned())
            .collect()
    }

    /// The UNER dev documents of `part`.
    pub fn dev_docs(&self, part: DevPart) -> Vec<Vec<TrainSentence>> {
        self.dev
            .iter()
            .enumerate()
            .filter(|(i, _)| part.keeps(*i))
            .map(|(_, d)| d.clone())
            .collect()
    }

    /// The training sentences of `setup`.
    pub fn data(&self, setup: &Setup) -> Vec<TrainSentence> {
        let mut all = Vec::new();
        all.extend_from_slice(if setup.gum_clean {
            &self.gum_clean
        } else {
            &self.gum
        });
        all.extend_from_slice(&self.re3d);
        all.extend_from_slice(&self.wnut);
        if setup.gum_dev {
            all.extend_from_slice(&self.gum_dev);
        }
        if setup.wnut_more {
            all.extend_from_slice(&self.wnut_more);
        }
        let dev = self.dev(setup.dev);
        for _ in 0..setup.dev_copies {
            all.extend_from_slice(&dev);
        }
        if !setup.pos {
            for s in &mut all {
                s.upos.clear();
            }
        }
        all
    }

    /// The word-class lexicon for `setup`: proper-noun rates from UD English-EWT train and GUM
    /// train (commercial genres), capitalization rates from those, the training sentences and,
    /// with `news_lexicon`, the news texts.
    pub fn lexicon(&self, setup: &Setup, data: &[TrainSentence]) -> ner::Lexicon {
        let mut b = if setup.news_lexicon {
            self.news_counts.clone()
        } else {
            self.ud_counts.clone()
        };
        for s in data {
            for (i, w) in s.words.iter().enumerate() {
                b.add(w, None, i == 0);
            }
        }
        b.build(2)
    }

    /// Trains one model with `setup`; returns it and the training report.
    pub fn train(&self, setup: &Setup) -> (Ner, String) {
        let data = self.data(setup);
        let mut config = setup.config.clone();
        if config.lexicon.is_empty() {
            config.lexicon = self.lexicon(setup, &data);
        }
        if setup.clusters {
            config.lexicon.clusters = self.clusters.clone();
        }
        if setup.geo {
            config.lexicon.places = self.places.clone();
        }
        let (n, w, e) = count(&data);
        let (model, tr) = ner::train(&data, &config);
        let report = format!(
            "training data: {n} sentences, {w} words, {e} entities; lexicon {} words\n{tr}\n",
            config.lexicon.len()
        );
        (model, report)
    }
}

/// Trains on every source under `shared` with the shipped settings and writes the model to
/// `out`. Returns a report: data counts and training summary.
pub fn train(out: &Path, shared: &Path) -> anyhow::Result<String> {
    train_with(out, shared, &Setup::default())
}

/// [`train`] with explicit settings.
pub fn train_with(out: &Path, shared: &Path, setup: &Setup) -> anyhow::Result<String> {
    let sources = Sources::load(shared, setup.pos)?;
    let (model, tr) = sources.train(setup);
    let mut report = sources.summary.clone();
    report.push_str(&tr);
    let bytes = model.to_bytes();
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    report.push_str(&format!(
        "wrote {} ({} bytes)\n",
        out.display(),
        bytes.len()
    ));
    Ok(report)
}

/// Two-fold tuning on UNER-EWT dev: for each named setup, trains with dev half A and scores
/// half B, then the reverse, and reports the summed counts. No test set is read.
pub fn tune(sources: &Sources, setups: &[(&str, Setup)]) -> String {
    let mut out = String::new();
    for (name, setup) in setups {
        let mut total = NerScore::default();
        let mut halves = Vec::new();
        for (train_on, score_on) in [(DevPart::A, DevPart::B), (DevPart::B, DevPart::A)] {
            let (model, _) = sources.train(&Setup {
                dev: train_on,
                ..setup.clone()
            });
            let mut held = sources.dev(score_on);
            if !setup.pos {
                held.iter_mut().for_each(|s| s.upos.clear());
            }
            let sc = if setup.doc_level {
                score_docs(&model, &sources.dev_docs(score_on))
            } else {
                score(&model, &held)
            };
            halves.push(sc.f1());
            for (t, c) in total.counts.iter_mut().zip(sc.counts) {
                for k in 0..3 {
                    t[k] += c[k];
                }
            }
        }
        let per: Vec<String> = total
            .counts
            .iter()
            .map(|&c| format!("{:.2}", prf(c).2))
            .collect();
        out.push_str(&format!(
            "{name}: F1 {:.2} (A→B {:.2}, B→A {:.2}; PER/ORG/LOC {})\n",
            total.f1(),
            halves[0],
            halves[1],
            per.join("/")
        ));
    }
    out
}
