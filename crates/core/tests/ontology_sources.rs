//! The generator of `crates/core/data/*.tsv`: it compiles dyad's ontology tables from the
//! reference files in `../shared/reference` and checks that the committed tables are what it
//! produces.
//!
//! `cargo test -p dyad-core --test ontology_sources` compares; `UPDATE_EXPECT=1` rewrites the
//! tables. Without `../shared` the test says so and passes, because the product must build and
//! test from the committed tables alone. Every deliberate departure from the sources is in the
//! constants below, each with the reason, and is listed again in `crates/core/data/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Labels of the CAMEO 1.1b3 manual (chapter 6, "CAMEO event codes") where GDELT's
/// `CAMEO.eventcodes.txt` differs from it after whitespace is normalized. The issue asks for the
/// manual's labels; GDELT's file has misspellings ("matyerial"), a Mac-Roman mojibake (044) and,
/// in 101–108, labels from an older draft that shifted the codes against the Goldstein file.
const MANUAL_LABELS: &[(&str, &str)] = &[
    ("020", "Make an appeal or request, not specified below"),
    (
        "022",
        "Appeal for diplomatic cooperation (such as policy support)",
    ),
    ("025", "Appeal to yield, not specified below"),
    ("0252", "Appeal for easing of political dissent"),
    ("028", "Appeal to engage in or accept mediation"),
    (
        "032",
        "Express intent to engage in diplomatic cooperation (such as policy support)",
    ),
    (
        "033",
        "Express intent to provide material aid, not specified below",
    ),
    (
        "0355",
        "Express intent to allow international involvement (non-mediation)",
    ),
    ("044", "Meet at a \"third\" location"),
    (
        "083",
        "Accede to requests or demands for political reform, not specified below",
    ),
    (
        "086",
        "Allow international involvement, not specified below",
    ),
    ("0863", "Allow humanitarian access"),
    ("101", "Demand material cooperation, not specified below"),
    (
        "102",
        "Demand diplomatic cooperation (such as policy support)",
    ),
    ("103", "Demand material aid, not specified below"),
    ("105", "Demand that target yields, not specified below"),
    ("1056", "Demand de-escalation of military engagement"),
    ("106", "Demand meeting, negotiation"),
    ("107", "Demand settling of dispute"),
    ("108", "Demand mediation"),
    ("1312", "Threaten with sanctions, boycott, embargo"),
    ("1321", "Threaten with restrictions on political freedoms"),
    ("133", "Threaten with political dissent, protest"),
    ("137", "Threaten with repression"),
    ("138", "Threaten with military force, not specified below"),
    ("141", "Demonstrate or rally, not specified below"),
    ("144", "Obstruct passage, block, not specified below"),
    ("145", "Protest violently, riot, not specified below"),
    ("162", "Reduce or stop material aid, not specified below"),
    (
        "183",
        "Conduct suicide, car, or other non-military bombing, not specified below",
    ),
    ("1832", "Carry out vehicular bombing"),
    ("195", "Employ aerial weapons, not specified below"),
    ("2041", "Use chemical, biological, or radiological weapons"),
];

/// Codes of the CAMEO 1.1b3 manual that GDELT's lookup and Goldstein files lack. GDELT never
/// emits them; they take the Goldstein value of the code they refine (the `parent`), as GDELT
/// does for most four-digit codes.
const MANUAL_ONLY: &[(&str, &str, &str)] = &[
    ("155", "15", "Mobilize or increase cyber-forces"),
    ("176", "17", "Attack cybernetically"),
    ("1834", "183", "Carry out location bombing"),
    ("1951", "195", "Employ precision-guided aerial munitions"),
    ("1952", "195", "Employ remotely piloted aerial munitions"),
];

/// Entries of GdeltForge's `ACTOR_COUNTRY_CODES` that name a region, not a state.
const REGIONS: &[&str] = &[
    "AFR", "ASA", "BLK", "CAS", "CAU", "CEU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR", "LAM",
    "MDT", "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WST",
];

/// Corrections of actor names in GdeltForge's file.
const ACTOR_NAME_FIXES: &[(&str, &str)] = &[("COL", "Colombia")];

fn shared_reference() -> Option<PathBuf> {
    let shared = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let reference = shared.join("reference");
    reference.is_dir().then_some(reference)
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Trims and collapses runs of spaces, which GDELT's file has at random.
fn normalize(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quad_class(root: &str) -> u8 {
    match root.parse::<u8>().expect("numeric root") {
        1..=5 => 1,
        6..=9 => 2,
        10..=14 => 3,
        15..=20 => 4,
        other => panic!("root {other} out of range"),
    }
}

/// `code<TAB>value` lines after a header line, with CRLF tolerated.
fn two_columns(text: &str) -> Vec<(String, String)> {
    text.lines()
        .skip(1)
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (code, value) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("no tab: {line}"));
            (code.trim().to_string(), value.to_string())
        })
        .collect()
}

fn build_events(reference: &Path) -> String {
    let lookup = read(&reference.join("cameo/LOOKUP-CAMEO.eventcodes.txt"));
    let goldstein = read(&reference.join("cameo/CAMEO.goldsteinscale.txt"));
    let goldstein: BTreeMap<String, f32> = two_columns(&goldstein)
        .into_iter()
        .map(|(code, value)| {
            let value = value.trim().parse::<f32>().expect("goldstein value");
            (code, value)
        })
        .collect();

    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (code, label) in two_columns(&lookup) {
        // GDELT's line 1056 carries a second record, `106:[-5.0] Demand withdrawal`, glued on;
        // it is cut off here and 106 gets its manual label below.
        let label = match label.find("106:[") {
            Some(at) => &label[..at],
            None => &label[..],
        };
        assert!(
            names.insert(code.clone(), normalize(label)).is_none(),
            "duplicate {code}"
        );
    }
    for (code, label) in MANUAL_LABELS {
        names.insert(code.to_string(), label.to_string());
    }
    let mut values = goldstein.clone();
    for (code, parent, label) in MANUAL_ONLY {
        assert!(!names.contains_key(*code), "{code} is in GDELT's file now");
        names.insert(code.to_string(), label.to_string());
        values.insert(code.to_string(), goldstein[*parent]);
    }
    let codes: BTreeSet<&String> = names.keys().collect();
    assert_eq!(
        codes,
        values.keys().collect::<BTreeSet<_>>(),
        "names and Goldstein values differ"
    );

    let mut out = String::from(
        "# CAMEO 1.1b3 event codes: name (manual labels), Goldstein value, GDELT QuadClass.\n\
         # Generated by crates/core/tests/ontology_sources.rs; see README.md. Do not edit.\n\
         # code\troot\tname\tgoldstein\tquad_class\n",
    );
    for (code, name) in &names {
        assert!(code.len() >= 2 && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            name.is_ascii() && !name.contains('\t'),
            "odd label for {code}: {name}"
        );
        let root = &code[..2];
        let value = values[code];
        assert_eq!(
            format!("{value:.1}").parse::<f32>().unwrap(),
            value,
            "{code}: {value}"
        );
        out.push_str(&format!(
            "{code}\t{root}\t{name}\t{value:.1}\t{}\n",
            quad_class(root)
        ));
    }
    out
}

fn build_actors(reference: &Path) -> String {
    let json = read(&reference.join("cameo/gdeltforge_cameo_codes.json"));
    let sections = json::parse(&json);
    let section = |name: &str| -> &Vec<(String, String)> {
        &sections
            .iter()
            .find(|(key, _)| key == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    };
    let mut rows: BTreeMap<String, (&str, String)> = BTreeMap::new();
    let mut add = |code: &str, kind: &'static str, name: &str| {
        let name = ACTOR_NAME_FIXES
            .iter()
            .find(|(fixed, _)| *fixed == code)
            .map_or_else(|| normalize(name), |(_, name)| name.to_string());
        let old = rows.insert(code.to_string(), (kind, name));
        assert!(old.is_none(), "actor code {code} twice: {old:?}");
    };
    for (code, name) in section("ACTOR_COUNTRY_CODES") {
        let kind = if REGIONS.contains(&code.as_str()) {
            "region"
        } else {
            "country"
        };
        add(code, kind, name);
    }
    // Composite entries (IGOUNO, NGOHLHIRC) are not three-letter codes; they come back through
    // `ActorCode::parse`.
    for (code, name) in section("ACTOR_TYPE_CODES") {
        if code.len() == 3 {
            add(code, "role", name);
        }
    }
    // Known groups are taken from the IGO/NGO-prefixed entries only: several bare three-letter
    // entries of that file are wrong (GOE "Government of Egypt" is the G-8, GOS the G-7, EFT the
    // EFTA), while the prefixed ones agree with GDELT's known-group list.
    for (code, name) in section("ACTOR_KNOWN_GROUP_CODES") {
        if code.len() == 6 {
            match &code[..3] {
                "IGO" => add(&code[3..], "igo", name),
                "NGO" => add(&code[3..], "ngo", name),
                _ => {}
            }
        }
    }
    let mut out = String::from(
        "# CAMEO actor codes: countries, regions, roles (sectors), IGOs and NGOs.\n\
         # Generated by crates/core/tests/ontology_sources.rs; see README.md. Do not edit.\n\
         # code\tkind\tname\n",
    );
    for (code, (kind, name)) in &rows {
        assert!(
            code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()),
            "{code}"
        );
        assert!(!name.contains('\t') && !name.is_empty(), "{code}");
        out.push_str(&format!("{code}\t{kind}\t{name}\n"));
    }
    out
}

fn build_plover(reference: &Path, events: &str) -> String {
    let text = read(&reference.join("plover/CAMEO2PLOVER-2021.txt"));
    let cameo: BTreeSet<&str> = events
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut rows: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for line in text.lines() {
        // The file ends with a `~~~~~` rule; comment lines start with `#`.
        if line.starts_with('#') || line.starts_with('~') || line.trim().is_empty() {
            continue;
        }
        let (code, rest) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("no colon: {line}"));
        let code = code.trim();
        // Two-digit lines are section headings ("08: CONCEDE" and "08: RETREAT" both occur),
        // not mappings.
        if code.len() == 2 {
            continue;
        }
        // 1213 and 1214 are not CAMEO 1.1b3 codes (the manual has no 1213/1214).
        if !cameo.contains(code) {
            continue;
        }
        let fields = rest.split_once('#').map_or(rest, |(fields, _)| fields);
        let mut fields = fields.split(',').map(str::trim);
        let event_type = fields.next().unwrap_or_default().to_string();
        let mut mode = fields.next().unwrap_or_default().to_string();
        let mut context: Vec<String> = fields
            .next()
            .unwrap_or_default()
            .split(';')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        // In 175 `pro_autocracy` sits in the mode column, but it is one of PLOVER's contexts.
        if mode == "pro_autocracy" {
            context.insert(0, std::mem::take(&mut mode));
        }
        let row = (event_type, mode, context.join(";"));
        if let Some(old) = rows.get(code) {
            // 175 is listed twice with the same mapping.
            assert_eq!(old, &row, "conflicting PLOVER rows for {code}");
        }
        rows.insert(code.to_string(), row);
    }
    let mut out = String::from(
        "# CAMEO -> PLOVER crosswalk (PLOVER manual draft 0.8, 2021): type, mode, context.\n\
         # Generated by crates/core/tests/ontology_sources.rs; see README.md. Do not edit.\n\
         # cameo\ttype\tmode\tcontext\n",
    );
    for (code, (event_type, mode, context)) in &rows {
        assert!(
            event_type.bytes().all(|b| b.is_ascii_uppercase()),
            "{code}: {event_type}"
        );
        out.push_str(&format!("{code}\t{event_type}\t{mode}\t{context}\n"));
    }
    out
}

fn check(file: &str, expected: &str) {
    let path = data_dir().join(file);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, expected).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{} is not what the reference data compiles to (first difference at line {:?}); \
             rerun with UPDATE_EXPECT=1 to rewrite it",
            path.display(),
            line.map(|l| l + 1)
        );
    }
}

#[test]
fn tables_match_reference_data() {
    let Some(reference) = shared_reference() else {
        println!("skipping: ../shared not found");
        return;
    };
    let events = build_events(&reference);
    let actors = build_actors(&reference);
    let plover = build_plover(&reference, &events);
    check("cameo_events.tsv", &events);
    check("cameo_actors.tsv", &actors);
    check("plover.tsv", &plover);
}

/// Just enough JSON for GdeltForge's file: an object of objects of strings.
mod json {
    pub type Sections = Vec<(String, Vec<(String, String)>)>;

    pub fn parse(text: &str) -> Sections {
        let mut p = Parser {
            chars: text.chars().collect(),
            at: 0,
        };
        let mut sections = Vec::new();
        p.expect('{');
        while !p.eat('}') {
            let key = p.string();
            p.expect(':');
            let mut entries = Vec::new();
            p.expect('{');
            while !p.eat('}') {
                let code = p.string();
                p.expect(':');
                entries.push((code, p.string()));
                p.eat(',');
            }
            sections.push((key, entries));
            p.eat(',');
        }
        sections
    }

    struct Parser {
        chars: Vec<char>,
        at: usize,
    }

    impl Parser {
        fn skip_space(&mut self) {
            while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
                self.at += 1;
            }
        }

        fn eat(&mut self, c: char) -> bool {
            self.skip_space();
            let found = self.chars.get(self.at) == Some(&c);
            self.at += usize::from(found);
            found
        }

        fn expect(&mut self, c: char) {
            assert!(self.eat(c), "expected {c:?} at char {}", self.at);
        }

        fn string(&mut self) -> String {
            self.expect('"');
            let mut out = String::new();
            loop {
                let c = self.chars[self.at];
                self.at += 1;
                match c {
                    '"' => return out,
                    '\\' => {
                        let e = self.chars[self.at];
                        self.at += 1;
                        out.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            'u' => {
                                let hex: String = self.chars[self.at..self.at + 4].iter().collect();
                                self.at += 4;
                                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap()
                            }
                            other => other,
                        });
                    }
                    c => out.push(c),
                }
            }
        }
    }
}
