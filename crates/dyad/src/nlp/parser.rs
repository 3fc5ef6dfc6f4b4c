//! Training and scoring of the dependency parser from CoNLL-U gold trees.
//!
//! [`train`] reads CoNLL-U files (GUM documents of non-commercial genres are skipped, see
//! [`crate::eval::commercially_usable`]), trains a [`Parser`], keeps the epoch that scores best
//! on the development file when one is given, and writes the model. [`eval`] scores a parser on
//! the gold words of a CoNLL-U file, with tags predicted by dyad's tagger or with gold tags.
//!
//! Training tags: with [`TrainOptions::jackknife`] set, the training sentences carry tags
//! predicted by taggers trained on the other folds (so that the parser learns from the kind of
//! tags it will see); otherwise gold tags.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dyad_io::conllu::Sentence;
use dyad_nlp::parser::{self, Parser, TrainConfig, TrainSentence};
use dyad_nlp::tagger::{self, Tagger, Upos};

use super::{read_conllu, read_usable};

/// Attachment scores over the gold words of a file (punctuation included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseScore {
    /// Gold words scored.
    pub words: usize,
    /// Words with the gold head.
    pub heads: usize,
    /// Words with the gold head and the gold relation (subtypes included).
    pub labelled: usize,
    /// True when the tags came from dyad's tagger, false for gold tags.
    pub predicted_tags: bool,
}

impl ParseScore {
    /// Unlabelled attachment score in percent.
    pub fn uas(&self) -> f64 {
        pct(self.heads, self.words)
    }
    /// Labelled attachment score in percent.
    pub fn las(&self) -> f64 {
        pct(self.labelled, self.words)
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

impl fmt::Display for ParseScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parse: uas={:.2} las={:.2} (words {}, punctuation included, tags {})",
            self.uas(),
            self.las(),
            self.words,
            if self.predicted_tags {
                "predicted"
            } else {
                "gold"
            }
        )
    }
}

/// How to train, beyond the parser's own [`TrainConfig`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// The parser's settings.
    pub config: TrainConfig,
    /// Train on tags predicted by taggers trained on the other `jackknife` folds of the training
    /// data (0: train on gold tags).
    pub jackknife: usize,
    /// The tagger settings of the jackknife folds.
    pub tagger_config: tagger::TrainConfig,
    /// The tagger that tags the development file when choosing the epoch (gold tags when none).
    pub dev_tagger: Option<PathBuf>,
}

/// The tagger model that [`TrainOptions::default`] uses for the development file when it exists
/// (relative to the working directory, the repository root for `dyad train parser`).
pub const DEFAULT_TAGGER: &str = "models/tagger/tagger.bin";

impl Default for TrainOptions {
    fn default() -> Self {
        // The settings of the shipped model (`models/parser/MODEL_CARD.md`): trained on the
        // train and dev files together, so the epoch count is fixed (chosen beforehand on EWT
        // dev with a train-only model: with word clusters, epochs 6–9 were within 0.05 of each
        // other, 8 best). The relation table keeps 2^16 rows: 2^20 rows stored sparsely gained
        // nothing measurable at 8 epochs and more than halved the parser's speed (two dependent
        // cache misses per feature); 2^17 earlier cost about 15 % of the annotation throughput.
        let tagger = PathBuf::from(DEFAULT_TAGGER);
        TrainOptions {
            config: TrainConfig {
                epochs: 8,
                label_bits: 16,
                ..TrainConfig::default()
            },
            jackknife: 4,
            tagger_config: tagger::TrainConfig::default(),
            dev_tagger: tagger.exists().then_some(tagger),
        }
    }
}

/// Settings that `dyad train parser` may change from [`TrainOptions::default`] (for tuning).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    /// Passes over the training data.
    pub epochs: Option<u32>,
    /// Jackknife folds for the training tags.
    pub jackknife: Option<usize>,
    /// Bits of the relation table's row count.
    pub label_bits: Option<u8>,
    /// Bits of the relabeller table's row count (0: no relabeller).
    pub relabel_bits: Option<u8>,
    /// Bits of the attachment reviser's table (0: no reviser).
    pub revise_bits: Option<u8>,
}

/// Trains with the default settings, changed by `overrides`; see [`train_with`].
pub fn train(
    train: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    overrides: Overrides,
) -> anyhow::Result<String> {
    let clusters = super::clusters::load_default()?;
    let mut options = TrainOptions::default();
    if let Some(e) = overrides.epochs {
        options.config.epochs = e;
    }
    if let Some(j) = overrides.jackknife {
        options.jackknife = j;
    }
    if let Some(b) = overrides.label_bits {
        options.config.label_bits = b;
    }
    if let Some(b) = overrides.relabel_bits {
        options.config.relabel_bits = b;
    }
    if let Some(b) = overrides.revise_bits {
        options.config.revise_bits = b;
    }
    options.config.clusters = clusters.clone();
    options.tagger_config.clusters = clusters;
    train_with(train, dev, out, &options)
}

/// Trains the parser on `train` (CoNLL-U, commercially usable documents only), keeps the epoch
/// with the best labelled score on `dev` when given, writes the model to `out`, and returns a
/// summary for the terminal.
pub fn train_with(
    train: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    options: &TrainOptions,
) -> anyhow::Result<String> {
    let mut sentences = Vec::new();
    for path in train {
        sentences.extend(read_usable(path)?);
    }
    let mut examples: Vec<TrainSentence> = sentences.iter().map(to_train).collect();
    if options.jackknife > 1 {
        jackknife(
            &sentences,
            &mut examples,
            options.jackknife,
            &options.tagger_config,
        );
    }
    // For tuning: a tagger that was not trained on the development file gives an honest
    // predicted-tag score.
    let dev_tagger_path = std::env::var_os("DYAD_DEV_TAGGER")
        .map(PathBuf::from)
        .or_else(|| options.dev_tagger.clone());
    let dev_tagger = match &dev_tagger_path {
        Some(p) => Some(load_tagger(p)?),
        None => None,
    };
    let dev_data = match dev {
        Some(d) => Some(read_conllu(d)?),
        None => None,
    };
    let mut epochs = Vec::new();
    let mut best: Option<(usize, u32, Parser)> = None;
    let config = options.config.clone();
    let (last, report) = parser::train_with(&examples, &config, |epoch, p| {
        if let Some(d) = &dev_data {
            let score = score(p, dev_tagger.as_ref(), d);
            // The tagger of the development file may have been trained on it: the gold-tag
            // score is the honest one for comparing settings.
            let gold = score_gold(p, d);
            epochs.push(format!(
                "\n  epoch {}: dev {score}; gold tags uas={:.2} las={:.2}",
                epoch + 1,
                gold.uas(),
                gold.las()
            ));
            if best
                .as_ref()
                .is_none_or(|(las, _, _)| score.labelled > *las)
            {
                best = Some((score.labelled, epoch, p.clone()));
            }
        }
    });
    let (model, chosen) = match best {
        Some((_, e, p)) => (p, e + 1),
        None => (last, config.epochs),
    };
    if let Some(dir) = out.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let bytes = model.to_bytes();
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let mut summary = format!(
        "trained on {} file(s): {report}\ntags: {}; kept epoch {chosen} of {}; wrote {} ({} bytes)",
        train.len(),
        if options.jackknife > 1 {
            format!("{}-fold jackknifed tagger predictions", options.jackknife)
        } else {
            "gold".to_string()
        },
        config.epochs,
        out.display(),
        bytes.len(),
    );
    for e in epochs {
        summary.push_str(&e);
    }
    Ok(summary)
}

/// Scores `parser` on the gold words of a CoNLL-U file (gold tokenization, punctuation
/// included), tagging with `tagger` when given, else with the gold tags.
pub fn eval(parser: &Parser, tagger: Option<&Tagger>, conllu: &Path) -> anyhow::Result<ParseScore> {
    Ok(score(parser, tagger, &read_conllu(conllu)?))
}

/// A per-relation breakdown of the parser's errors on a CoNLL-U file, for finding what to
/// improve: for each gold relation, its count, the words attached to the wrong head, and the
/// words with the right head but another relation (with the most frequent confusions); then the
/// errors by gold UPOS and the share of errors on words whose predicted tag was wrong.
pub fn error_report(
    parser: &Parser,
    tagger: Option<&Tagger>,
    conllu: &Path,
) -> anyhow::Result<String> {
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Row {
        n: usize,
        head: usize,
        label: usize,
        confused: BTreeMap<String, usize>,
    }
    let sentences = read_conllu(conllu)?;
    let mut by_rel: BTreeMap<String, Row> = BTreeMap::new();
    let mut by_upos: BTreeMap<String, Row> = BTreeMap::new();
    let (mut heads, mut labels) = (Vec::new(), Vec::new());
    let mut tags = Tags::default();
    let (mut mistagged, mut mistagged_head, mut mistagged_label) = (0usize, 0usize, 0usize);
    let (mut total_head, mut total_label) = (0usize, 0usize);
    let (mut marks, mut marks_right, mut marks_reachable) = (0usize, 0usize, 0usize);
    let (mut words_wrong, mut words_reachable, mut words_cands) = (0usize, 0usize, 0usize);
    let mut cands = Vec::new();
    for s in &sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let (upos, xpos) = tags.get(tagger, s);
        parser.parse(&words, &upos, &xpos, &mut heads, &mut labels);
        // Punctuation: is the gold head among the nodes the UD rule allows on this parse?
        let punct: Vec<bool> = upos.iter().map(|u| *u == "PUNCT").collect();
        let tree: Vec<Option<usize>> = heads
            .iter()
            .map(|&h| (h > 0).then(|| h as usize - 1))
            .collect();
        for p in (0..words.len()).filter(|&p| punct[p]) {
            let Some(gh) = s.words[p].head else { continue };
            dyad_nlp::punct::candidates(&tree, &punct, p, &mut cands);
            marks += 1;
            marks_right += usize::from(heads[p] == gh);
            marks_reachable +=
                usize::from(gh > 0 && cands.contains(&(gh as usize - 1)) || heads[p] == gh);
        }
        // Other words: would re-attaching the word with its subtree, keeping the tree
        // projective, reach the gold head?
        let revised = dyad_nlp::revise::Tree::new(&tree, &punct);
        for d in (0..words.len()).filter(|&d| !punct[d]) {
            let Some(gh) = s.words[d].head else { continue };
            if heads[d] == gh || heads[d] == 0 || gh == 0 {
                continue;
            }
            dyad_nlp::revise::candidates(&revised, d, &mut cands);
            words_wrong += 1;
            words_reachable += usize::from(cands.contains(&(gh as usize - 1)));
            words_cands += cands.len();
        }
        for (i, w) in s.words.iter().enumerate() {
            let Some(gh) = w.head else { continue };
            let bad_tag = xpos[i] != w.xpos;
            mistagged += usize::from(bad_tag);
            for (key, table) in [(&w.deprel, &mut by_rel), (&w.upos, &mut by_upos)] {
                let r = table.entry(key.clone()).or_default();
                r.n += 1;
                if heads[i] != gh {
                    r.head += 1;
                } else if parser.label_name(labels[i]) != w.deprel {
                    r.label += 1;
                    *r.confused
                        .entry(parser.label_name(labels[i]).to_string())
                        .or_default() += 1;
                }
            }
            if heads[i] != gh {
                total_head += 1;
                mistagged_head += usize::from(bad_tag);
            } else if parser.label_name(labels[i]) != w.deprel {
                total_label += 1;
                mistagged_label += usize::from(bad_tag);
            }
        }
    }
    let mut out = String::new();
    let table = |out: &mut String, title: &str, t: &BTreeMap<String, Row>| {
        let mut rows: Vec<(&String, &Row)> = t.iter().collect();
        rows.sort_by_key(|(k, r)| (std::cmp::Reverse(r.head + r.label), (*k).clone()));
        out.push_str(&format!(
            "{title:<14} {:>6} {:>11} {:>11}  most frequent wrong relations\n",
            "words", "wrong head", "wrong rel"
        ));
        for (k, r) in rows {
            let mut conf: Vec<(&String, &usize)> = r.confused.iter().collect();
            conf.sort_by_key(|(l, c)| (std::cmp::Reverse(**c), (*l).clone()));
            let conf: Vec<String> = conf
                .iter()
                .take(4)
                .map(|(l, c)| format!("{l} {c}"))
                .collect();
            out.push_str(&format!(
                "{k:<14} {:>6} {:>5} {:>5.1}% {:>5} {:>5.1}%  {}\n",
                r.n,
                r.head,
                pct(r.head, r.n),
                r.label,
                pct(r.label, r.n),
                conf.join(", ")
            ));
        }
    };
    table(&mut out, "relation", &by_rel);
    table(&mut out, "gold UPOS", &by_upos);
    out.push_str(&format!(
        "errors: wrong head {total_head}, right head but wrong relation {total_label}; words with a \
         wrong XPOS {mistagged}, of which {mistagged_head} wrong head and {mistagged_label} wrong \
         relation\n"
    ));
    out.push_str(&format!(
        "punctuation (predicted PUNCT): {marks} marks, {marks_right} with the gold head; the gold \
         head is the parse's or one the UD rule allows on the parse for {marks_reachable}\n"
    ));
    out.push_str(&format!(
        "other words attached below a wrong head (root arcs aside): {words_wrong}; the gold head \
         is among the nodes the word may move to with its subtree (`revise::candidates`) for \
         {words_reachable} ({:.1} candidates on average)\n",
        if words_wrong == 0 {
            0.0
        } else {
            words_cands as f64 / words_wrong as f64
        }
    ));
    Ok(out)
}

/// Loads a tagger model file.
pub fn load_tagger(path: &Path) -> anyhow::Result<Tagger> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Tagger::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))
}

fn score_gold(parser: &Parser, sentences: &[Sentence]) -> ParseScore {
    score(parser, None, sentences)
}

fn score(parser: &Parser, tagger: Option<&Tagger>, sentences: &[Sentence]) -> ParseScore {
    let mut score = ParseScore {
        predicted_tags: tagger.is_some(),
        ..ParseScore::default()
    };
    let (mut heads, mut labels) = (Vec::new(), Vec::new());
    let mut tags = Tags::default();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let (upos, xpos) = tags.get(tagger, s);
        parser.parse(&words, &upos, &xpos, &mut heads, &mut labels);
        for (i, w) in s.words.iter().enumerate() {
            let Some(gh) = w.head else { continue };
            score.words += 1;
            if heads[i] == gh {
                score.heads += 1;
                score.labelled += usize::from(parser.label_name(labels[i]) == w.deprel);
            }
        }
    }
    score
}

/// Reusable buffers for tagging.
#[derive(Default)]
struct Tags {
    upos: Vec<Upos>,
    xpos: Vec<u16>,
}

impl Tags {
    /// The UPOS and XPOS tags of a sentence: predicted by `tagger`, or gold.
    fn get<'a>(
        &mut self,
        tagger: Option<&'a Tagger>,
        s: &'a Sentence,
    ) -> (Vec<&'a str>, Vec<&'a str>) {
        match tagger {
            Some(t) => {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                t.tag(&words, &mut self.upos, &mut self.xpos);
                (
                    self.upos.iter().map(|u| u.as_str()).collect(),
                    self.xpos.iter().map(|&x| t.xpos_name(x)).collect(),
                )
            }
            None => (
                s.words.iter().map(|w| w.upos.as_str()).collect(),
                s.words.iter().map(|w| w.xpos.as_str()).collect(),
            ),
        }
    }
}

/// Replaces the tags of `examples` by those of taggers trained on the other folds (sentence `i`
/// is in fold `i % folds`).
fn jackknife(
    sentences: &[Sentence],
    examples: &mut [TrainSentence],
    folds: usize,
    config: &tagger::TrainConfig,
) {
    // Folds are independent: tag them on every core (the result does not depend on the order).
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(folds)
        .max(1);
    let tag_fold = |fold: usize| -> Vec<(usize, Vec<String>, Vec<String>)> {
        let rest: Vec<tagger::TrainSentence> = sentences
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, s)| super::tagger::to_train(s))
            .collect();
        let (t, _) = tagger::train(&rest, config);
        let mut tags = Tags::default();
        sentences
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds == fold)
            .map(|(i, s)| {
                let (upos, xpos) = tags.get(Some(&t), s);
                (
                    i,
                    upos.iter().map(|x| x.to_string()).collect(),
                    xpos.iter().map(|x| x.to_string()).collect(),
                )
            })
            .collect()
    };
    let tagged: Vec<(usize, Vec<String>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let tag_fold = &tag_fold;
                scope.spawn(move || {
                    (t..folds)
                        .step_by(threads)
                        .flat_map(tag_fold)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a jackknife tagger panicked"))
            .collect()
    });
    for (i, upos, xpos) in tagged {
        examples[i].upos = upos;
        examples[i].xpos = xpos;
    }
}

fn to_train(s: &Sentence) -> TrainSentence {
    TrainSentence {
        words: s.words.iter().map(|w| w.form.clone()).collect(),
        upos: s.words.iter().map(|w| w.upos.clone()).collect(),
        xpos: s.words.iter().map(|w| w.xpos.clone()).collect(),
        // A word without a head (`_`) makes the tree malformed: the sentence is skipped.
        heads: s.words.iter().map(|w| w.head.unwrap_or(u32::MAX)).collect(),
        labels: s.words.iter().map(|w| w.deprel.clone()).collect(),
    }
}
