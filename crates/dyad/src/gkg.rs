//! The knowledge-graph record of an article (GDELT GKG's facts, with spans): its places,
//! dates, quotes with speakers, counts, tone, persons and organisations — `dyad code --gkg
//! FILE`.

use dyad_core::{Date, Doc};
use serde_json::{json, Value};

/// The GKG record of one annotated article; `date` resolves its time expressions (without
/// one, `dates` is empty).
pub fn record(doc: &Doc, date: Option<Date>) -> Value {
    let text = doc.text();
    let gaz = dyad_geo::Gazetteer::builtin();
    let places: Vec<Value> = crate::geo::places(doc)
        .iter()
        .map(|p| {
            let place = &gaz.places[p.resolved.place as usize];
            json!({
                "text": text.get(p.span.0..p.span.1).unwrap_or(""),
                "span": [p.span.0, p.span.1],
                "demonym": p.demonym,
                "name": place.name,
                "type": place.kind.gdelt_type(&place.country),
                "country": place.country,
                "adm1": gaz.gdelt_adm1(place),
                "lat": (f64::from(place.lat) * 1e4).round() / 1e4,
                "lon": (f64::from(place.lon) * 1e4).round() / 1e4,
                "feature_id": place.geonameid.map_or_else(|| place.id.clone(), |g| g.to_string()),
                "resolved_by": p.resolved.rule,
            })
        })
        .collect();
    let dates: Vec<Value> = date
        .map(|d| crate::time::timexes(doc, d))
        .unwrap_or_default()
        .iter()
        .map(|t| crate::time::timex_json(doc, t))
        .collect();
    let quotes: Vec<Value> = crate::quotes::quotes(doc)
        .iter()
        .map(|q| crate::quotes::quote_json(doc, q))
        .collect();
    let counts: Vec<Value> = crate::counts::counts(doc)
        .iter()
        .map(|c| crate::counts::count_json(doc, c))
        .collect();
    let names = |label: &str| -> Vec<Value> {
        doc.entities
            .iter()
            .filter(|e| e.label == label)
            .map(|e| json!({"text": text.get(e.span.range()).unwrap_or(""), "span": [e.span.start, e.span.end]}))
            .collect()
    };
    json!({
        "article": doc.article.id,
        "source": doc.article.source,
        "url": doc.article.url,
        "length": text.len(),
        "date": date.map(|d| d.to_string()),
        "places": places,
        "dates": dates,
        "quotes": quotes,
        "counts": counts,
        "tone": crate::tone::tone(doc).json(),
        "persons": names("PER"),
        "organizations": names("ORG"),
    })
}

/// Appends the GKG record of one article as a JSONL line.
pub fn write_jsonl(buf: &mut Vec<u8>, doc: &Doc, date: Option<Date>) -> std::io::Result<()> {
    serde_json::to_writer(&mut *buf, &record(doc, date))?;
    buf.push(b'\n');
    Ok(())
}
