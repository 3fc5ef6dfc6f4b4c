//! Accuracy of the shipped tagger and lemmatizer on UD English-EWT test (gold tokenization).
//! Reads `../shared`; skips without it.

use dyad::nlp::tagger::eval_with;
use dyad_nlp::lemma::Lemmatizer;
use dyad_nlp::tagger::Tagger;

mod common;

const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/tagger");

/// Scores measured when `models/tagger/tagger.bin` was trained (see its MODEL_CARD.md).
const EWT_TEST_UPOS: f64 = 95.79;
const EWT_TEST_XPOS: f64 = 95.15;
const EWT_TEST_LEMMA: f64 = 97.79;

#[test]
fn ewt_test_accuracy_holds() {
    let Some(test) = common::shared("corpora/ud_english_ewt/en_ewt-ud-test.conllu") else {
        return;
    };
    let read = |name: &str| std::fs::read(format!("{MODELS}/{name}")).expect("model file");
    let tagger = Tagger::from_bytes(&read("tagger.bin")).expect("tagger loads");
    let lemmas = Lemmatizer::from_bytes(&read("lemmas.bin")).expect("lemmatizer loads");
    let score = eval_with(&tagger, Some(&lemmas), &test).expect("scores");
    println!("{score}");
    assert_eq!(score.tokens, 25094);
    assert!(score.upos_accuracy() >= EWT_TEST_UPOS - 0.3, "{score}");
    assert!(score.xpos_accuracy() >= EWT_TEST_XPOS - 0.3, "{score}");
    assert!(
        score.lemma_accuracy().unwrap_or(0.0) >= EWT_TEST_LEMMA - 0.3,
        "{score}"
    );
}
