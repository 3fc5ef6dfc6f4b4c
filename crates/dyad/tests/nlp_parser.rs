//! Parsing accuracy on the UD English EWT test set, when the shared corpora are checked out next
//! to the repository and the model files exist. Each floor is the measured score minus 0.3, so
//! that a change that makes parsing worse fails here.

use std::path::{Path, PathBuf};

use dyad::nlp::parser::{eval, load_tagger};
use dyad_nlp::parser::Parser;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

fn existing(p: PathBuf) -> Option<PathBuf> {
    p.exists().then_some(p)
}

#[track_caller]
fn check(predicted_tags: bool, min_uas: f64, min_las: f64) {
    let test = Path::new(SHARED).join("corpora/ud_english_ewt/en_ewt-ud-test.conllu");
    let Some(test) = existing(test) else {
        eprintln!("skipping: ../shared not found ({SHARED})");
        return;
    };
    let Some(model) = existing(Path::new(MODELS).join("parser/parser.bin")) else {
        eprintln!("skipping: models/parser/parser.bin not found");
        return;
    };
    let tagger = if predicted_tags {
        let Some(t) = existing(Path::new(MODELS).join("tagger/tagger.bin")) else {
            eprintln!("skipping: models/tagger/tagger.bin not found");
            return;
        };
        Some(load_tagger(&t).unwrap())
    } else {
        None
    };
    let parser = Parser::from_bytes(&std::fs::read(model).unwrap()).unwrap();
    let score = eval(&parser, tagger.as_ref(), &test).unwrap();
    eprintln!("{score}");
    assert!(score.uas() >= min_uas, "{score}");
    assert!(score.las() >= min_las, "{score}");
}

#[test]
fn ewt_test_predicted_tags() {
    // Measured with the shipped tagger: uas=85.80 las=82.56.
    check(true, 85.50, 82.26);
}

#[test]
fn ewt_test_gold_tags() {
    // Measured: uas=87.96 las=85.72.
    check(false, 87.66, 85.42);
}
