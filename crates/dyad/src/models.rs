//! dyad's trained models, embedded in the binary and loaded once for the life of the process.
//!
//! Holding them in a `static` lets every document borrow tag and relation names as
//! `&'static str` instead of copying them.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use dyad_core::{Doc, Entity, ROOT};
use dyad_nlp::lemma::Lemmatizer;
use dyad_nlp::ner::Ner;
use dyad_nlp::parser::Parser;
use dyad_nlp::tagger::{Tagger, Upos};

/// The POS tagger (`models/tagger/tagger.bin`).
pub static TAGGER_BYTES: &[u8] = include_bytes!("../../../models/tagger/tagger.bin");
/// The lemmatizer's exception table (`models/tagger/lemmas.bin`).
pub static LEMMAS_BYTES: &[u8] = include_bytes!("../../../models/tagger/lemmas.bin");
/// The dependency parser (`models/parser/parser.bin`).
pub static PARSER_BYTES: &[u8] = include_bytes!("../../../models/parser/parser.bin");
/// The word clusters the models were trained with (`models/clusters/clusters.bin`; each model
/// stores its own copy, so this one serves training only).
pub static CLUSTERS_BYTES: &[u8] = include_bytes!("../../../models/clusters/clusters.bin");
/// The named-entity recognizer (`models/ner/ner.bin`).
pub static NER_BYTES: &[u8] = include_bytes!("../../../models/ner/ner.bin");

/// Sentences longer than this many tokens are tagged but not parsed: greedy parsing is linear,
/// but such "sentences" are almost always tables or lists run together, and a cap keeps the
/// cost of one pathological article bounded.
pub const MAX_PARSE_TOKENS: usize = 256;

/// Every statistical model dyad ships.
#[derive(Debug)]
pub struct Models {
    /// Part-of-speech tagger.
    pub tagger: Tagger,
    /// Lemmatizer.
    pub lemmatizer: Lemmatizer,
    /// Dependency parser.
    pub parser: Parser,
    /// Named-entity recognizer.
    pub ner: Ner,
    /// How long loading took.
    pub load_time: Duration,
}

static MODELS: OnceLock<Models> = OnceLock::new();

impl Models {
    /// Loads the embedded models (a fresh copy; [`Models::builtin`] shares one). The embedded
    /// files are checked by the test suite, so a failure here means a broken build.
    pub fn load() -> Models {
        let start = Instant::now();
        let tagger = Tagger::from_bytes(TAGGER_BYTES).expect("embedded tagger model is valid");
        let lemmatizer =
            Lemmatizer::from_bytes(LEMMAS_BYTES).expect("embedded lemmatizer is valid");
        let parser = Parser::from_bytes(PARSER_BYTES).expect("embedded parser model is valid");
        let ner = Ner::from_bytes(NER_BYTES).expect("embedded NER model is valid");
        Models {
            tagger,
            lemmatizer,
            parser,
            ner,
            load_time: start.elapsed(),
        }
    }

    /// The built-in models, loaded on first use.
    pub fn builtin() -> &'static Models {
        MODELS.get_or_init(Models::load)
    }

    /// The built-in lemmatizer alone: the built-in models' when they are loaded, else one
    /// loaded by itself, so that coding a stored annotation (which lemmatizes only titles and
    /// supplied parses) does not load the tagger, parser and recognizer.
    pub fn builtin_lemmatizer() -> &'static Lemmatizer {
        static LEMMATIZER: OnceLock<Lemmatizer> = OnceLock::new();
        match MODELS.get() {
            Some(models) => &models.lemmatizer,
            None => LEMMATIZER.get_or_init(|| {
                Lemmatizer::from_bytes(LEMMAS_BYTES).expect("embedded lemmatizer is valid")
            }),
        }
    }
}

/// Reusable buffers for annotating one sentence at a time.
#[derive(Debug, Default)]
pub struct Scratch {
    upos: Vec<Upos>,
    xpos: Vec<u16>,
    upos_names: Vec<&'static str>,
    xpos_names: Vec<&'static str>,
    heads: Vec<u32>,
    labels: Vec<u16>,
}

/// Which statistical stages to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stages {
    /// POS tags and lemmas.
    pub tag: bool,
    /// Dependency parse (needs tags).
    pub parse: bool,
    /// Named entities.
    pub ner: bool,
}

impl Stages {
    /// Every stage.
    pub const ALL: Stages = Stages {
        tag: true,
        parse: true,
        ner: true,
    };
    /// None: segmentation only.
    pub const NONE: Stages = Stages {
        tag: false,
        parse: false,
        ner: false,
    };
}

impl Models {
    /// Tags, lemmatizes, parses and finds the entities of every sentence of a segmented
    /// document, filling [`Doc::tags`] and [`Doc::entities`].
    pub fn annotate(&'static self, doc: &mut Doc, stages: Stages, scratch: &mut Scratch) {
        let n = doc.tokens.len();
        let tags = &mut doc.tags;
        tags.clear();
        doc.entities.clear();
        if stages.tag {
            tags.upos.reserve(n);
            tags.xpos.reserve(n);
            tags.lemma.reserve(n);
        }
        if stages.parse {
            tags.head.reserve(n);
            tags.deprel.reserve(n);
        }
        let text = doc.article.text.as_str();
        let mut words: Vec<&str> = Vec::with_capacity(64);
        for s in 0..doc.sentences.len() {
            let range = doc.sentences.tokens(s);
            words.clear();
            words.extend(range.clone().map(|t| &text[doc.tokens.span(t).range()]));
            if stages.tag || stages.parse {
                self.tagger
                    .tag(&words, &mut scratch.upos, &mut scratch.xpos);
                scratch.upos_names.clear();
                scratch.xpos_names.clear();
                scratch
                    .upos_names
                    .extend(scratch.upos.iter().map(|u| u.as_str()));
                scratch
                    .xpos_names
                    .extend(scratch.xpos.iter().map(|&x| self.tagger.xpos_name(x)));
            }
            if stages.tag {
                tags.upos.extend_from_slice(&scratch.upos_names);
                tags.xpos.extend_from_slice(&scratch.xpos_names);
                for (i, w) in words.iter().enumerate() {
                    let lemma = self
                        .lemmatizer
                        .lemma(w, scratch.upos[i], scratch.xpos_names[i]);
                    tags.lemma.push(lemma.into_owned().into_boxed_str());
                }
            }
            if stages.parse {
                let first = range.start as u32;
                if words.len() <= MAX_PARSE_TOKENS {
                    self.parser.parse(
                        &words,
                        &scratch.upos_names,
                        &scratch.xpos_names,
                        &mut scratch.heads,
                        &mut scratch.labels,
                    );
                    for (&h, &l) in scratch.heads.iter().zip(&scratch.labels) {
                        tags.head.push(if h == 0 { ROOT } else { first + h - 1 });
                        tags.deprel.push(self.parser.label_name(l));
                    }
                } else {
                    // Unparsed: a flat tree under the first token, so the columns stay aligned.
                    for i in 0..words.len() {
                        tags.head.push(if i == 0 { ROOT } else { first });
                        tags.deprel.push(if i == 0 { "root" } else { "dep" });
                    }
                }
            }
        }
        if stages.ner {
            // The whole document at once, so that a name gets the same label everywhere.
            let sentences: Vec<Vec<&str>> = (0..doc.sentences.len())
                .map(|s| {
                    doc.sentences
                        .tokens(s)
                        .map(|t| &text[doc.tokens.span(t).range()])
                        .collect()
                })
                .collect();
            for (s, ents) in self.ner.entities_doc(&sentences).into_iter().enumerate() {
                let first = doc.sentences.tokens(s).start;
                for e in &ents {
                    let (a, z) = (first + e.start, first + e.end);
                    let span =
                        dyad_core::Span::new(doc.tokens.span(a).start, doc.tokens.span(z - 1).end);
                    doc.entities.push(Entity {
                        span,
                        tokens: a as u32..z as u32,
                        sentence: s as u32,
                        label: e.label.as_str(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shipped model loads and writes itself back byte for byte: the in-memory layouts
    /// (compact hash slots, quantized tables) lose nothing the file holds.
    #[test]
    fn shipped_models_round_trip() {
        let m = Models::load();
        assert!(m.tagger.to_bytes() == TAGGER_BYTES, "tagger");
        assert!(m.lemmatizer.to_bytes() == LEMMAS_BYTES, "lemmatizer");
        assert!(m.parser.to_bytes() == PARSER_BYTES, "parser");
        assert!(m.ner.to_bytes() == NER_BYTES, "NER");
    }
}
