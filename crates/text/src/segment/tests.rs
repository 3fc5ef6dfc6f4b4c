//! Table-driven tests: each case is the input and the expected segmentation, one sentence per
//! line with tokens separated by `|`.

use dyad_core::{Sentences, Tokens};
use proptest::prelude::*;

use crate::testing::check_spans;
use crate::Segmenter;

fn render(text: &str) -> String {
    let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
    Segmenter::new().segment(text, &mut tokens, &mut sentences);
    check_spans(text, &tokens, &sentences);
    (0..sentences.len())
        .map(|k| {
            sentences
                .tokens(k)
                .map(|i| &text[tokens.span(i).range()])
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check(input: &str, expect: &str) {
    assert_eq!(render(input), expect, "input: {input:?}");
}

#[test]
fn empty_and_whitespace() {
    check("", "");
    check(" \n\t\u{a0} ", "");
}

#[test]
fn two_plain_sentences() {
    check(
        "Troops entered the city. Residents fled.",
        "Troops|entered|the|city|.\nResidents|fled|.",
    );
}

#[test]
fn abbreviations_keep_their_period() {
    check(
        "Gen. Ali met U.S. and U.N. envoys on Feb. 3 with Mr. Smith.",
        "Gen.|Ali|met|U.S.|and|U.N.|envoys|on|Feb.|3|with|Mr.|Smith|.",
    );
}

#[test]
fn abbreviation_then_number_ends_sentence() {
    check(
        "They met on Jan. 5. Talks failed.",
        "They|met|on|Jan.|5|.\nTalks|failed|.",
    );
}

#[test]
fn initials() {
    check(
        "George W. Bush and J. R. Smith spoke.",
        "George|W.|Bush|and|J.|R.|Smith|spoke|.",
    );
}

#[test]
fn sentence_final_acronym() {
    check(
        "He moved to the U.S. He liked it.",
        "He|moved|to|the|U.S.\nHe|liked|it|.",
    );
}

#[test]
fn dateline_with_agency() {
    check(
        "ANKARA (Reuters) - Turkey said on Monday it would act.",
        "ANKARA|(|Reuters|)|-\nTurkey|said|on|Monday|it|would|act|.",
    );
}

#[test]
fn dateline_with_em_dash_and_date() {
    check(
        "WASHINGTON, March 3 — The president spoke.",
        "WASHINGTON|,|March|3|—\nThe|president|spoke|.",
    );
}

#[test]
fn dateline_with_colon() {
    check(
        "KYIV: Russian troops withdrew.",
        "KYIV|:\nRussian|troops|withdrew|.",
    );
}

#[test]
fn decimals_grouping_currency_percent() {
    check(
        "Prices rose 3.5% to $5.2 billion, or 1,000,000 units and €30 each.",
        "Prices|rose|3.5|%|to|$|5.2|billion|,|or|1,000,000|units|and|€|30|each|.",
    );
}

#[test]
fn ranges() {
    check(
        "In 2019-2021 and on 10–12 May.",
        "In|2019|-|2021|and|on|10|–|12|May|.",
    );
}

#[test]
fn phone_numbers_stay_whole() {
    check("Call 713-853-3989 now.", "Call|713-853-3989|now|.");
}

#[test]
fn urls_and_emails() {
    check(
        "See https://example.com/a?b=1. Write to press@un.org or www.un.org.",
        "See|https://example.com/a?b=1|.\nWrite|to|press@un.org|or|www.un.org|.",
    );
}

#[test]
fn hashtags_and_mentions() {
    check(
        "Protests under #FreeIran grew, @UN said.",
        "Protests|under|#FreeIran|grew|,|@UN|said|.",
    );
}

#[test]
fn straight_quotes() {
    check(
        "\"We will win,\" he said. \"Never.\"",
        "\"|We|will|win|,|\"|he|said|.\n\"|Never|.|\"",
    );
}

#[test]
fn curly_quotes() {
    check(
        "“We will win,” he said. ‘Fine.’",
        "“|We|will|win|,|”|he|said|.\n‘|Fine|.|’",
    );
}

#[test]
fn em_and_en_dashes() {
    check(
        "The army—which denied it—left – quickly.",
        "The|army|—|which|denied|it|—|left|–|quickly|.",
    );
}

#[test]
fn hyphens_split_as_ewt_except_prefixes() {
    check(
        "A full-fledged, non-profit e-mail campaign by pro-Kremlin groups.",
        "A|full|-|fledged|,|non-profit|e-mail|campaign|by|pro-Kremlin|groups|.",
    );
}

#[test]
fn contractions_and_possessives() {
    check(
        "I'm sure Russia's army didn't go. They can't and cannot. We're gonna win.",
        "I|'m|sure|Russia|'s|army|did|n't|go|.\nThey|ca|n't|and|can|not|.\nWe|'re|gon|na|win|.",
    );
}

#[test]
fn curly_apostrophes_and_plural_possessive() {
    check(
        "The rebels’ leader didn’t talk.",
        "The|rebels|’|leader|did|n’t|talk|.",
    );
}

#[test]
fn ellipses() {
    check(
        "Well... maybe. Wait…what?",
        "Well|...|maybe|.\nWait|…|what|?",
    );
}

#[test]
fn parentheses() {
    check(
        "The group (ISIS) attacked (again).",
        "The|group|(|ISIS|)|attacked|(|again|)|.",
    );
}

#[test]
fn blank_line_always_ends_a_sentence() {
    check(
        "no final punctuation\n\nand then more",
        "no|final|punctuation\nand|then|more",
    );
}

#[test]
fn headline_on_its_own_line() {
    check(
        "Troops Enter Kherson\nUkrainian forces entered the city on Friday.",
        "Troops|Enter|Kherson\nUkrainian|forces|entered|the|city|on|Friday|.",
    );
}

#[test]
fn wrapped_line_continues() {
    check(
        "Ukrainian forces entered the\ncity on Friday.",
        "Ukrainian|forces|entered|the|city|on|Friday|.",
    );
}

#[test]
fn photo_caption_in_parentheses() {
    check(
        "The leaders met. (Photo: Reuters) Talks go on.",
        "The|leaders|met|.\n(|Photo|:|Reuters|)\nTalks|go|on|.",
    );
}

#[test]
fn photo_credit_line() {
    check(
        "Photo by John Smith\nThe leaders met on Monday.",
        "Photo|by|John|Smith\nThe|leaders|met|on|Monday|.",
    );
}

#[test]
fn question_and_exclamation() {
    check(
        "Why now?! Nobody knows!!! Really.",
        "Why|now|?!\nNobody|knows|!!!\nReally|.",
    );
}

#[test]
fn times_and_am_pm() {
    check(
        "It began at 5:30 p.m. and 10am.",
        "It|began|at|5:30|p.m.|and|10|am|.",
    );
}

#[test]
fn emoticons() {
    check("Great news :) see you", "Great|news|:)|see|you");
    check(
        "Great news :) See you soon.",
        "Great|news|:)\nSee|you|soon|.",
    );
}

#[test]
fn embedded_model_loads() {
    let s = Segmenter::new();
    assert!(format!("{s:?}").contains("Model"));
}

#[test]
fn model_round_trips_through_bytes() {
    let m = crate::model::Model::from_bytes(super::EMBEDDED_MODEL).unwrap();
    let again = crate::model::Model::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(m.bits, again.bits);
    let max = m.weights.iter().fold(0f32, |a, w| a.max(w.abs()));
    assert!(m
        .weights
        .iter()
        .zip(&again.weights)
        .all(|(a, b)| (a - b).abs() <= max / 30000.0));
}

#[test]
fn integer_decisions_equal_float_decisions() {
    let m = crate::model::Model::from_bytes(super::EMBEDDED_MODEL).unwrap();
    assert!(m.quantized.is_some());
    let text = PIECES.join(" ") + "\n\n" + &PIECES.join("\n");
    let mut feats = [0u64; crate::model::N_FEATURES];
    let mut unfinished = feats;
    let (mut window, mut window2) = Default::default();
    let mut candidates = 0;
    super::for_each_candidate(
        &text,
        |ctx, first, i| {
            crate::model::features(ctx, first, i, &mut window, &mut feats);
            crate::model::unfinished_features(ctx, first, i, &mut window2, &mut unfinished);
            assert_eq!(m.is_boundary(&unfinished), m.score(&feats) > m.threshold);
            candidates += 1;
            false
        },
        |_| {},
    );
    assert!(candidates > 20);
    // Random feature sets, many of them near the threshold (most weights are zero).
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..200_000 {
        for f in &mut unfinished {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *f = x;
        }
        let feats = unfinished.map(crate::model::finish);
        assert_eq!(m.is_boundary(&unfinished), m.score(&feats) > m.threshold);
    }
}

#[test]
fn general_punctuation_has_no_letters_digits_or_case() {
    for c in '\u{2000}'..='\u{206f}' {
        assert!(crate::tokenize::is_general_punctuation(c));
        assert!(
            !c.is_alphanumeric() && !c.is_uppercase() && !c.is_lowercase(),
            "{c:?}"
        );
        assert!(c.to_lowercase().eq([c]), "{c:?}");
    }
}

#[test]
fn appending_to_tables_that_hold_tokens() {
    // This used to read the flags of a token before the new ones and panic.
    let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
    let seg = Segmenter::new();
    let (a, b) = (
        "Troops entered the city.",
        "ANKARA (Reuters) - Talks. They met.",
    );
    seg.segment(a, &mut tokens, &mut sentences);
    seg.segment(b, &mut tokens, &mut sentences);
    let (mut t2, mut s2) = (Tokens::default(), Sentences::default());
    seg.segment(b, &mut t2, &mut s2);
    assert_eq!(tokens.len(), 5 + t2.len());
    assert_eq!(sentences.len(), 1 + s2.len());
    assert_eq!(sentences.tokens(1), 5..5 + s2.tokens(0).end);
}

#[test]
fn bad_model_bytes_are_an_error() {
    assert_eq!(
        Segmenter::from_model_bytes(b"nope").unwrap_err(),
        crate::ModelError::NotAModel
    );
    let mut b = super::EMBEDDED_MODEL.to_vec();
    b[7] = b[7].wrapping_add(1);
    assert!(matches!(
        Segmenter::from_model_bytes(&b),
        Err(crate::ModelError::Version { .. })
    ));
}

#[test]
fn training_is_deterministic() {
    use crate::train::{train, TrainConfig, TrainDoc};
    let text = "He left. She came. The U.S. Army won. Mr. Li spoke. Yes. No";
    let ends: Vec<u32> = [8, 18, 37, 50, 55, 58].into();
    let docs = [TrainDoc {
        text,
        sentence_ends: &ends,
    }];
    let cfg = TrainConfig {
        bits: 12,
        ..TrainConfig::default()
    };
    let (a, b) = (train(&docs, &cfg), train(&docs, &cfg));
    assert_eq!(a.bytes, b.bytes);
    assert!(a.examples > 0 && a.positives > 0);
    Segmenter::from_model_bytes(&a.bytes).unwrap();
}

#[test]
fn tables_can_be_reused_after_clear() {
    let seg = Segmenter::new();
    let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
    seg.segment("One. Two.", &mut tokens, &mut sentences);
    tokens.clear();
    sentences.clear();
    let text = "Three. Four.";
    seg.segment(text, &mut tokens, &mut sentences);
    assert_eq!((tokens.len(), sentences.len()), (4, 2));
    assert_eq!(&text[sentences.span(1).range()], "Four.");
}

/// Pieces that news text is made of, for generating tricky inputs.
const PIECES: &[&str] = &[
    "the",
    "U.S.",
    "Gen.",
    "Mr.",
    "said",
    "ANKARA",
    "(Reuters)",
    "-",
    "—",
    "–",
    ".",
    ",",
    "...",
    "…",
    "\"",
    "“",
    "”",
    "'",
    "’",
    "didn't",
    "Russia's",
    "cannot",
    "3.5%",
    "$5.2",
    "1,000",
    "2019-2021",
    "https://x.org/a",
    "a@b.com",
    "#tag",
    "@user",
    ":)",
    "(",
    ")",
    "\n",
    "\n\n",
    "?",
    "!",
    "e-mail",
    "full-fledged",
    "Photo",
    "(Photo:",
    "Reuters)",
    "Jan.",
    "5.",
    "é",
    "日本",
    "🙂",
    "\u{200b}",
    "\u{a0}",
    "n't",
    "'s",
    "--",
    "A.",
    "'90s",
];

fn news_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(PIECES),
            prop::sample::select(&["", " ", " ", "\n"][..]),
        ),
        0..40,
    )
    .prop_map(|v| v.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

proptest! {
    #[test]
    fn spans_are_valid_on_any_text(text in "\\PC{0,60}|[ \\n\\t.!?\"'()a-zA-Z0-9\u{a0}\u{2014}\u{2019}]{0,60}") {
        render(&text);
    }

    #[test]
    fn spans_are_valid_on_news_like_text(text in news_like()) {
        render(&text);
    }
}

#[test]
fn plural_possessive_apostrophe_is_no_sentence_end() {
    check(
        "They met Solomon Islands\u{2019} Prime Minister Sogavare on Friday.",
        "They|met|Solomon|Islands|\u{2019}|Prime|Minister|Sogavare|on|Friday|.",
    );
}
