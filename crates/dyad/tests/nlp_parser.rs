//! Parsing accuracy on the UD English EWT test set, when the shared corpora are checked out next
//! to the repository and the model files exist. Each floor is the measured score minus 0.3, so
//! that a change that makes parsing worse fails here.

use std::path::{Path, PathBuf};

use dyad::nlp::parser::{eval, load_tagger};
use dyad_nlp::parser::Parser;

mod common;

const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

fn existing(p: PathBuf) -> Option<PathBuf> {
    p.exists().then_some(p)
}

#[track_caller]
fn check(predicted_tags: bool, min_uas: f64, min_las: f64) {
    let Some(test) = common::shared("corpora/ud_english_ewt/en_ewt-ud-test.conllu") else {
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
    // Measured with the shipped tagger: uas=86.21 las=83.11.
    check(true, 85.91, 82.81);
}

#[test]
fn ewt_test_gold_tags() {
    // Measured: uas=88.16 las=86.05.
    check(false, 87.86, 85.75);
}

#[test]
fn error_report_breaks_down_a_small_file() {
    let Some(model) = existing(Path::new(MODELS).join("parser/parser.bin")) else {
        eprintln!("skipping: models/parser/parser.bin not found");
        return;
    };
    let parser = Parser::from_bytes(&std::fs::read(model).unwrap()).unwrap();
    let conllu = "# text = Rebels attacked Kabul, officials said.\n\
        1\tRebels\trebel\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n\
        2\tattacked\tattack\tVERB\tVBD\t_\t6\tccomp\t_\t_\n\
        3\tKabul\tKabul\tPROPN\tNNP\t_\t2\tobj\t_\t_\n\
        4\t,\t,\tPUNCT\t,\t_\t2\tpunct\t_\t_\n\
        5\tofficials\tofficial\tNOUN\tNNS\t_\t6\tnsubj\t_\t_\n\
        6\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_\n\
        7\t.\t.\tPUNCT\t.\t_\t6\tpunct\t_\t_\n\n";
    let path =
        std::env::temp_dir().join(format!("dyad-error-report-{}.conllu", std::process::id()));
    std::fs::write(&path, conllu).unwrap();
    let report = dyad::nlp::parser::error_report(&parser, None, &path).unwrap();
    let score = eval(&parser, None, &path).unwrap();
    std::fs::remove_file(&path).ok();
    assert!(report.starts_with("relation"), "{report}");
    assert!(report.contains("\nccomp "), "{report}");
    assert!(report.contains("gold UPOS"), "{report}");
    assert!(
        report.contains("punctuation (predicted PUNCT): 2 marks"),
        "{report}"
    );
    let wrong_heads = score.words - score.heads;
    assert!(
        report.contains(&format!("errors: wrong head {wrong_heads},")),
        "{report}"
    );
}
