//! Scoring dyad's segmentation against Universal Dependencies gold data.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dyad_core::{Sentences, Span, Tokens};
use dyad_text::train::{TrainConfig, TrainDoc};
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

/// The text rebuilt from a CoNLL-U file, with the gold sentences and tokens located in it.
///
/// Sentences are joined by one space inside a paragraph; a paragraph (`# newpar`, and every
/// `# newdoc`) starts after a blank line (`"\n\n"`). Each sentence's text is its `# text` (or its
/// tokens joined as `SpaceAfter` says when there is none).
#[derive(Debug, Clone, Default)]
pub struct Gold {
    /// The rebuilt text.
    pub text: String,
    /// Byte span of each gold sentence.
    pub sentences: Vec<Span>,
    /// Byte span of each gold token: each syntactic word, or a multiword token's surface form
    /// when its words do not spell it.
    pub tokens: Vec<Span>,
    /// Gold tokens whose form could not be found in the sentence text (never matched).
    pub unlocated: usize,
}

/// GUM genres whose texts are licensed for non-commercial use only: never trained on.
const GUM_NON_COMMERCIAL: &[&str] = &["essay", "fiction", "letter", "podcast", "whow", "reddit"];

/// True for documents whose text may be used to train a model shipped with dyad.
pub fn commercially_usable(doc_id: &str) -> bool {
    match doc_id.strip_prefix("GUM_") {
        Some(rest) => {
            let genre = rest.split('_').next().unwrap_or("");
            !GUM_NON_COMMERCIAL.contains(&genre)
        }
        None => true,
    }
}

/// Reads a CoNLL-U file and rebuilds its text, keeping the documents for which `keep(doc id)`
/// is true.
pub fn rebuild(conllu: &Path, keep: impl Fn(&str) -> bool) -> anyhow::Result<Gold> {
    let sentences = dyad_io::conllu::read_file(conllu)
        .with_context(|| format!("cannot read {}", conllu.display()))?;
    let mut g = Gold::default();
    let mut keeping = true;
    for s in &sentences {
        if let Some(id) = &s.newdoc {
            keeping = keep(id);
        }
        if !keeping {
            continue;
        }
        let st = s.text_or_rebuilt();
        let st = st.trim();
        if st.is_empty() {
            continue;
        }
        if !g.text.is_empty() {
            g.text.push_str(if s.newpar { "\n\n" } else { " " });
        }
        let base = g.text.len();
        g.text.push_str(st);
        g.sentences.push(Span::from_usize(base, g.text.len()));
        let mut cursor = 0;
        for t in &s.tokens {
            let Some(at) = locate(st, cursor, &t.form) else {
                g.unlocated += t.words.len();
                continue;
            };
            cursor = at + t.form.len();
            let words = &s.words[t.words.clone()];
            let spelled = words.iter().map(|w| w.form.len()).sum::<usize>() == t.form.len()
                && words.iter().map(|w| w.form.as_str()).collect::<String>() == t.form;
            if t.multiword && spelled {
                let mut p = base + at;
                for w in words {
                    g.tokens.push(Span::from_usize(p, p + w.form.len()));
                    p += w.form.len();
                }
            } else {
                g.tokens.push(Span::from_usize(base + at, base + cursor));
            }
        }
    }
    Ok(g)
}

/// Where `form` occurs in `text` at or after `from`: right after the whitespace at `from`, else
/// anywhere later.
fn locate(text: &str, from: usize, form: &str) -> Option<usize> {
    let rest = &text[from..];
    let skip = rest.len() - rest.trim_start().len();
    if rest[skip..].starts_with(form) {
        return Some(from + skip);
    }
    rest.find(form).map(|k| from + k)
}

/// Counts the spans present in both sorted lists.
fn matches(gold: &[Span], predicted: &[Span]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < gold.len() && j < predicted.len() {
        match gold[i].cmp(&predicted[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Runs the segmenter over a rebuilt text and scores sentences and tokens (exact span match).
pub fn score(gold: &Gold, segmenter: &Segmenter) -> (Score, Score) {
    let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
    segmenter.segment(&gold.text, &mut tokens, &mut sentences);
    let mut gs = gold.sentences.clone();
    let mut gt = gold.tokens.clone();
    gs.sort_unstable();
    gt.sort_unstable();
    let ps: Vec<Span> = sentences.iter().collect();
    let pt: Vec<Span> = tokens.iter().collect();
    let sent = Score {
        label: "sentences",
        gold: gs.len(),
        predicted: ps.len(),
        correct: matches(&gs, &ps),
    };
    let tok = Score {
        label: "tokens",
        gold: gt.len() + gold.unlocated,
        predicted: pt.len(),
        correct: matches(&gt, &pt),
    };
    (sent, tok)
}

/// Scores sentence *boundaries* over a rebuilt text: a boundary is the byte offset where a
/// sentence ends (after its last token); the gold boundaries are the ends of the gold sentences.
/// Looser than the span score of [`score`]: one missed boundary costs one item, not two spans.
pub fn score_boundaries(gold: &Gold, segmenter: &Segmenter) -> Score {
    let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
    segmenter.segment(&gold.text, &mut tokens, &mut sentences);
    let as_points = |spans: &mut dyn Iterator<Item = Span>| {
        let mut v: Vec<Span> = spans.map(|s| Span::new(s.end, s.end)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let g = as_points(&mut gold.sentences.iter().copied());
    let p = as_points(&mut sentences.iter());
    Score {
        label: "sentence-boundaries",
        gold: g.len(),
        predicted: p.len(),
        correct: matches(&g, &p),
    }
}

/// Scores sentence boundaries over the text rebuilt from a CoNLL-U file: returns the boundary
/// score (see [`score_boundaries`]) and the exact-span score (see [`sentences`]).
pub fn sentences_report(conllu: &Path, segmenter: &Segmenter) -> anyhow::Result<(Score, Score)> {
    let gold = rebuild(conllu, |_| true)?;
    Ok((
        score_boundaries(&gold, segmenter),
        score(&gold, segmenter).0,
    ))
}

/// Scores sentence boundaries over the text rebuilt from a CoNLL-U file.
///
/// The whole file is rebuilt into one text (see [`Gold`]) and segmented at once; a predicted
/// sentence counts when its span (first token start to last token end) equals a gold sentence's
/// `# text` span exactly.
pub fn sentences(conllu: &Path, segmenter: &Segmenter) -> anyhow::Result<Score> {
    Ok(score(&rebuild(conllu, |_| true)?, segmenter).0)
}

/// Scores tokens (UD syntactic words) over the text rebuilt from a CoNLL-U file.
///
/// A predicted token counts when its span equals a gold word's span exactly; a multiword token
/// whose words do not spell its surface form is one gold item.
pub fn tokens(conllu: &Path, segmenter: &Segmenter) -> anyhow::Result<Score> {
    Ok(score(&rebuild(conllu, |_| true)?, segmenter).1)
}

/// Trains the sentence-boundary model from CoNLL-U files, writes it to `out` and returns a
/// one-paragraph summary for the terminal.
///
/// GUM documents of non-commercial genres are skipped (see [`commercially_usable`]).
pub fn train_segmenter(train: &[PathBuf], out: &Path) -> anyhow::Result<String> {
    train_segmenter_with(train, out, &TrainConfig::default())
}

/// [`train_segmenter`] with explicit training settings.
pub fn train_segmenter_with(
    train: &[PathBuf],
    out: &Path,
    config: &TrainConfig,
) -> anyhow::Result<String> {
    let mut golds = Vec::new();
    for path in train {
        golds.push(rebuild(path, commercially_usable)?);
    }
    let ends: Vec<Vec<u32>> = golds
        .iter()
        .map(|g| g.sentences.iter().map(|s| s.end).collect())
        .collect();
    let docs: Vec<TrainDoc<'_>> = golds
        .iter()
        .zip(&ends)
        .map(|(g, e)| TrainDoc {
            text: &g.text,
            sentence_ends: e,
        })
        .collect();
    let trained = dyad_text::train::train(&docs, config);
    if let Some(dir) = out.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    std::fs::write(out, &trained.bytes)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let sentences: usize = golds.iter().map(|g| g.sentences.len()).sum();
    Ok(format!(
        "trained on {} file(s), {} sentences, {} bytes of text: {} candidate boundaries ({} sentence \
         ends), {} ends made by rules, {} unreachable; {} epochs, 2^{} weights, training accuracy \
         {:.2}%; wrote {} ({} bytes)",
        train.len(),
        sentences,
        golds.iter().map(|g| g.text.len()).sum::<usize>(),
        trained.examples,
        trained.positives,
        trained.rule_ends,
        trained.unreachable,
        config.epochs,
        config.bits,
        trained.train_accuracy,
        out.display(),
        trained.bytes.len()
    ))
}

/// The records of a JSONL gold file, each with its 1-based line number (blank lines skipped);
/// an unreadable file or a line that is not JSON is an error naming the file and line.
pub fn read_jsonl(path: &Path) -> anyhow::Result<Vec<(usize, serde_json::Value)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map(|v| (n + 1, v))
                .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))
        })
        .collect()
}

/// The arguments of `dyad eval geo|time|quotes`.
#[derive(Debug, clap::Args)]
pub struct GoldArgs {
    /// The gold file (JSONL, one passage per line with its text and gold annotations).
    #[arg(long)]
    pub gold: PathBuf,
    /// First list every miss, every spurious finding and every wrong value or speaker.
    #[arg(long)]
    pub errors: bool,
}
