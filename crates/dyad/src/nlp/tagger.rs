//! Training and scoring of the part-of-speech tagger and lemmatizer from CoNLL-U gold data.
//!
//! [`train`] reads CoNLL-U files (GUM documents of non-commercial genres are skipped, see
//! [`crate::eval::commercially_usable`]), trains a [`Tagger`] and a [`Lemmatizer`] and writes
//! them (`tagger.bin`, and `lemmas.bin` beside it). [`eval`] scores a tagger (and optionally a
//! lemmatizer) against a CoNLL-U file's gold words.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dyad_io::conllu::Sentence;
use dyad_nlp::lemma::{self, LemmaExample, Lemmatizer};
use dyad_nlp::tagger::{self, Tagger, TrainConfig, TrainSentence, Upos};

use super::{read_conllu, read_usable};

/// Tagging (and lemma) accuracy over the gold words of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PosScore {
    /// Gold words (UD syntactic words).
    pub tokens: usize,
    /// Words whose predicted universal tag is the gold one.
    pub upos: usize,
    /// Words whose predicted Penn tag is the gold one.
    pub xpos: usize,
    /// Words whose predicted lemma is the gold one (when a lemmatizer was scored).
    pub lemma: Option<usize>,
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

impl PosScore {
    /// UPOS accuracy in percent.
    pub fn upos_accuracy(&self) -> f64 {
        pct(self.upos, self.tokens)
    }
    /// XPOS accuracy in percent.
    pub fn xpos_accuracy(&self) -> f64 {
        pct(self.xpos, self.tokens)
    }
    /// Lemma accuracy in percent, when lemmas were scored.
    pub fn lemma_accuracy(&self) -> Option<f64> {
        self.lemma.map(|l| pct(l, self.tokens))
    }
}

impl fmt::Display for PosScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pos: upos={:.2} xpos={:.2}",
            self.upos_accuracy(),
            self.xpos_accuracy()
        )?;
        if let Some(l) = self.lemma_accuracy() {
            write!(f, " lemma={l:.2}")?;
        }
        write!(f, " (tokens {})", self.tokens)
    }
}

/// A CoNLL-U sentence as a tagger training example.
pub(crate) fn to_train(s: &Sentence) -> TrainSentence {
    TrainSentence {
        words: s.words.iter().map(|w| w.form.clone()).collect(),
        xpos: s.words.iter().map(|w| w.xpos.clone()).collect(),
        upos: s
            .words
            .iter()
            .map(|w| w.upos.parse().unwrap_or(Upos::X))
            .collect(),
    }
}

/// Trains with the default settings; see [`train_with`].
pub fn train(train: &[PathBuf], dev: Option<&Path>, out: &Path) -> anyhow::Result<String> {
    let config = TrainConfig {
        clusters: super::clusters::load_default()?,
        ..TrainConfig::default()
    };
    train_with(train, dev, out, &config)
}

/// Trains the tagger on `train` (CoNLL-U, commercially usable documents only), writes it to
/// `out` and the lemmatizer to `lemmas.bin` beside it, scores both on `dev` when given, and
/// returns a summary for the terminal.
pub fn train_with(
    train: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    config: &TrainConfig,
) -> anyhow::Result<String> {
    let mut sentences = Vec::new();
    for path in train {
        sentences.extend(read_usable(path)?);
    }
    let examples: Vec<TrainSentence> = sentences.iter().map(to_train).collect();
    let (tagger, report) = tagger::train(&examples, config);
    let lemma_examples: Vec<LemmaExample<'_>> = sentences
        .iter()
        .flat_map(|s| &s.words)
        .map(|w| LemmaExample {
            form: &w.form,
            upos: w.upos.parse().unwrap_or(Upos::X),
            xpos: &w.xpos,
            lemma: &w.lemma,
        })
        .collect();
    let (lemmatizer, exceptions) = lemma::train(&lemma_examples, &lemma::TrainConfig::default());

    let lemma_out = out.with_file_name("lemmas.bin");
    if let Some(dir) = out.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let bytes = tagger.to_bytes();
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let lemma_bytes = lemmatizer.to_bytes();
    std::fs::write(&lemma_out, &lemma_bytes)
        .with_context(|| format!("cannot write {}", lemma_out.display()))?;
    let mut summary = format!(
        "trained on {} file(s), {} sentences, {} words: {} labels, {} features, {} weights, \
         {} dictionary words; {} epochs, training accuracy {:.2}%; wrote {} ({} bytes); \
         lemmatizer with {} exceptions, wrote {} ({} bytes)",
        train.len(),
        report.sentences,
        report.tokens,
        report.labels,
        report.features,
        report.weights,
        report.dictionary,
        config.epochs,
        report.epoch_accuracy.last().copied().unwrap_or(0.0),
        out.display(),
        bytes.len(),
        exceptions,
        lemma_out.display(),
        lemma_bytes.len(),
    );
    if let Some(dev) = dev {
        let score = eval_with(&tagger, Some(&lemmatizer), dev)?;
        summary.push_str(&format!("\ndev {}: {score}", dev.display()));
    }
    Ok(summary)
}

/// Scores `model` on the gold words of a CoNLL-U file (gold tokenization).
pub fn eval(model: &Tagger, conllu: &Path) -> anyhow::Result<PosScore> {
    eval_with(model, None, conllu)
}

/// Scores `model`, and `lemmas` when given (lemmatizing with the predicted tags), on the gold
/// words of a CoNLL-U file. Lemmas compare exactly, except that proper nouns (gold `PROPN`)
/// compare case-insensitively.
pub fn eval_with(
    model: &Tagger,
    lemmas: Option<&Lemmatizer>,
    conllu: &Path,
) -> anyhow::Result<PosScore> {
    let mut score = PosScore {
        lemma: lemmas.map(|_| 0),
        ..PosScore::default()
    };
    let (mut upos, mut xpos) = (Vec::new(), Vec::new());
    for s in read_conllu(conllu)? {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        model.tag(&words, &mut upos, &mut xpos);
        for (i, w) in s.words.iter().enumerate() {
            score.tokens += 1;
            score.upos += usize::from(upos[i].as_str() == w.upos);
            let x = model.xpos_name(xpos[i]);
            score.xpos += usize::from(x == w.xpos);
            if let (Some(l), Some(n)) = (lemmas, score.lemma.as_mut()) {
                let got = l.lemma(&w.form, upos[i], x);
                let ok = if w.upos == "PROPN" {
                    got.eq_ignore_ascii_case(&w.lemma)
                } else {
                    got == w.lemma
                };
                *n += usize::from(ok);
            }
        }
    }
    Ok(score)
}
