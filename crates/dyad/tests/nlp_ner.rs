//! The shipped NER model: accuracy on UNER English-EWT test (when `../shared` is present) and
//! behaviour on a few news sentences.

use std::path::Path;

use dyad_nlp::ner::{Entity, Ner};

/// UNER-EWT test micro-F1 of `models/ner/ner.bin` as measured when it was trained.
const MEASURED_F1: f64 = 64.25;

fn model() -> Ner {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/ner/ner.bin");
    Ner::from_bytes(&std::fs::read(path).expect("models/ner/ner.bin")).expect("valid model")
}

/// Tags a sentence (words split on spaces) and renders its entities as `LABEL words` lines.
fn check(sentence: &str, expect: &[&str]) {
    let words: Vec<&str> = sentence.split(' ').collect();
    let mut out: Vec<Entity> = Vec::new();
    model().entities(&words, &mut out);
    let got: Vec<String> = out
        .iter()
        .map(|e| format!("{} {}", e.label, words[e.start..e.end].join(" ")))
        .collect();
    assert_eq!(got, expect, "{sentence}");
}

#[test]
fn uner_ewt_test_f1() {
    let shared = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let test = shared.join("corpora/uner_english_ewt/en_ewt-ud-test.iob2");
    if !test.exists() {
        println!("skipping: {} not found", test.display());
        return;
    }
    let score = dyad::nlp::ner::eval(&model(), &test).unwrap();
    println!("{score}");
    assert!(score.f1() >= MEASURED_F1 - 0.5, "{score}");
}

#[test]
fn title_and_demonym_are_not_part_of_the_name() {
    check(
        "Russian Foreign Minister Sergei Lavrov met Ukraine 's Dmytro Kuleba in Antalya on Thursday .",
        &["NAT Russian", "PER Sergei Lavrov", "LOC Ukraine", "PER Dmytro Kuleba", "LOC Antalya"],
    );
}

#[test]
fn organisations_and_places() {
    check(
        "The United Nations Security Council condemned the attack in Damascus .",
        &["ORG United Nations Security Council", "LOC Damascus"],
    );
}

#[test]
fn agency_and_country() {
    check(
        "The IAEA said Iran had enriched uranium at Natanz .",
        &["ORG IAEA", "LOC Iran", "LOC Natanz"],
    );
}

#[test]
fn president_in_capital() {
    check(
        "French President Emmanuel Macron arrived in Beijing on Monday .",
        &["NAT French", "PER Emmanuel Macron", "LOC Beijing"],
    );
}
