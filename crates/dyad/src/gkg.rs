//! The knowledge-graph record of an article (GDELT GKG's facts, with spans): its places,
//! dates, quotes with speakers, counts, themes, tone, persons and organisations — `dyad code
//! --gkg FILE`.

use dyad_core::{Date, Doc};
use serde_json::{json, Value};

/// What an article says besides its events, found once and shared by its event records and
/// its GKG record.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Resolved place names.
    pub places: Vec<crate::geo::PlaceMention>,
    /// Quotes and reported speech with their speakers.
    pub quotes: Vec<crate::quotes::Quote>,
    /// Time expressions per sentence (empty without a date).
    pub timexes: Vec<Vec<dyad_coder::timex::Timex>>,
    /// Counts.
    pub counts: Vec<crate::counts::Count>,
    /// The date the time expressions were resolved against.
    pub date: Option<Date>,
}

impl Facts {
    /// The facts of an annotated article over its sentence views (one per sentence, in order).
    pub fn new(doc: &Doc, sents: &[&dyad_coder::Sent], date: Option<Date>) -> Facts {
        Facts {
            places: crate::geo::places(doc),
            quotes: crate::quotes::quotes_in(doc, sents),
            timexes: date.map_or_else(Vec::new, |d| crate::time::timexes_in(sents, d)),
            counts: crate::counts::counts_in(sents),
            date,
        }
    }

    /// The facts of an article, building its sentence views.
    pub fn of(doc: &Doc, date: Option<Date>) -> Facts {
        let sents: Vec<dyad_coder::Sent> = (0..doc.sentences.len())
            .map(|s| dyad_coder::Sent::from_doc(doc, s))
            .collect();
        Facts::new(doc, &sents.iter().collect::<Vec<_>>(), date)
    }
}

/// The GKG record of one annotated article; `date` resolves its time expressions (without
/// one, `dates` is empty).
pub fn record(doc: &Doc, date: Option<Date>) -> Value {
    record_of(doc, &Facts::of(doc, date))
}

/// The GKG record of an article from its facts.
pub fn record_of(doc: &Doc, facts: &Facts) -> Value {
    let date = facts.date;
    let text = doc.text();
    let gaz = dyad_geo::Gazetteer::builtin();
    let places: Vec<Value> = facts
        .places
        .iter()
        .map(|p| {
            let place = &gaz.places[p.resolved.place as usize];
            json!({
                "text": text.get(p.span.0..p.span.1).unwrap_or(""),
                "span": [p.span.0, p.span.1],
                "demonym": p.demonym,
                "dateline": p.dateline,
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
    let dates: Vec<Value> = facts
        .timexes
        .iter()
        .flatten()
        .map(|t| crate::time::timex_json(doc, t))
        .collect();
    let quotes: Vec<dyad_io::output::QuoteOut> = facts
        .quotes
        .iter()
        .map(|q| crate::quotes::quote_out(doc, q))
        .collect();
    let counts: Vec<Value> = facts
        .counts
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
        "themes": crate::themes::themes_of(doc)
            .into_iter()
            .map(|(t, at)| json!({"theme": t, "offset": at}))
            .collect::<Vec<_>>(),
        "tone": crate::tone::tone(doc).json(),
        "persons": names("PER"),
        "organizations": names("ORG"),
    })
}

/// Appends the GKG record of one article as a JSONL line.
pub fn write_jsonl(buf: &mut Vec<u8>, doc: &Doc, facts: &Facts) -> std::io::Result<()> {
    serde_json::to_writer(&mut *buf, &record_of(doc, facts))?;
    buf.push(b'\n');
    Ok(())
}
