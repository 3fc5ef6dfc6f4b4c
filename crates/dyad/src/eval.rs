//! Scoring dyad's segmentation against Universal Dependencies gold data.

use std::fmt;
use std::path::{Path, PathBuf};

use dyad_text::Segmenter;

/// Precision, recall and F1 of a set of predicted items against gold items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// What was scored (`sentences`, `tokens`): the first word of the report line.
    pub label: &'static str,
    /// Number of gold items.
    pub gold: usize,
    /// Number of predicted items.
    pub predicted: usize,
    /// Number of predicted items that match a gold item.
    pub correct: usize,
}

impl Score {
    /// Precision in percent.
    pub fn precision(&self) -> f64 {
        pct(self.correct, self.predicted)
    }
    /// Recall in percent.
    pub fn recall(&self) -> f64 {
        pct(self.correct, self.gold)
    }
    /// F1 in percent.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: P={:.2} R={:.2} F1={:.2} (gold {}, predicted {}, correct {})",
            self.label,
            self.precision(),
            self.recall(),
            self.f1(),
            self.gold,
            self.predicted,
            self.correct
        )
    }
}

/// Scores sentence boundaries over the text rebuilt from a CoNLL-U file.
pub fn sentences(conllu: &Path, segmenter: &Segmenter) -> anyhow::Result<Score> {
    let _ = (conllu, segmenter);
    anyhow::bail!("not implemented yet")
}

/// Scores tokens (UD syntactic words) over the text rebuilt from a CoNLL-U file.
pub fn tokens(conllu: &Path, segmenter: &Segmenter) -> anyhow::Result<Score> {
    let _ = (conllu, segmenter);
    anyhow::bail!("not implemented yet")
}

/// Trains the sentence-boundary model from CoNLL-U files, writes it to `out` and returns a
/// one-paragraph summary for the terminal.
pub fn train_segmenter(train: &[PathBuf], out: &Path) -> anyhow::Result<String> {
    let _ = (train, out);
    anyhow::bail!("not implemented yet")
}
