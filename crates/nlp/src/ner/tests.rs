use super::*;
use proptest::prelude::*;

fn e(start: usize, end: usize, label: EntityLabel) -> Entity {
    Entity { start, end, label }
}

fn sentence(words: &str, entities: &[Entity]) -> TrainSentence {
    TrainSentence {
        words: words.split_whitespace().map(String::from).collect(),
        entities: entities.to_vec(),
        upos: Vec::new(),
    }
}

fn synthetic() -> Vec<TrainSentence> {
    use EntityLabel::*;
    vec![
        sentence(
            "Sergei Lavrov met Dmytro Kuleba in Antalya .",
            &[e(0, 2, Per), e(3, 5, Per), e(6, 7, Loc)],
        ),
        sentence("The United Nations condemned the attack .", &[e(1, 3, Org)]),
        sentence("Troops left Mosul on Friday .", &[e(2, 3, Loc)]),
        sentence(
            "Hamas and Fatah talked in Cairo .",
            &[e(0, 1, Org), e(2, 3, Org), e(5, 6, Loc)],
        ),
        sentence("nothing happened here .", &[]),
        sentence("the Syrian army and Turkish troops attacked .", &[]),
    ]
}

fn tagged(ner: &Ner, s: &TrainSentence) -> Vec<Entity> {
    let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    ner.entities(&words, &mut out);
    out.retain(|e| e.label != EntityLabel::Nat);
    out
}

#[test]
fn bilou_round_trip() {
    use EntityLabel::*;
    let ents = vec![e(0, 1, Per), e(1, 4, Org), e(5, 7, Loc), e(8, 9, Loc)];
    let tags = encode(10, &ents);
    assert_eq!(tags[0], tag(0, U));
    assert_eq!(&tags[1..4], &[tag(1, B), tag(1, I), tag(1, L)]);
    assert_eq!(tags[4], 0);
    let mut back = Vec::new();
    decode(&tags, &mut back);
    assert_eq!(back, ents);
    for w in tags.windows(2) {
        assert!(allowed(w[0], w[1]));
    }
}

#[test]
fn encode_skips_overlaps_and_nationalities() {
    use EntityLabel::*;
    let tags = encode(5, &[e(0, 2, Per), e(1, 3, Org), e(3, 4, Nat), e(4, 9, Loc)]);
    let mut back = Vec::new();
    decode(&tags, &mut back);
    assert_eq!(back, vec![e(0, 2, Per)]);
}

#[test]
fn learns_a_tiny_set_perfectly() {
    let data = synthetic();
    let (ner, report) = train(&data, &TrainConfig::default());
    assert_eq!(report.entities, 8);
    for s in &data {
        assert_eq!(tagged(&ner, s), s.entities, "{:?}", s.words);
    }
}

#[test]
fn training_is_deterministic() {
    let data = synthetic();
    let (a, _) = train(&data, &TrainConfig::default());
    let (b, _) = train(&data, &TrainConfig::default());
    assert_eq!(a.to_bytes(), b.to_bytes());
}

#[test]
fn model_bytes_round_trip() {
    let data = synthetic();
    let (ner, _) = train(&data, &TrainConfig::default());
    let bytes = ner.to_bytes();
    let back = Ner::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    for s in &data {
        assert_eq!(tagged(&back, s), tagged(&ner, s));
    }
}

#[test]
fn corrupt_bytes_are_refused() {
    let (ner, _) = train(&synthetic(), &TrainConfig::default());
    let bytes = ner.to_bytes();
    assert!(matches!(
        Ner::from_bytes(&bytes[..bytes.len() - 3]),
        Err(ModelError::Corrupt(_))
    ));
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert!(matches!(
        Ner::from_bytes(&flipped),
        Err(ModelError::Corrupt(_))
    ));
    assert!(matches!(
        Ner::from_bytes(b"garbage"),
        Err(ModelError::BadMagic)
    ));
    let other = model_file::write(b"TAGR", VERSION, &bytes[20..]);
    assert!(matches!(
        Ner::from_bytes(&other),
        Err(ModelError::WrongKind { .. })
    ));
}

#[test]
fn nationalities_come_from_the_gazetteer() {
    let (ner, _) = train(&synthetic(), &TrainConfig::default());
    let mut out = Vec::new();
    // The demonyms were `O` in training; the gazetteer names them.
    ner.entities(
        &[
            "the", "Syrian", "army", "and", "Turkish", "troops", "attacked", ".",
        ],
        &mut out,
    );
    assert_eq!(
        out,
        vec![e(1, 2, EntityLabel::Nat), e(4, 5, EntityLabel::Nat)]
    );
    assert!(is_nationality("russian") && is_title("Gen.") && !is_title("Lavrov"));
    assert!(Gazetteer::builtin().len() > 600);
}

#[test]
fn empty_sentence() {
    let (ner, _) = train(&synthetic(), &TrainConfig::default());
    let mut out = vec![e(0, 1, EntityLabel::Per)];
    ner.entities(&[], &mut out);
    assert!(out.is_empty());
}

fn check_spans(n: usize, out: &[Entity]) {
    let mut last = 0;
    for x in out {
        assert!(x.start < x.end && x.end <= n, "{x:?} in {n} words");
        assert!(x.start >= last, "overlap at {x:?}");
        last = x.end;
    }
}

proptest! {
    #[test]
    fn decoding_gives_valid_spans(words in proptest::collection::vec("[A-Za-z.,'-]{1,8}|Lavrov|Cairo|United|Nations", 0..20)) {
        static NER: std::sync::OnceLock<Ner> = std::sync::OnceLock::new();
        let ner = NER.get_or_init(|| train(&synthetic(), &TrainConfig::default()).0);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        ner.entities(&words, &mut out);
        check_spans(words.len(), &out);
    }

    #[test]
    fn lenient_decode_gives_valid_spans(tags in proptest::collection::vec(0..NT, 0..30)) {
        let mut out = Vec::new();
        decode(&tags, &mut out);
        check_spans(tags.len(), &out);
    }

    #[test]
    fn encode_decode_round_trip(spans in proptest::collection::vec((0usize..20, 1usize..4, 0usize..3), 0..6)) {
        // Keep the non-overlapping spans in order, as encode would.
        let mut ents: Vec<Entity> = Vec::new();
        for (s, len, l) in spans {
            let x = e(s, (s + len).min(20), EntityLabel::LEARNED[l]);
            if ents.iter().all(|y| x.end <= y.start || x.start >= y.end) {
                ents.push(x);
            }
        }
        ents.sort();
        let mut back = Vec::new();
        decode(&encode(20, &ents), &mut back);
        prop_assert_eq!(back, ents);
    }
}

/// A document of one sentence decodes as the sentence alone; in a longer document a name
/// found in one sentence is found wherever it recurs untagged, with one label throughout.
#[test]
fn entities_doc_keeps_one_label_per_name() {
    let (ner, _) = train(&synthetic(), &TrainConfig::default());
    let one = vec!["Hamas and Fatah talked in Cairo ."
        .split(' ')
        .collect::<Vec<_>>()];
    let mut alone = Vec::new();
    ner.entities(&one[0], &mut alone);
    assert_eq!(ner.entities_doc(&one), vec![alone]);
    let doc: Vec<Vec<&str>> = [
        "Hamas and Fatah talked in Cairo .",
        "Later Hamas left Cairo .",
    ]
    .iter()
    .map(|s| s.split(' ').collect())
    .collect();
    let all = ner.entities_doc(&doc);
    let found: Vec<(&str, EntityLabel)> = doc
        .iter()
        .zip(&all)
        .flat_map(|(w, es)| es.iter().map(move |e| (w[e.start], e.label)))
        .collect();
    for name in ["Hamas", "Cairo"] {
        let labels: Vec<_> = found.iter().filter(|f| f.0 == name).map(|f| f.1).collect();
        assert_eq!(labels.len(), 2, "{name}: {all:?}");
        assert_eq!(labels[0], labels[1], "{name}: {all:?}");
    }
}

#[test]
fn word_and_context_features_split_the_full_set_exactly() {
    // The per-form cache of entities_tagged relies on it: a word's own features plus the
    // others are all of its features, with and without tags, at every position.
    let lexicon = Lexicon::default();
    let gaz = gazetteer(&lexicon);
    let words = [
        "Russian", "Foreign", "Minister", "Sergei", "Lavrov", "met", "him", "in", "Antalya", ",",
        "Turkey", ",", "on", "10", "March", "2022", ".",
    ];
    let tags = [
        "ADJ", "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PRON", "ADP", "PROPN", "PUNCT",
        "PROPN", "PUNCT", "ADP", "NUM", "PROPN", "NUM", "PUNCT",
    ];
    let mut s = Scratch::default();
    for upos in [None, Some(&tags[..])] {
        s.prepare(&gaz, &lexicon, &words);
        s.set_upos(upos);
        for (i, word) in words.iter().enumerate() {
            let (mut all, mut split) = (Vec::new(), Vec::new());
            s.features(i, &mut all);
            s.features_part(i, &mut split, Part::Word);
            s.features_part(i, &mut split, Part::Context);
            all.sort_unstable();
            split.sort_unstable();
            assert_eq!(all, split, "word {i} ({word})");
        }
    }
}
