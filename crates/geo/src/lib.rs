//! dyad's geography: a compact gazetteer of countries, first-level regions, cities and news
//! regions (compiled by [`build`] from GeoNames and the project's own entries, embedded in the
//! binary), and a geoparser ([`resolve`]) that picks, for every place name of a document, the
//! place it means in that document's context.
//!
//! ```
//! let gaz = dyad_geo::Gazetteer::builtin();
//! let antalya = gaz.lookup("Antalya").iter().map(|c| &gaz.places[c.place as usize]);
//! assert!(antalya.into_iter().any(|p| p.country == "TR"));
//! ```
#![deny(missing_docs)]

use std::io::Read as _;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

pub mod build;
pub mod resolve;

pub use resolve::{resolve, Mention, Resolved};

/// What kind of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A country or territory with its own ISO code.
    Country,
    /// A first-level administrative division (a US state, a Turkish province).
    Adm1,
    /// A populated place.
    City,
    /// A region no administration draws (Donbas, the Sahel, Kashmir).
    Region,
}

impl Kind {
    /// The name written in outputs: `country`, `adm1`, `city`, `region`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Adm1 => "adm1",
            Kind::City => "city",
            Kind::Region => "region",
        }
    }

    /// GDELT's geographic type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state.
    pub fn gdelt_type(self, country: &str) -> u8 {
        match (self, country == "US") {
            (Kind::Country, _) => 1,
            (Kind::Adm1, true) => 2,
            (Kind::Adm1, false) | (Kind::Region, _) => 5,
            (Kind::City, true) => 3,
            (Kind::City, false) => 4,
        }
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// A stable identifier: `geonames:323777`, `country:TR`, `adm1:TR.07`, `region:donbas`.
    pub id: String,
    /// Its main name.
    pub name: String,
    /// What kind of place it is.
    pub kind: Kind,
    /// GeoNames feature code (`PPLC` capital, `PPLA` seat of a first-level division, `PPL`…;
    /// `PCLI` for countries, `ADM1`, `RGN` for regions).
    pub feature: String,
    /// ISO 3166-1 alpha-2 code of its country; empty for a region across several countries.
    pub country: String,
    /// GeoNames first-level division code within the country (`07`, `TX`); empty if none.
    pub admin1: String,
    /// Latitude, degrees north.
    pub lat: f32,
    /// Longitude, degrees east.
    pub lon: f32,
    /// Population (0 when unknown).
    pub population: u64,
    /// GeoNames id, when the place has one.
    pub geonameid: Option<u32>,
}

/// A country's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub iso2: String,
    /// ISO 3166-1 alpha-3.
    pub iso3: String,
    /// FIPS 10-4, the code GDELT writes.
    pub fips: String,
    /// Its name.
    pub name: String,
    /// Its entry in [`Gazetteer::places`].
    pub place: u32,
}

/// How a name belongs to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameKind {
    /// The place's main name (or its ASCII spelling).
    Main,
    /// Another name: an exonym, a former name, an abbreviation.
    Alternate,
}

/// A place a name may mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Index in [`Gazetteer::places`].
    pub place: u32,
    /// Whether the name is the place's main name.
    pub name: NameKind,
}

/// The compiled gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Every place.
    pub places: Vec<Place>,
    /// Every country, with its place.
    pub countries: Vec<Country>,
    names: FxHashMap<String, Vec<Candidate>>,
    by_iso2: FxHashMap<String, u32>,
    by_iso3: FxHashMap<String, u32>,
    adm1: FxHashMap<(String, String), u32>,
}

/// The compiled gazetteer shipped with dyad (`crates/geo/data/gazetteer.tsv.gz`; its card is
/// `crates/geo/data/README.md`).
static BUILTIN_GZ: &[u8] = include_bytes!("../data/gazetteer.tsv.gz");

/// A lower-case key for a name: case, a leading "the", periods and apostrophe styles do not
/// matter ("The Gambia", "U.S." and "US" are the same keys as "gambia", "us").
pub fn key(name: &str) -> String {
    let lower = name.trim().to_lowercase().replace(['’', '‘'], "'");
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    lower.chars().filter(|&c| c != '.').collect()
}

impl Gazetteer {
    /// The built-in gazetteer, decompressed on first use.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(BUILTIN_GZ)
                .read_to_string(&mut text)
                .expect("the embedded gazetteer is valid gzip and UTF-8");
            Gazetteer::parse(&text).expect("the embedded gazetteer parses")
        })
    }

    /// Parses the compiled format [`build::compile`] writes.
    pub fn parse(text: &str) -> Result<Gazetteer, String> {
        let mut g = Gazetteer::default();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let bad = |what: &str| format!("gazetteer line {}: {what}", n + 1);
            let num = |s: &str| s.parse::<f32>().map_err(|_| bad("bad coordinate"));
            let pop = |s: &str| s.parse::<u64>().map_err(|_| bad("bad population"));
            let (place, names) = match (f[0], f.len()) {
                ("country", 10) => {
                    let idx = g.places.len() as u32;
                    g.countries.push(Country {
                        iso2: f[1].to_string(),
                        iso3: f[2].to_string(),
                        fips: f[3].to_string(),
                        name: f[4].to_string(),
                        place: idx,
                    });
                    g.by_iso2.insert(f[1].to_string(), idx);
                    g.by_iso3.insert(f[2].to_string(), idx);
                    let p = Place {
                        id: format!("country:{}", f[1]),
                        name: f[4].to_string(),
                        kind: Kind::Country,
                        feature: "PCLI".to_string(),
                        country: f[1].to_string(),
                        admin1: String::new(),
                        lat: num(f[5])?,
                        lon: num(f[6])?,
                        population: pop(f[7])?,
                        geonameid: f[9].parse().ok(),
                    };
                    (p, f[8])
                }
                ("adm1", 8) => {
                    g.adm1
                        .insert((f[1].to_string(), f[2].to_string()), g.places.len() as u32);
                    let p = Place {
                        id: format!("adm1:{}.{}", f[1], f[2]),
                        name: f[3].to_string(),
                        kind: Kind::Adm1,
                        feature: "ADM1".to_string(),
                        country: f[1].to_string(),
                        admin1: f[2].to_string(),
                        lat: num(f[4])?,
                        lon: num(f[5])?,
                        population: 0,
                        geonameid: f[7].parse().ok(),
                    };
                    (p, f[6])
                }
                ("place", 10) => {
                    let p = Place {
                        id: format!("geonames:{}", f[1]),
                        name: f[8].to_string(),
                        kind: Kind::City,
                        feature: f[4].to_string(),
                        country: f[2].to_string(),
                        admin1: f[3].to_string(),
                        lat: num(f[5])?,
                        lon: num(f[6])?,
                        population: pop(f[7])?,
                        geonameid: f[1].parse().ok(),
                    };
                    (p, f[9])
                }
                ("region", 7) => {
                    let p = Place {
                        id: format!("region:{}", f[1]),
                        name: f[3].to_string(),
                        kind: Kind::Region,
                        feature: "RGN".to_string(),
                        country: f[2].to_string(),
                        admin1: String::new(),
                        lat: num(f[4])?,
                        lon: num(f[5])?,
                        population: 0,
                        geonameid: None,
                    };
                    (p, f[6])
                }
                _ => return Err(bad("unknown record or wrong number of fields")),
            };
            let idx = g.places.len() as u32;
            g.add_name(&place.name, idx, NameKind::Main);
            for a in names.split('|').filter(|a| !a.is_empty()) {
                g.add_name(a, idx, NameKind::Alternate);
            }
            g.places.push(place);
        }
        Ok(g)
    }

    fn add_name(&mut self, name: &str, place: u32, kind: NameKind) {
        let list = self.names.entry(key(name)).or_default();
        match list.iter_mut().find(|c| c.place == place) {
            Some(c) => c.name = c.name.min(kind),
            None => list.push(Candidate { place, name: kind }),
        }
    }

    /// The places a name may mean.
    pub fn lookup(&self, name: &str) -> &[Candidate] {
        self.names.get(&key(name)).map_or(&[], Vec::as_slice)
    }

    /// A country by ISO alpha-2 code.
    pub fn country(&self, iso2: &str) -> Option<&Country> {
        let p = *self.by_iso2.get(iso2)?;
        self.countries.iter().find(|c| c.place == p)
    }

    /// The place of a country by ISO alpha-3 code.
    pub fn country_place_iso3(&self, iso3: &str) -> Option<u32> {
        self.by_iso3.get(iso3).copied()
    }

    /// The place of a country by ISO alpha-2 code.
    pub fn country_place(&self, iso2: &str) -> Option<u32> {
        self.by_iso2.get(iso2).copied()
    }

    /// The place of a first-level division.
    pub fn adm1_place(&self, iso2: &str, code: &str) -> Option<u32> {
        self.adm1
            .get(&(iso2.to_string(), code.to_string()))
            .copied()
    }

    /// GDELT's ADM1 code of a place: FIPS country code + division code (`TU07`, `USTX`), or
    /// the country's FIPS code alone.
    pub fn gdelt_adm1(&self, p: &Place) -> String {
        let fips = self.country(&p.country).map_or("", |c| c.fips.as_str());
        format!("{fips}{}", p.admin1)
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f32, f32), b: (f32, f32)) -> f64 {
    let (la1, lo1) = (f64::from(a.0).to_radians(), f64::from(a.1).to_radians());
    let (la2, lo2) = (f64::from(b.0).to_radians(), f64::from(b.1).to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_periods_and_the() {
        assert_eq!(key("U.S."), "us");
        assert_eq!(key("The Gambia"), "gambia");
        assert_eq!(key("Côte d’Ivoire"), "côte d'ivoire");
    }

    #[test]
    fn distances() {
        // Ankara to Antalya is about 400 km.
        let d = distance_km((39.93, 32.86), (36.90, 30.70));
        assert!((350.0..450.0).contains(&d), "{d}");
        assert_eq!(distance_km((10.0, 10.0), (10.0, 10.0)), 0.0);
    }
}
