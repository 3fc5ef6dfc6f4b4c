//! The coder's constructions on hand-written Penn trees and small dictionaries in dyad's
//! format, so that each rule is checked apart from the statistical parser.

use dyad_coder::{penn, Coder, Context, Lexicon};
use dyad_core::Date;
use dyad_dict::{DictKind, Dictionaries};

const ACTORS: &str = "ARN\tArnor | Arnorian\nGON\tGondor\nMOR\tMordor\nROH\tRohan\n\
ARNGOV\tAragorn\t2001-01-01\t2010-12-31\tking\nARNELI\tAragorn\t2011-01-01\n";
const AGENTS: &str = "GOV\tminister | government\nMIL\ttroops | soldiers\n";
const VERBS: &str =
    "040\t[meet]\n040\t[meet] with +\n042\t[visit] +\n190\t[attack]\n190\t[attack] on +\n\
1246\t! [discuss] ceasefire\n040\t[discuss]\n010\t[say]\n163\t[impose] sanctions on +\n";
const DISCARDS: &str = "sentence\tfootball match\n";

fn lexicon() -> Lexicon {
    let mut d = Dictionaries::default();
    for (kind, name, text) in [
        (DictKind::Actors, "actors.tsv", ACTORS),
        (DictKind::Agents, "agents.tsv", AGENTS),
        (DictKind::Verbs, "verbs.tsv", VERBS),
        (DictKind::Discards, "discards.tsv", DISCARDS),
    ] {
        let diags = d.add_own(kind, name, text.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
    }
    Lexicon::compile(&d)
}

fn lemma(word: &str, tag: &str) -> String {
    let w = word.to_lowercase();
    let irregular = [
        ("met", "meet"),
        ("said", "say"),
        ("was", "be"),
        ("did", "do"),
        ("n't", "not"),
    ];
    if let Some((_, l)) = irregular.iter().find(|(f, _)| *f == w) {
        return l.to_string();
    }
    if tag.starts_with("VB") {
        for suf in ["ed", "s"] {
            if let Some(b) = w.strip_suffix(suf) {
                return if b.ends_with("ack") || b.ends_with("it") || b.ends_with("ss") {
                    b.to_string()
                } else {
                    format!("{b}e")
                };
            }
        }
    }
    if tag == "NNS" {
        if let Some(b) = w.strip_suffix('s') {
            return b.to_string();
        }
    }
    w
}

/// Codes `(text, parse)` sentences of one article; returns `SOURCE CODE TARGET` strings.
fn code(sentences: &[(&str, &str)], date: (i32, u32, u32)) -> Vec<String> {
    let lex = lexicon();
    let coder = Coder::new(&lex);
    let mut ctx = Context::default();
    let date = Date::new(date.0, date.1, date.2).unwrap();
    let mut out = Vec::new();
    for (text, parse) in sentences {
        let tree = penn::parse_tree(parse).unwrap();
        let sent = penn::to_sent(&tree, text, &lemma);
        for e in coder.code(&sent, date, &mut ctx).events {
            let a = |x: &Option<dyad_coder::ActorRef>| {
                x.as_ref().map_or("-".to_string(), |a| a.code.clone())
            };
            out.push(format!("{} {} {}", a(&e.source), e.code, a(&e.target)));
        }
    }
    out.sort();
    out
}

const D: (i32, u32, u32) = (2005, 6, 1);

#[test]
fn prepositional_target_and_agent() {
    let got = code(&[(
        "The Arnorian minister met with Gondor.",
        "(ROOT (S (NP (DT The) (JJ Arnorian) (NN minister)) (VP (VBD met) (PP (IN with) (NP (NNP Gondor)))) (. .)))",
    )], D);
    assert_eq!(got, ["ARNGOV 040 GON"]);
}

#[test]
fn passive_by_agent_is_the_source() {
    let got = code(&[(
        "Gondor was attacked by Mordor troops.",
        "(ROOT (S (NP (NNP Gondor)) (VP (VBD was) (VP (VBN attacked) (PP (IN by) (NP (NNP Mordor) (NNS troops))))) (. .)))",
    )], D);
    assert_eq!(got, ["MORMIL 190 GON"]);
}

#[test]
fn compound_subject_gives_one_event_per_dyad() {
    let got = code(&[(
        "Arnor and Rohan visited Gondor.",
        "(ROOT (S (NP (NP (NNP Arnor)) (CC and) (NP (NNP Rohan))) (VP (VBD visited) (NP (NNP Gondor))) (. .)))",
    )], D);
    assert_eq!(got, ["ARN 042 GON", "ROH 042 GON"]);
}

#[test]
fn negation_takes_only_negated_patterns() {
    // "discuss" alone would be 040; negated and with "ceasefire" it is 1246.
    let got = code(&[(
        "Mordor did n't discuss a ceasefire with Gondor.",
        "(ROOT (S (NP (NNP Mordor)) (VP (VBD did) (RB n't) (VP (VB discuss) (NP (DT a) (NN ceasefire)) (PP (IN with) (NP (NNP Gondor))))) (. .)))",
    )], D);
    assert_eq!(got, ["MOR 1246 GON"]);
    let got = code(&[(
        "Mordor did not meet Gondor.",
        "(ROOT (S (NP (NNP Mordor)) (VP (VBD did) (RB not) (VP (VB meet) (NP (NNP Gondor)))) (. .)))",
    )], D);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn noun_trigger_with_possessive_source() {
    let got = code(&[(
        "Mordor's attack on Gondor failed.",
        "(ROOT (S (NP (NP (NNP Mordor) (POS 's)) (NN attack) (PP (IN on) (NP (NNP Gondor)))) (VP (VBD failed)) (. .)))",
    )], D);
    assert_eq!(got, ["MOR 190 GON"]);
}

#[test]
fn reported_speech_codes_the_embedded_event() {
    let got = code(&[(
        "Aragorn said Mordor attacked Gondor.",
        "(ROOT (S (NP (NNP Aragorn)) (VP (VBD said) (SBAR (S (NP (NNP Mordor)) (VP (VBD attacked) (NP (NNP Gondor)))))) (. .)))",
    )], D);
    assert_eq!(got, ["MOR 190 GON"]);
    // A bare statement is coded when nothing else is.
    let got = code(&[(
        "Aragorn said nothing to Gondor.",
        "(ROOT (S (NP (NNP Aragorn)) (VP (VBD said) (NP (NN nothing)) (PP (TO to) (NP (NNP Gondor)))) (. .)))",
    )], D);
    assert_eq!(got, ["ARNGOV 010 GON"]);
}

#[test]
fn pronouns_refer_to_the_last_person() {
    let got = code(
        &[
            (
                "Aragorn arrived.",
                "(ROOT (S (NP (NNP Aragorn)) (VP (VBD arrived)) (. .)))",
            ),
            (
                "He visited Gondor.",
                "(ROOT (S (NP (PRP He)) (VP (VBD visited) (NP (NNP Gondor))) (. .)))",
            ),
        ],
        D,
    );
    assert_eq!(got, ["ARNGOV 042 GON"]);
}

#[test]
fn actor_codes_follow_the_story_date() {
    let s = [(
        "Aragorn visited Gondor.",
        "(ROOT (S (NP (NNP Aragorn)) (VP (VBD visited) (NP (NNP Gondor))) (. .)))",
    )];
    assert_eq!(code(&s, (2005, 1, 1)), ["ARNGOV 042 GON"]);
    assert_eq!(code(&s, (2015, 1, 1)), ["ARNELI 042 GON"]);
    assert!(code(&s, (1990, 1, 1)).is_empty());
}

#[test]
fn discards_stop_the_sentence() {
    let got = code(&[(
        "Arnor visited Gondor for a football match.",
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD visited) (NP (NNP Gondor)) (PP (IN for) (NP (DT a) (NN football) (NN match)))) (. .)))",
    )], D);
    assert!(got.is_empty());
}

#[test]
fn light_verb_noun_trigger() {
    let got = code(&[(
        "Arnor imposed sanctions on Mordor.",
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD imposed) (NP (NNS sanctions)) (PP (IN on) (NP (NNP Mordor)))) (. .)))",
    )], D);
    assert_eq!(got, ["ARN 163 MOR"]);
}

#[test]
fn petrarch_paired_codes_and_forms() {
    let mut d = Dictionaries::default();
    d.add(
        DictKind::Actors,
        "t.actors.txt",
        b"ARNOR [ARN]\nGONDOR [GON]\n",
    );
    d.add(
        DictKind::Verbs,
        "t.verbs.txt",
        b"--- LEAVE [012] ---\nLEAVE\n\n--- LEFT [032:033] ---\nLEFT\n",
    );
    let lex = Lexicon::compile(&d);
    let text = "Arnor left for Gondor.";
    let tree = penn::parse_tree(
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD left) (PP (IN for) (NP (NNP Gondor)))) (. .)))",
    )
    .unwrap();
    let sent = penn::to_sent(&tree, text, &|w, _| {
        if w == "left" {
            "leave".into()
        } else {
            w.to_lowercase()
        }
    });
    let events = Coder::new(&lex)
        .code(
            &sent,
            Date::new(1995, 1, 1).unwrap(),
            &mut Context::default(),
        )
        .events;
    let got: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.source.as_ref().unwrap().code,
                e.code,
                e.target.as_ref().unwrap().code
            )
        })
        .collect();
    assert_eq!(got, ["ARN 032 GON", "GON 033 ARN"]);
}
