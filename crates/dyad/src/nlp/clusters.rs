//! Training of the word clusters (`models/clusters/clusters.bin`) from unlabelled text.
//!
//! The text: the news documents under `shared/news` (segmented and tokenized by dyad's own
//! segmenter, so the words are the ones dyad sees at run time) and the words of the UD
//! training and development files (GUM restricted to commercially usable genres). Test files
//! are never read.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use dyad_core::{Sentences, Tokens};
use dyad_nlp::clusters::{self, CorpusCounts, TrainConfig};

use super::read_usable;

/// The text files read under `shared`, relative to it.
pub const NEWS: [&str; 3] = [
    "news/wikinews_2019_2020.jsonl",
    "news/whitehouse_2021_2022.jsonl",
    "news/whitehouse_2023_2026.jsonl",
];
/// The UD files read under `shared` (their words only).
pub const UD: [&str; 4] = [
    "corpora/ud_english_ewt/en_ewt-ud-train.conllu",
    "corpora/ud_english_ewt/en_ewt-ud-dev.conllu",
    "corpora/ud_english_gum/en_gum-ud-train.conllu",
    "corpora/ud_english_gum/en_gum-ud-dev.conllu",
];

/// Counts the text under `shared`.
pub fn corpus(shared: &Path) -> anyhow::Result<(CorpusCounts, String)> {
    let mut counts = CorpusCounts::new();
    let mut summary = String::new();
    let segmenter = dyad_text::Segmenter::new();
    for f in NEWS {
        let path = shared.join(f);
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let before = counts.tokens();
        for (n, l) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let doc: serde_json::Value = serde_json::from_str(l)
                .with_context(|| format!("{}:{}: bad JSON", path.display(), n + 1))?;
            for field in ["title", "text"] {
                let Some(body) = doc[field].as_str() else {
                    continue;
                };
                let (mut tokens, mut sents) = (Tokens::default(), Sentences::default());
                segmenter.segment(body, &mut tokens, &mut sents);
                let mut words: Vec<&str> = Vec::new();
                for s in 0..sents.len() {
                    words.clear();
                    words.extend(sents.tokens(s).map(|t| &body[tokens.span(t).range()]));
                    counts.add_sentence(&words);
                }
            }
        }
        summary.push_str(&format!("{f}: {} words\n", counts.tokens() - before));
    }
    for f in UD {
        let path = shared.join(f);
        let before = counts.tokens();
        for s in read_usable(&path)? {
            let w: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            counts.add_sentence(&w);
        }
        summary.push_str(&format!("{f}: {} words\n", counts.tokens() - before));
    }
    summary.push_str(&format!(
        "total: {} words, {} distinct lowercased\n",
        counts.tokens(),
        counts.types()
    ));
    Ok((counts, summary))
}

/// Trains the clusters from the text under `shared` and writes them to `out`.
pub fn train(shared: &Path, out: &Path, config: &TrainConfig) -> anyhow::Result<String> {
    let start = Instant::now();
    let (counts, mut summary) = corpus(shared)?;
    let read = start.elapsed();
    let (cl, report) = clusters::train(&counts, config);
    let bytes = cl.to_bytes();
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    summary.push_str(&format!("{report}"));
    summary.push_str(&format!(
        "branching {:?}, {} passes per level, min count {}; read {:.1} s, clustered {:.1} s; wrote {} ({} bytes)\n",
        config.branching,
        config.iterations,
        config.min_count,
        read.as_secs_f64(),
        (start.elapsed() - read).as_secs_f64(),
        out.display(),
        bytes.len()
    ));
    // A few classes for the card: the finest classes of some probe words.
    let last = cl.levels() - 1;
    for probe in [
        "minister",
        "moscow",
        "attacked",
        "sanctions",
        "tuesday",
        "zelensky",
    ] {
        let c = cl.get(probe)[last];
        if c == clusters::NONE {
            continue;
        }
        let members: Vec<&str> = cl.members(last, c).take(12).collect();
        summary.push_str(&format!("  {probe}: {}\n", members.join(" ")));
    }
    Ok(summary)
}

/// Where `dyad train clusters` writes the clusters and where the other trainers read them
/// (relative to the working directory: the repository root).
pub const DEFAULT_CLUSTERS: &str = "models/clusters/clusters.bin";

/// Reads a clustering file.
pub fn load(path: &Path) -> anyhow::Result<dyad_nlp::clusters::Clusters> {
    let bytes = fs::read(path).with_context(|| {
        format!(
            "cannot read the word clusters {} (run `dyad train clusters` first)",
            path.display()
        )
    })?;
    dyad_nlp::clusters::Clusters::from_bytes(&bytes)
        .with_context(|| format!("bad clusters file {}", path.display()))
}

/// The clusters the other models train with: those embedded in this binary (the
/// [`DEFAULT_CLUSTERS`] file at build time: rebuild after `dyad train clusters`), or the file
/// named by the `DYAD_CLUSTERS` environment variable (for experiments).
pub fn load_default() -> anyhow::Result<dyad_nlp::clusters::Clusters> {
    match std::env::var_os("DYAD_CLUSTERS") {
        Some(path) => load(Path::new(&path)),
        None => dyad_nlp::clusters::Clusters::from_bytes(crate::models::CLUSTERS_BYTES)
            .context("the embedded word clusters are invalid"),
    }
}
