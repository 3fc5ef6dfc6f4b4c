//! The PLOVER ontology (manual draft 0.8, 2021): its sixteen event types, and the crosswalk that
//! gives a CAMEO event code its PLOVER type, mode and contexts.
//!
//! The crosswalk is compiled into the crate from `data/plover.tsv` (see `data/README.md` for
//! its source and how to rebuild it) and parsed once, on first use. PLOVER drops CAMEO's roots
//! 01 (statements) and 02 (appeals), so those codes have no mapping.
//!
//! ```
//! use dyad_core::plover::{self, PloverType};
//!
//! let meet = plover::plover("036").unwrap();
//! assert_eq!(meet.event_type, PloverType::Agree);
//! assert_eq!(meet.contexts().collect::<Vec<_>>(), ["diplomatic"]);
//! assert_eq!(plover::plover("163").unwrap().mode, Some("restrict"));
//! assert!(plover::plover("010").is_none());
//! ```

use std::sync::OnceLock;

use crate::cameo::{check_sorted, rows, TableError};

const PLOVER_TSV: &str = include_str!("../data/plover.tsv");

/// The sixteen PLOVER event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PloverType {
    /// Agree to, or express intent to, cooperate.
    Agree,
    /// Meet, visit, talk, negotiate, mediate.
    Consult,
    /// Praise, endorse, defend, recognize, sign agreements.
    Support,
    /// Yield on political matters: ease restrictions, accede to demands.
    Concede,
    /// Cooperate materially: economic, military, judicial, intelligence.
    Cooperate,
    /// Provide aid or asylum.
    Aid,
    /// Back down materially: release, ease sanctions, allow access, cease fire, withdraw.
    Retreat,
    /// Demand or ask for something.
    Request,
    /// Disapprove, accuse, investigate, sue.
    Accuse,
    /// Reject a request, refuse to yield, defy, veto.
    Reject,
    /// Threaten.
    Threaten,
    /// Protest: demonstrate, strike, boycott, riot.
    Protest,
    /// Sanction: reduce relations or aid, halt talks, expel.
    Sanction,
    /// Mobilize police or armed forces.
    Mobilize,
    /// Coerce: seize, restrict, arrest, deport, blockade, occupy.
    Coerce,
    /// Assault: violence by any actor, from beatings to mass killing.
    Assault,
}

impl PloverType {
    /// All sixteen types, in the order of the PLOVER manual.
    pub const ALL: [PloverType; 16] = [
        PloverType::Agree,
        PloverType::Consult,
        PloverType::Support,
        PloverType::Concede,
        PloverType::Cooperate,
        PloverType::Aid,
        PloverType::Retreat,
        PloverType::Request,
        PloverType::Accuse,
        PloverType::Reject,
        PloverType::Threaten,
        PloverType::Protest,
        PloverType::Sanction,
        PloverType::Mobilize,
        PloverType::Coerce,
        PloverType::Assault,
    ];

    /// The type's name as PLOVER writes it: `AGREE`, `CONSULT`, …
    pub fn as_str(self) -> &'static str {
        match self {
            PloverType::Agree => "AGREE",
            PloverType::Consult => "CONSULT",
            PloverType::Support => "SUPPORT",
            PloverType::Concede => "CONCEDE",
            PloverType::Cooperate => "COOPERATE",
            PloverType::Aid => "AID",
            PloverType::Retreat => "RETREAT",
            PloverType::Request => "REQUEST",
            PloverType::Accuse => "ACCUSE",
            PloverType::Reject => "REJECT",
            PloverType::Threaten => "THREATEN",
            PloverType::Protest => "PROTEST",
            PloverType::Sanction => "SANCTION",
            PloverType::Mobilize => "MOBILIZE",
            PloverType::Coerce => "COERCE",
            PloverType::Assault => "ASSAULT",
        }
    }

    /// The type named `name` (`"AGREE"`), as PLOVER writes it.
    pub fn from_name(name: &str) -> Option<PloverType> {
        PloverType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The PLOVER reading of one CAMEO event code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PloverInfo {
    /// The CAMEO event code (`"036"`).
    pub cameo: &'static str,
    /// The PLOVER event type.
    pub event_type: PloverType,
    /// The PLOVER mode (`"visit"`, `"restrict"`), where the crosswalk gives one.
    pub mode: Option<&'static str>,
    /// The PLOVER contexts, `;`-separated (`"crime;corruption"`); empty where none is given.
    pub context: &'static str,
}

impl PloverInfo {
    /// The contexts one by one (`crime`, `corruption`).
    pub fn contexts(&self) -> impl Iterator<Item = &'static str> {
        self.context.split(';').filter(|c| !c.is_empty())
    }
}

/// The whole crosswalk, sorted by CAMEO code.
pub fn mappings() -> &'static [PloverInfo] {
    static PLOVER: OnceLock<Vec<PloverInfo>> = OnceLock::new();
    PLOVER.get_or_init(|| {
        parse_plover(PLOVER_TSV).unwrap_or_else(|e| panic!("embedded plover.tsv: {e}"))
    })
}

/// The PLOVER type, mode and contexts of the CAMEO event code `cameo`, where the crosswalk has
/// that exact code. Roots (`"03"`) and the codes of roots 01 and 02 have none.
pub fn plover(cameo: &str) -> Option<&'static PloverInfo> {
    let all = mappings();
    all.binary_search_by(|p| p.cameo.cmp(cameo))
        .ok()
        .map(|i| &all[i])
}

fn parse_plover(text: &'static str) -> Result<Vec<PloverInfo>, TableError> {
    let mut all = Vec::new();
    let mut lines = Vec::new();
    for row in rows(text, 4) {
        let (line, f) = row?;
        let error = |message: String| TableError { line, message };
        let event_type = PloverType::from_name(f[1])
            .ok_or_else(|| error(format!("unknown PLOVER type {:?}", f[1])))?;
        let mode = (!f[2].is_empty()).then_some(f[2]);
        lines.push(line);
        all.push(PloverInfo {
            cameo: f[0],
            event_type,
            mode,
            context: f[3],
        });
    }
    check_sorted(lines.iter().copied().zip(all.iter().map(|p| p.cameo)))?;
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cameo;

    fn check(code: &str, expected: (PloverType, Option<&str>, &str)) {
        let p = plover(code).unwrap_or_else(|| panic!("no mapping for {code}"));
        assert_eq!((p.event_type, p.mode, p.context), expected, "{code}");
    }

    #[test]
    fn embedded_crosswalk_parses_with_unique_codes_that_cameo_has() {
        let all = parse_plover(PLOVER_TSV).unwrap();
        assert_eq!(all.len(), 254);
        for p in &all {
            assert!(
                cameo::event(p.cameo).is_some(),
                "{} is not a CAMEO code",
                p.cameo
            );
        }
        let used: std::collections::BTreeSet<_> = all.iter().map(|p| p.event_type).collect();
        assert_eq!(used.len(), PloverType::ALL.len());
    }

    #[test]
    fn malformed_rows_are_refused() {
        assert!(parse_plover("036\tAGREEISH\t\t\n").is_err());
        assert!(parse_plover("037\tAGREE\t\t\n036\tAGREE\t\t\n").is_err());
        assert!(parse_plover("036\tAGREE\n").is_err());
    }

    #[test]
    fn crosswalk_examples() {
        check("036", (PloverType::Agree, None, "diplomatic"));
        check("163", (PloverType::Coerce, Some("restrict"), "diplomatic"));
        check("042", (PloverType::Consult, Some("visit"), ""));
        check(
            "091",
            (PloverType::Accuse, Some("investigate"), "crime;corruption"),
        );
        check("175", (PloverType::Assault, None, "pro_autocracy;military"));
        check(
            "0861",
            (PloverType::Retreat, Some("access"), "peacekeeping"),
        );
        assert_eq!(
            plover("091").unwrap().contexts().collect::<Vec<_>>(),
            ["crime", "corruption"]
        );
        assert!(plover("03").is_none());
        assert!(plover("1213").is_none());
    }

    #[test]
    fn type_names_round_trip() {
        for t in PloverType::ALL {
            assert_eq!(PloverType::from_name(t.as_str()), Some(t));
        }
        assert_eq!(PloverType::from_name("agree"), None);
    }
}
