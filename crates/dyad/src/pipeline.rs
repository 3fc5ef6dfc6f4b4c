//! The pipeline executor: a reader thread, a pool of workers and an ordered writer.
//!
//! Records are read on their own thread in batches, annotated in parallel on a rayon pool, and
//! handed to the sink in input order, so that output is byte-identical whatever the thread
//! count. A record that failed to read is passed to the sink as an error and the run goes on.

use std::thread;

use dyad_core::{Diagnostic, Doc, RecordError};
use dyad_io::read::Record;
use dyad_text::Segmenter;

use crate::models::{Models, Scratch, Stages};
use rayon::prelude::*;

/// Records per batch: large enough to keep every worker busy, small enough to bound memory
/// (a batch holds at most this many articles of at most the reader's size limit).
const BATCH: usize = 256;

/// The annotation stages, built once and shared by every worker.
#[derive(Debug, Clone)]
pub struct Annotator {
    segmenter: Segmenter,
    stages: Stages,
    models: Option<&'static Models>,
}

impl Default for Annotator {
    fn default() -> Self {
        Annotator::new()
    }
}

impl Annotator {
    /// The annotator with dyad's built-in resources and every stage.
    pub fn new() -> Annotator {
        Annotator::with_stages(Stages::ALL)
    }

    /// The annotator running segmentation plus the given statistical stages (the models are
    /// loaded only when a stage needs them).
    pub fn with_stages(stages: Stages) -> Annotator {
        let models = (stages != Stages::NONE).then(Models::builtin);
        Annotator {
            segmenter: Segmenter::new(),
            stages,
            models,
        }
    }

    /// The segmenter in use.
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// Annotates one document in place: language check, segmentation and tokenization, then
    /// the statistical stages (tags and lemmas, dependency parse, entities).
    /// Text that is confidently not English is passed through unannotated with a diagnostic.
    pub fn annotate(&self, doc: &mut Doc) {
        if let Some(guess) = dyad_text::language::detect(doc.text()) {
            if guess.reliable {
                doc.article.language = Some(guess.code.to_string());
                if guess.code != "eng" {
                    doc.diagnostics.push(Diagnostic::warning(
                        "not-english",
                        format!(
                            "detected language {} (confidence {:.2}); dyad annotates English only, \
                             so the article is passed through unannotated",
                            guess.code, guess.confidence
                        ),
                    ));
                    doc.annotated = false;
                    return;
                }
            }
        }
        doc.tokens.clear();
        doc.sentences.clear();
        let text = std::mem::take(&mut doc.article.text);
        self.segmenter
            .segment(&text, &mut doc.tokens, &mut doc.sentences);
        // A run-in heading or speaker label ("Cooperation with Mexico: …") is a sentence of its
        // own, so that the parser does not hang the clause after it on the heading.
        dyad_text::headings::split(&text, &doc.tokens, &mut doc.sentences);
        doc.article.text = text;
        if let Some(models) = self.models {
            models.annotate(doc, self.stages, &mut Scratch::default());
        }
        doc.annotated = true;
    }
}

/// Counts of what a run saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Articles read and written.
    pub articles: u64,
    /// Of those, articles passed through without annotation.
    pub unannotated: u64,
    /// Records that could not be read.
    pub failed: u64,
    /// Sentences produced.
    pub sentences: u64,
    /// Tokens produced.
    pub tokens: u64,
    /// Bytes of article text processed.
    pub bytes: u64,
}

/// How a run is executed.
#[derive(Debug, Clone, Copy)]
pub struct RunConfig {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

/// Runs `records` through the annotator and hands each result to `sink` in input order.
///
/// `render` runs on the workers right after annotation (typically serializing the document),
/// so that the single-threaded sink only writes; its result travels with the document.
/// The sink's error stops the run (for example a closed output pipe) and is returned.
pub fn run<T: Send, E: Send>(
    annotator: &Annotator,
    records: Box<dyn Iterator<Item = Record> + Send>,
    config: RunConfig,
    render: impl Fn(&Doc) -> T + Sync,
    mut sink: impl FnMut(Result<(&Doc, T), &RecordError>) -> Result<(), E>,
) -> Result<RunStats, E> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .thread_name(|i| format!("dyad-worker-{i}"))
        .build()
        .expect("building the worker pool");
    // Records travel one by one, and a batch is whatever has arrived, up to BATCH: a fast
    // reader fills whole batches, while a slow stream (a pipe, a message queue) has each article
    // annotated and written as soon as it arrives instead of waiting for a full batch.
    let (tx, rx) = crossbeam_channel::bounded::<Record>(2 * BATCH);
    let mut stats = RunStats::default();
    thread::scope(|scope| {
        scope.spawn(move || {
            for record in records {
                if tx.send(record).is_err() {
                    break;
                }
            }
        });
        // Dropping `rx` on an early return unblocks the reader thread, which then ends.
        while let Ok(first) = rx.recv() {
            let mut batch = Vec::with_capacity(BATCH);
            batch.push(first);
            batch.extend(rx.try_iter().take(BATCH - 1));
            let rendered: Vec<Option<T>> = pool.install(|| {
                batch
                    .par_iter_mut()
                    .map(|r| {
                        r.as_mut().ok().map(|doc| {
                            annotator.annotate(doc);
                            render(doc)
                        })
                    })
                    .collect()
            });
            for (record, rendered) in batch.iter().zip(rendered) {
                match (record, rendered) {
                    (Ok(doc), Some(rendered)) => {
                        stats.articles += 1;
                        stats.unannotated += u64::from(!doc.annotated);
                        stats.sentences += doc.sentences.len() as u64;
                        stats.tokens += doc.tokens.len() as u64;
                        stats.bytes += doc.text().len() as u64;
                        sink(Ok((doc, rendered)))?;
                    }
                    (Err(e), _) => {
                        stats.failed += 1;
                        sink(Err(e))?;
                    }
                    (Ok(_), None) => unreachable!("every article is rendered"),
                }
            }
        }
        Ok(stats)
    })
}
