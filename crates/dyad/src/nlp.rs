//! Training and evaluation of dyad's statistical models from gold corpora (the I/O side of
//! `dyad-nlp`).

pub mod clusters;
pub mod ner;
pub mod parser;
pub mod tagger;

use std::path::Path;

use anyhow::Context;
use dyad_io::conllu::{self, Sentence};

use crate::eval::commercially_usable;

/// Reads every sentence of a CoNLL-U file.
pub(crate) fn read_conllu(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    conllu::read_file(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The sentences of `path` whose document passes the GUM license filter: only they may train a
/// model that dyad ships.
pub(crate) fn read_usable(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let mut keeping = true;
    let mut out = Vec::new();
    for s in read_conllu(path)? {
        if let Some(id) = &s.newdoc {
            keeping = commercially_usable(id);
        }
        if keeping {
            out.push(s);
        }
    }
    Ok(out)
}
