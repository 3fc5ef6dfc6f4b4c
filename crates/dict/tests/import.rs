//! Reads the real TABARI/PETRARCH dictionaries in `../shared/petrarch` when they are checked
//! out next to the repository; skips without them.

use std::path::{Path, PathBuf};

use dyad_core::Date;
use dyad_dict::{
    parse_actors, parse_agents, parse_discards, parse_issues, parse_verbs, read_dir, Diagnostic,
    Severity, TokenKind, VerbSyntax,
};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn petrarch() -> Option<PathBuf> {
    let dir = Path::new(SHARED).join("petrarch");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found ({SHARED})");
        None
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Prints the diagnostics and checks there are at most `max` warnings or errors.
fn few(diags: &[Diagnostic], max: usize) {
    for d in diags {
        eprintln!("{d}");
    }
    let serious = diags.iter().filter(|d| d.severity > Severity::Info).count();
    assert!(
        serious <= max,
        "{serious} diagnostics, expected at most {max}"
    );
}

#[test]
fn phoenix_countries_actors_has_thousands_and_dated_lavrov() {
    let Some(dir) = petrarch() else { return };
    let bytes = read(&dir, "Phoenix.Countries.actors.txt");
    let (dict, diags) = parse_actors("Phoenix.Countries.actors.txt", &bytes);
    few(&diags, 20);
    // Upstream's copy has Latin-1 bytes; a re-saved copy may not: either way say so exactly then.
    assert_eq!(
        std::str::from_utf8(&bytes).is_err(),
        diags.iter().any(|d| d.code == "invalid-utf8")
    );
    assert!(dict.entries.len() > 10_000, "{} actors", dict.entries.len());
    let lavrov = dict
        .entries
        .iter()
        .find(|e| e.names[0].raw == "SERGEY_LAVROV_")
        .expect("Lavrov");
    assert!(lavrov.names.iter().any(|n| n.text() == "SERGEI LAVROV"));
    let from = lavrov
        .codes
        .iter()
        .find(|c| c.code == "RUSGOV" && c.until.is_none())
        .and_then(|c| c.from);
    assert_eq!(from, Date::new(2004, 3, 9));
    assert_eq!(
        lavrov.code_at(Date::new(2022, 6, 1).unwrap()),
        Some("RUSGOV")
    );
    assert_eq!(lavrov.code_at(Date::new(1990, 6, 1).unwrap()), None);
}

#[test]
fn every_actor_file_reads() {
    let Some(dir) = petrarch() else { return };
    for (name, min) in [
        ("PETR.Validate.actors.txt", 50),
        ("Phoenix.International.actors.txt", 1_000),
        ("Phoenix.MilNonState.actors.txt", 300),
    ] {
        let (dict, diags) = parse_actors(name, &read(&dir, name));
        eprintln!("{name}: {} actors", dict.entries.len());
        few(&diags, 10);
        assert!(dict.entries.len() >= min, "{name}: {}", dict.entries.len());
    }
}

#[test]
fn agents_read() {
    let Some(dir) = petrarch() else { return };
    for (name, min) in [
        ("PETR.Validate.agents.txt", 50),
        ("Phoenix.agents.txt", 1_500),
    ] {
        let (dict, diags) = parse_agents(name, &read(&dir, name));
        eprintln!("{name}: {} agents", dict.entries.len());
        few(&diags, 5);
        assert!(dict.entries.len() >= min, "{name}: {}", dict.entries.len());
        assert!(dict.substitutions.iter().any(|s| s.marker == "!PERSON!"));
    }
}

#[test]
fn cameo_2_verbs_read() {
    let Some(dir) = petrarch() else { return };
    let (dict, diags) = parse_verbs("CAMEO.2.0.txt", &read(&dir, "CAMEO.2.0.txt"));
    few(&diags, 10);
    assert_eq!(dict.syntax, VerbSyntax::Petrarch2);
    let (verbs, patterns) = (dict.verbs().count(), dict.patterns().count());
    eprintln!(
        "CAMEO.2.0.txt: {} blocks, {verbs} verbs, {patterns} patterns, {} synsets, {} transformations",
        dict.blocks.len(),
        dict.synsets.len(),
        dict.transformations.len()
    );
    assert!(dict.blocks.len() > 300);
    assert!(verbs > 500, "{verbs}");
    assert!(patterns > 4_000, "{patterns}");
    assert!(dict.synsets.len() > 30);
    assert!(!dict.transformations.is_empty());
    assert!(dict
        .patterns()
        .any(|p| p.tokens.iter().any(|t| t.kind == TokenKind::OpenPrep)));
}

#[test]
fn validate_verbs_read() {
    let Some(dir) = petrarch() else { return };
    let (dict, diags) = parse_verbs(
        "PETR.Validate.verbs.txt",
        &read(&dir, "PETR.Validate.verbs.txt"),
    );
    few(&diags, 10);
    assert_eq!(dict.syntax, VerbSyntax::Petrarch1);
    let (verbs, patterns) = (dict.verbs().count(), dict.patterns().count());
    eprintln!(
        "PETR.Validate.verbs.txt: {verbs} verbs, {patterns} patterns, {} synsets",
        dict.synsets.len()
    );
    assert!(verbs > 200 && patterns > 450, "{verbs} {patterns}");
}

#[test]
fn discards_and_issues_read() {
    let Some(dir) = petrarch() else { return };
    for (name, min) in [
        ("PETR.Validate.discards.txt", 9),
        ("Phoenix.discards.txt", 400),
    ] {
        let (dict, diags) = parse_discards(name, &read(&dir, name));
        eprintln!("{name}: {} discards", dict.entries.len());
        few(&diags, 2);
        assert!(dict.entries.len() >= min);
        assert!(dict.entries.iter().any(|d| d.story));
    }
    let (dict, diags) = parse_issues(
        "Phoenix.IssueCoding.txt",
        &read(&dir, "Phoenix.IssueCoding.txt"),
    );
    eprintln!(
        "Phoenix.IssueCoding.txt: {} lines, {} categories",
        dict.entries.len(),
        dict.categories.len()
    );
    few(&diags, 5);
    assert!(dict.entries.len() > 2_000);
    assert!(dict.categories.len() > 10);
}

#[test]
fn read_dir_reads_every_dictionary() {
    let Some(dir) = petrarch() else { return };
    let (dicts, diags) = read_dir(&dir);
    let stats = dicts.stats();
    eprintln!("{stats}");
    few(&diags, 60);
    assert_eq!(stats.files, 11);
    assert_eq!(dicts.actors.len(), 4);
    assert_eq!(dicts.verbs.len(), 2);
    assert!(stats.dated_codes > 1_000);
}
