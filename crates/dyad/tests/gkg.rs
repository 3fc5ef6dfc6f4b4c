//! The knowledge-graph record: counts on the project's own sentences, and `dyad code --gkg` on
//! the seed article.

mod common;

use dyad_core::{Article, Doc};

fn counts(text: &str) -> Vec<(String, u64, String)> {
    let mut doc = Doc::new(Article::new("t", text));
    dyad::pipeline::Annotator::new().annotate(&mut doc);
    dyad::counts::counts(&doc)
        .into_iter()
        .map(|c| (c.kind.to_string(), c.number, c.object))
        .collect()
}

#[test]
fn counts_of_own_sentences() {
    let cases: [(&str, (&str, u64, &str)); 6] = [
        (
            "At least 12 people were killed when a car bomb exploded in Mogadishu on Saturday.",
            ("KILL", 12, "people"),
        ),
        (
            "Police arrested 35 protesters outside parliament in 2019.",
            ("PROTEST", 35, "protesters"),
        ),
        (
            "Gunmen kidnapped three aid workers near Goma.",
            ("KIDNAP", 3, "workers"),
        ),
        (
            "The floods affected 1.2 million people in Sindh province.",
            ("AFFECT", 1_200_000, "people"),
        ),
        (
            "Customs officers seized 200 rifles at the port.",
            ("SEIZE", 200, "rifles"),
        ),
        (
            "More than 40,000 refugees crossed the border last week.",
            ("DISPLACED", 40_000, "refugees"),
        ),
    ];
    for (text, (kind, n, object)) in cases {
        let got = counts(text);
        assert!(
            got.contains(&(kind.to_string(), n, object.to_string())),
            "{text}: {got:?}"
        );
    }
    // A year, a round of talks and a count of nothing the types name are no counts.
    assert!(counts("Three earlier rounds of talks in 2019 yielded few results.").is_empty());
}

#[test]
fn seed_article_record() {
    let Some(path) = common::shared("seed/antalya-talks-2022-03-10.txt") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dyad-gkg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gkg = dir.join("gkg.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["code", "--quiet", "--date", "2022-03-10", "--gkg"])
        .arg(&gkg)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&gkg)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let counts = record["counts"].as_array().unwrap();
    assert!(
        counts
            .iter()
            .any(|c| c["type"] == "DISPLACED" && c["number"] == 2_000_000),
        "{counts:?}"
    );
    let dates: Vec<&str> = record["dates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["value"].as_str())
        .collect();
    for v in ["2022-03-10", "2022-03-09", "2022-02-24", "2014"] {
        assert!(dates.contains(&v), "{v} not in {dates:?}");
    }
    // Each quote of Kuleba, Lavrov (two), Zelensky and Zhovkva (one direct, one reported) has
    // its speaker.
    let quotes = record["quotes"].as_array().unwrap();
    for (opening, speaker) in [
        ("The broad narrative he conveyed", "Kuleba"),
        ("but those contacts must have added value", "Lavrov"),
        ("We want a Ukraine that’s friendly", "Lavrov"),
        ("only after the direct talks", "Zelensky"),
        ("our first and foremost pre-condition", "Zhovkva"),
        ("Ukraine is insisting on security guarantees", "Zhovkva"),
    ] {
        let q = quotes
            .iter()
            .find(|q| q["text"].as_str().unwrap().starts_with(opening))
            .unwrap_or_else(|| panic!("no quote {opening:?} in {quotes:?}"));
        let found = q["speaker"].as_str().unwrap_or("");
        assert!(
            found.contains(speaker),
            "{opening:?}: speaker {found:?}, not {speaker}"
        );
    }
    let tone = &record["tone"];
    assert!(tone["words"].as_u64().unwrap() > 500, "{tone}");
    assert!(tone["negative"].as_f64().unwrap() > 0.0, "{tone}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tone_of_own_sentences() {
    let tone = |text: &str| {
        let mut doc = Doc::new(Article::new("t", text));
        dyad::pipeline::Annotator::new().annotate(&mut doc);
        dyad::tone::tone(&doc)
    };
    let bad = tone("The attack killed dozens and destroyed the hospital in a brutal assault.");
    let good =
        tone("The leaders welcomed the peaceful agreement and praised the generous support.");
    assert!(bad.tone < 0.0 && good.tone > 0.0, "{bad:?} {good:?}");
    assert!((bad.polarity - (bad.positive + bad.negative)).abs() < 1e-9);
    assert!(good.activity > 0.0);
    assert_eq!(tone("We said it.").self_group, 100.0 / 3.0);
}

#[test]
fn themes_are_gdelt_names_and_tag_own_sentences() {
    let mut doc = Doc::new(Article::new(
        "t",
        "Refugees fled the shelling as the ceasefire collapsed. Police arrested protesters in March.",
    ));
    dyad::pipeline::Annotator::new().annotate(&mut doc);
    let found: Vec<&str> = dyad::themes::themes_of(&doc)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    for t in [
        "REFUGEES",
        "ARMEDCONFLICT",
        "CEASEFIRE",
        "ARREST",
        "PROTEST",
    ] {
        assert!(found.contains(&t), "{t} not in {found:?}");
    }
    // "March" the month is no protest march: one PROTEST, from "protesters".
    assert_eq!(
        found.iter().filter(|&&t| t == "PROTEST").count(),
        1,
        "{found:?}"
    );
    let Some(lookup) = common::shared("reference/gdelt/LOOKUP-GKGTHEMES.txt") else {
        return;
    };
    let known: std::collections::HashSet<String> = std::fs::read_to_string(lookup)
        .unwrap()
        .lines()
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    for name in dyad::themes::names() {
        assert!(known.contains(name), "{name} is no GDELT theme");
    }
}
