//! The CAMEO 1.1b3 ontology: event codes with their names, Goldstein values and QuadClass, and
//! actor codes (countries, regions, roles, IGOs, NGOs), with a parser for composite actor codes.
//!
//! The tables are compiled into the crate from `data/cameo_events.tsv` and
//! `data/cameo_actors.tsv` (see `data/README.md` for their sources and how to rebuild them) and
//! parsed once, on first use.
//!
//! ```
//! use dyad_core::cameo::{self, ActorCode, QuadClass};
//!
//! let meet = cameo::event("036").unwrap();
//! assert_eq!(meet.name, "Express intent to meet or negotiate");
//! assert_eq!(meet.goldstein, 4.0);
//! assert_eq!(meet.quad_class, QuadClass::VerbalCooperation);
//! assert_eq!(cameo::root_of("0361"), None);
//! assert_eq!(cameo::root_of("036").unwrap().name, "EXPRESS INTENT TO COOPERATE");
//!
//! let actor = ActorCode::parse("RUSGOV").unwrap();
//! assert_eq!(actor.country.unwrap().name, "Russia");
//! assert_eq!(actor.roles[0].code, "GOV");
//! ```

use std::fmt;
use std::sync::OnceLock;

const EVENTS_TSV: &str = include_str!("../data/cameo_events.tsv");
const ACTORS_TSV: &str = include_str!("../data/cameo_actors.tsv");

/// GDELT's four-way grouping of CAMEO event roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuadClass {
    /// Roots 01–05: statements, appeals, intents to cooperate, consultation, diplomatic support.
    VerbalCooperation = 1,
    /// Roots 06–09: material cooperation, aid, yielding, investigation.
    MaterialCooperation = 2,
    /// Roots 10–14: demands, disapproval, rejection, threats, protest.
    VerbalConflict = 3,
    /// Roots 15–20: force posture, reduced relations, coercion, assault, fighting, mass violence.
    MaterialConflict = 4,
}

impl QuadClass {
    /// The class of a numeric root (1–20), as GDELT assigns it.
    pub fn of_root(root: u8) -> Option<QuadClass> {
        match root {
            1..=5 => Some(QuadClass::VerbalCooperation),
            6..=9 => Some(QuadClass::MaterialCooperation),
            10..=14 => Some(QuadClass::VerbalConflict),
            15..=20 => Some(QuadClass::MaterialConflict),
            _ => None,
        }
    }

    /// The class from GDELT's `QuadClass` column (1–4).
    pub fn from_number(number: u8) -> Option<QuadClass> {
        match number {
            1 => Some(QuadClass::VerbalCooperation),
            2 => Some(QuadClass::MaterialCooperation),
            3 => Some(QuadClass::VerbalConflict),
            4 => Some(QuadClass::MaterialConflict),
            _ => None,
        }
    }

    /// GDELT's number for the class (1–4).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// A short stable name: `verbal-cooperation`, `material-conflict`, …
    pub fn as_str(self) -> &'static str {
        match self {
            QuadClass::VerbalCooperation => "verbal-cooperation",
            QuadClass::MaterialCooperation => "material-cooperation",
            QuadClass::VerbalConflict => "verbal-conflict",
            QuadClass::MaterialConflict => "material-conflict",
        }
    }
}

/// One CAMEO event code.
#[derive(Debug, Clone, PartialEq)]
pub struct EventInfo {
    /// The code itself, two to four digits with the leading zero: `01`, `036`, `1056`.
    pub code: &'static str,
    /// The two-digit root the code belongs to (`03` for `036`).
    pub root: &'static str,
    /// The label of the CAMEO 1.1b3 manual; roots are in capitals (`CONSULT`).
    pub name: &'static str,
    /// The Goldstein conflict–cooperation value, −10 to +10.
    pub goldstein: f32,
    /// The GDELT QuadClass of the root.
    pub quad_class: QuadClass,
}

impl EventInfo {
    /// Whether this is one of the twenty two-digit roots.
    pub fn is_root(&self) -> bool {
        self.code.len() == 2
    }
}

/// Every CAMEO event code, sorted by code (roots first within their family: `03`, `030`, `031`,
/// `0311`, …).
pub fn events() -> &'static [EventInfo] {
    static EVENTS: OnceLock<Vec<EventInfo>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        parse_events(EVENTS_TSV).unwrap_or_else(|e| panic!("embedded cameo_events.tsv: {e}"))
    })
}

/// The event code `code` (`"036"`), if CAMEO has it.
pub fn event(code: &str) -> Option<&'static EventInfo> {
    let events = events();
    events
        .binary_search_by(|e| e.code.cmp(code))
        .ok()
        .map(|i| &events[i])
}

/// The root of the event code `code` (`"03"` for `"036"`), if CAMEO has the code.
pub fn root_of(code: &str) -> Option<&'static EventInfo> {
    event(event(code)?.root)
}

/// What a three-letter actor code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActorKind {
    /// A state or territory (`RUS`, `UKR`, `PSE`).
    Country,
    /// A region larger than one state (`EUR`, `MEA`, `WST`).
    Region,
    /// A role or sector code (`GOV`, `MIL`, `REB`, `BUS`), including the generic international
    /// codes `IGO`, `NGO`, `IMG`, `NGM`, `MNC`, `INT`, `UIS`.
    Role,
    /// An intergovernmental organization, the code that follows `IGO` (`UNO`, `NAT`).
    Igo,
    /// A non-governmental organization, the code that follows `NGO` (`MSF`, `HRW`).
    Ngo,
}

impl ActorKind {
    /// The name used in `cameo_actors.tsv`: `country`, `region`, `role`, `igo`, `ngo`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Country => "country",
            ActorKind::Region => "region",
            ActorKind::Role => "role",
            ActorKind::Igo => "igo",
            ActorKind::Ngo => "ngo",
        }
    }

    fn from_name(name: &str) -> Option<ActorKind> {
        Some(match name {
            "country" => ActorKind::Country,
            "region" => ActorKind::Region,
            "role" => ActorKind::Role,
            "igo" => ActorKind::Igo,
            "ngo" => ActorKind::Ngo,
            _ => return None,
        })
    }
}

/// One three-letter CAMEO actor code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActorInfo {
    /// The code, three capital letters.
    pub code: &'static str,
    /// What the code stands for.
    pub kind: ActorKind,
    /// Its name (countries, organizations) or the manual's description (roles).
    pub name: &'static str,
}

/// Every three-letter actor code dyad knows, sorted by code.
pub fn actors() -> &'static [ActorInfo] {
    static ACTORS: OnceLock<Vec<ActorInfo>> = OnceLock::new();
    ACTORS.get_or_init(|| {
        parse_actors(ACTORS_TSV).unwrap_or_else(|e| panic!("embedded cameo_actors.tsv: {e}"))
    })
}

/// The three-letter actor code `code` (`"RUS"`, `"GOV"`, `"UNO"`), if dyad knows it.
pub fn actor(code: &str) -> Option<&'static ActorInfo> {
    let actors = actors();
    actors
        .binary_search_by(|a| a.code.cmp(code))
        .ok()
        .map(|i| &actors[i])
}

/// A composite CAMEO actor code such as `RUSGOV` or `USAMILREB`, split into its three-letter
/// groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorCode {
    /// The leading country or region, when the code starts with one.
    pub country: Option<&'static ActorInfo>,
    /// The role groups in order (`GOV`, then `MIL` in `RUSGOVMIL`; `IGO` in `IGOUNO`).
    pub roles: Vec<&'static ActorInfo>,
    /// The other known groups in order: organizations (`UNO` in `IGOUNO`) and countries or
    /// regions that do not lead the code.
    pub others: Vec<&'static ActorInfo>,
    /// Groups dyad's table lacks, kept verbatim: sub-state regions (`SOE` in `TURSOE`), ethnic
    /// and religious codes, project-specific codes.
    pub unknown: Vec<String>,
}

impl ActorCode {
    /// Splits `code` into three-letter groups and looks each one up.
    ///
    /// A group dyad does not know is kept in [`ActorCode::unknown`], not refused, because
    /// dictionaries legitimately use codes beyond the CAMEO tables.
    pub fn parse(code: &str) -> Result<ActorCode, ActorCodeError> {
        if code.is_empty() {
            return Err(ActorCodeError::Empty);
        }
        if let Some(bad) = code.chars().find(|c| !c.is_ascii_uppercase()) {
            return Err(ActorCodeError::Character(bad));
        }
        if code.len() % 3 != 0 {
            return Err(ActorCodeError::Length(code.len()));
        }
        let mut parsed = ActorCode {
            country: None,
            roles: Vec::new(),
            others: Vec::new(),
            unknown: Vec::new(),
        };
        for (i, group) in code.as_bytes().chunks(3).enumerate() {
            // Every byte is an ASCII capital, so each chunk is a valid `str` boundary.
            let group = &code[i * 3..i * 3 + group.len()];
            match actor(group) {
                Some(info)
                    if i == 0 && matches!(info.kind, ActorKind::Country | ActorKind::Region) =>
                {
                    parsed.country = Some(info)
                }
                Some(info) if info.kind == ActorKind::Role => parsed.roles.push(info),
                Some(info) => parsed.others.push(info),
                None => parsed.unknown.push(group.to_string()),
            }
        }
        Ok(parsed)
    }
}

/// Why a string is not an actor code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorCodeError {
    /// The code is empty.
    Empty,
    /// The code holds a character other than `A`–`Z`.
    Character(char),
    /// The code's length (given) is not a multiple of three.
    Length(usize),
}

impl fmt::Display for ActorCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorCodeError::Empty => write!(f, "empty actor code"),
            ActorCodeError::Character(c) => {
                write!(f, "actor code holds {c:?}; use capital letters A-Z only")
            }
            ActorCodeError::Length(n) => {
                write!(
                    f,
                    "actor code is {n} letters long; it must be groups of three"
                )
            }
        }
    }
}

impl std::error::Error for ActorCodeError {}

/// A line of an embedded table that does not parse.
#[derive(Debug)]
pub(crate) struct TableError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}; rebuild it as data/README.md says",
            self.line, self.message
        )
    }
}

/// The data rows of a TSV table: lines that are neither empty nor `#` comments, with their
/// 1-based line numbers, split into exactly `columns` fields.
pub(crate) fn rows(
    text: &'static str,
    columns: usize,
) -> impl Iterator<Item = Result<(usize, Vec<&'static str>), TableError>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(move |(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() == columns {
                Ok((i + 1, fields))
            } else {
                Err(TableError {
                    line: i + 1,
                    message: format!("{} fields, expected {columns}", fields.len()),
                })
            }
        })
}

/// Checks that the codes of a parsed table are strictly increasing, which makes them unique
/// and lets lookups binary-search.
pub(crate) fn check_sorted<'a>(
    codes: impl Iterator<Item = (usize, &'a str)>,
) -> Result<(), TableError> {
    let mut previous: Option<&str> = None;
    for (line, code) in codes {
        if previous.is_some_and(|p| p >= code) {
            return Err(TableError {
                line,
                message: format!("code {code} is out of order or repeated"),
            });
        }
        previous = Some(code);
    }
    Ok(())
}

fn parse_events(text: &'static str) -> Result<Vec<EventInfo>, TableError> {
    let mut events = Vec::new();
    let mut lines = Vec::new();
    for row in rows(text, 5) {
        let (line, f) = row?;
        let error = |message: String| TableError { line, message };
        let code = f[0];
        if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error(format!("bad event code {code:?}")));
        }
        let root = f[1];
        if !code.starts_with(root) || root.len() != 2 {
            return Err(error(format!("root {root:?} is not the start of {code}")));
        }
        let goldstein: f32 = f[3]
            .parse()
            .map_err(|_| error(format!("bad Goldstein value {:?}", f[3])))?;
        if !(-10.0..=10.0).contains(&goldstein) {
            return Err(error(format!(
                "Goldstein value {goldstein} outside -10..10"
            )));
        }
        let quad_class = f[4]
            .parse::<u8>()
            .ok()
            .and_then(QuadClass::from_number)
            .ok_or_else(|| error(format!("bad quad class {:?}", f[4])))?;
        let by_root = root.parse::<u8>().ok().and_then(QuadClass::of_root);
        if by_root != Some(quad_class) {
            return Err(error(format!(
                "quad class {} does not match root {root}",
                f[4]
            )));
        }
        lines.push(line);
        events.push(EventInfo {
            code,
            root,
            name: f[2],
            goldstein,
            quad_class,
        });
    }
    check_sorted(lines.iter().copied().zip(events.iter().map(|e| e.code)))?;
    Ok(events)
}

fn parse_actors(text: &'static str) -> Result<Vec<ActorInfo>, TableError> {
    let mut actors = Vec::new();
    let mut lines = Vec::new();
    for row in rows(text, 3) {
        let (line, f) = row?;
        let error = |message: String| TableError { line, message };
        let code = f[0];
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(error(format!("bad actor code {code:?}")));
        }
        let kind =
            ActorKind::from_name(f[1]).ok_or_else(|| error(format!("bad kind {:?}", f[1])))?;
        if f[2].is_empty() {
            return Err(error(format!("actor {code} has no name")));
        }
        lines.push(line);
        actors.push(ActorInfo {
            code,
            kind,
            name: f[2],
        });
    }
    check_sorted(lines.iter().copied().zip(actors.iter().map(|a| a.code)))?;
    Ok(actors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_event(code: &str, name: &str, goldstein: f32, quad: u8) {
        let e = event(code).unwrap_or_else(|| panic!("no event {code}"));
        assert_eq!(
            (e.name, e.goldstein, e.quad_class.number()),
            (name, goldstein, quad),
            "{code}"
        );
    }

    fn check_actor(code: &str, country: Option<&str>, roles: &[&str]) {
        let parsed = ActorCode::parse(code).unwrap();
        assert_eq!(parsed.country.map(|c| c.code), country, "{code}");
        assert_eq!(
            parsed.roles.iter().map(|r| r.code).collect::<Vec<_>>(),
            roles,
            "{code}"
        );
    }

    #[test]
    fn embedded_tables_parse_with_unique_sorted_codes() {
        let events = parse_events(EVENTS_TSV).unwrap();
        let actors = parse_actors(ACTORS_TSV).unwrap();
        assert_eq!(events.len(), 316);
        assert!(actors.len() > 300, "{}", actors.len());
        assert!(events
            .iter()
            .all(|e| !e.name.is_empty() && e.name.is_ascii()));
    }

    #[test]
    fn malformed_rows_are_refused_with_their_line() {
        let e = parse_events("# header\n01\t01\tX\t0.0\t2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: quad class 2 does not match root 01; rebuild it as data/README.md says"
        );
        assert!(parse_events("02\t02\tA\t3.0\t1\n01\t01\tB\t0.0\t1\n").is_err());
        assert!(parse_events("01\t01\tB\tx\t1\n").is_err());
        assert!(parse_actors("RUS\tplanet\tRussia\n").is_err());
        assert!(parse_actors("RUS\tcountry\n").is_err());
    }

    #[test]
    fn all_twenty_roots_are_present_with_their_names() {
        let roots: Vec<(&str, &str)> = events()
            .iter()
            .filter(|e| e.is_root())
            .map(|e| (e.code, e.name))
            .collect();
        let expected = [
            ("01", "MAKE PUBLIC STATEMENT"),
            ("02", "APPEAL"),
            ("03", "EXPRESS INTENT TO COOPERATE"),
            ("04", "CONSULT"),
            ("05", "ENGAGE IN DIPLOMATIC COOPERATION"),
            ("06", "ENGAGE IN MATERIAL COOPERATION"),
            ("07", "PROVIDE AID"),
            ("08", "YIELD"),
            ("09", "INVESTIGATE"),
            ("10", "DEMAND"),
            ("11", "DISAPPROVE"),
            ("12", "REJECT"),
            ("13", "THREATEN"),
            ("14", "PROTEST"),
            ("15", "EXHIBIT FORCE POSTURE"),
            ("16", "REDUCE RELATIONS"),
            ("17", "COERCE"),
            ("18", "ASSAULT"),
            ("19", "FIGHT"),
            ("20", "USE UNCONVENTIONAL MASS VIOLENCE"),
        ];
        assert_eq!(roots, expected);
    }

    #[test]
    fn goldstein_values_match_gdelt() {
        check_event("036", "Express intent to meet or negotiate", 4.0, 1);
        check_event(
            "1056",
            "Demand de-escalation of military engagement",
            -5.0,
            3,
        );
        check_event("106", "Demand meeting, negotiation", -5.0, 3);
        check_event("016", "Deny responsibility", -2.0, 1);
        check_event(
            "190",
            "Use conventional military force, not specified below",
            -10.0,
            4,
        );
        check_event("0874", "Retreat or surrender militarily", 10.0, 2);
    }

    #[test]
    fn defects_of_gdelt_lookup_are_fixed() {
        check_event("044", "Meet at a \"third\" location", 2.5, 1);
        check_event(
            "105",
            "Demand that target yields, not specified below",
            -5.0,
            3,
        );
        check_event("107", "Demand settling of dispute", -5.0, 3);
        check_event("108", "Demand mediation", -5.0, 3);
        check_event(
            "033",
            "Express intent to provide material aid, not specified below",
            5.2,
            1,
        );
    }

    #[test]
    fn manual_only_codes_inherit_goldstein() {
        check_event("155", "Mobilize or increase cyber-forces", -7.2, 4);
        check_event("1951", "Employ precision-guided aerial munitions", -10.0, 4);
    }

    #[test]
    fn quad_class_follows_root() {
        for e in events() {
            let root: u8 = e.root.parse().unwrap();
            let expected = match root {
                1..=5 => 1,
                6..=9 => 2,
                10..=14 => 3,
                _ => 4,
            };
            assert_eq!(e.quad_class.number(), expected, "{}", e.code);
        }
        assert_eq!(QuadClass::of_root(0), None);
        assert_eq!(QuadClass::of_root(21), None);
    }

    #[test]
    fn root_of_known_and_unknown_codes() {
        assert_eq!(root_of("1056").map(|r| r.code), Some("10"));
        assert_eq!(root_of("10").map(|r| r.code), Some("10"));
        assert_eq!(root_of("999"), None);
        assert_eq!(event(""), None);
    }

    #[test]
    fn country_and_role_codes() {
        assert_eq!(
            actor("UKR").map(|a| (a.kind, a.name)),
            Some((ActorKind::Country, "Ukraine"))
        );
        assert_eq!(actor("COL").map(|a| a.name), Some("Colombia"));
        assert_eq!(actor("EUR").map(|a| a.kind), Some(ActorKind::Region));
        assert_eq!(actor("UNO").map(|a| a.kind), Some(ActorKind::Igo));
        assert_eq!(actor("MSF").map(|a| a.kind), Some(ActorKind::Ngo));
        for role in "GOV MIL REB OPP COP JUD LEG BUS MED EDU CVL REF NGO IGO SPY UAF".split(' ') {
            assert_eq!(actor(role).map(|a| a.kind), Some(ActorKind::Role), "{role}");
        }
    }

    #[test]
    fn composite_actor_codes() {
        check_actor("RUSGOV", Some("RUS"), &["GOV"]);
        check_actor("UKRGOV", Some("UKR"), &["GOV"]);
        check_actor("TURGOV", Some("TUR"), &["GOV"]);
        check_actor("USAMILREB", Some("USA"), &["MIL", "REB"]);
        check_actor("GOV", None, &["GOV"]);
        let igo = ActorCode::parse("IGOUNO").unwrap();
        assert_eq!((igo.roles[0].code, igo.others[0].code), ("IGO", "UNO"));
        assert_eq!(ActorCode::parse("TURSOE").unwrap().unknown, ["SOE"]);
    }

    #[test]
    fn malformed_actor_codes_are_errors() {
        assert_eq!(ActorCode::parse(""), Err(ActorCodeError::Empty));
        assert_eq!(ActorCode::parse("RUSG"), Err(ActorCodeError::Length(4)));
        assert_eq!(
            ActorCode::parse("rusgov"),
            Err(ActorCodeError::Character('r'))
        );
        assert_eq!(
            ActorCode::parse("RUSГОВ"),
            Err(ActorCodeError::Character('Г'))
        );
    }
}
