//! Segmentation accuracy on the UD English EWT and GUM test sets, when the shared corpora are
//! checked out next to the repository. Each floor is the measured score minus 0.3, so that a
//! change that makes segmentation worse fails here.

mod common;

use std::path::PathBuf;

use dyad::eval;
use dyad_text::Segmenter;

/// A UD corpus file under `../shared/corpora`, or `None` (skipped; a failure with
/// `DYAD_REQUIRE_SHARED=1`).
#[track_caller]
fn corpus(name: &str, file: &str) -> Option<PathBuf> {
    common::shared(&format!("corpora/{name}/{file}"))
}

#[track_caller]
fn check(name: &str, file: &str, min_sentence_f1: f64, min_token_f1: f64) {
    let Some(path) = corpus(name, file) else {
        return;
    };
    let gold = eval::rebuild(&path, |_| true).unwrap();
    let (sentences, tokens) = eval::score(&gold, &Segmenter::new());
    eprintln!("{file}\n  {sentences}\n  {tokens}");
    assert!(sentences.f1() >= min_sentence_f1, "{file}: {sentences}");
    assert!(tokens.f1() >= min_token_f1, "{file}: {tokens}");
}

#[test]
fn ewt_test() {
    // Measured: sentences F1 89.83, tokens F1 99.08.
    check("ud_english_ewt", "en_ewt-ud-test.conllu", 89.53, 98.78);
}

#[test]
fn gum_test() {
    // Measured: sentences F1 95.84, tokens F1 99.67.
    check("ud_english_gum", "en_gum-ud-test.conllu", 95.54, 99.37);
}

#[test]
fn score_functions_agree_with_score() {
    let Some(path) = corpus("ud_english_ewt", "en_ewt-ud-dev.conllu") else {
        return;
    };
    let seg = Segmenter::new();
    let gold = eval::rebuild(&path, |_| true).unwrap();
    let (s, t) = eval::score(&gold, &seg);
    assert_eq!(eval::sentences(&path, &seg).unwrap(), s);
    assert_eq!(eval::tokens(&path, &seg).unwrap(), t);
}
