//! Language identification, so that text dyad cannot annotate is reported and passed through.
//!
//! Most input is English news, so a fast check runs first: in English prose, a handful of
//! function words that other Latin-script languages rarely use ("the", "and", "of", "was"…)
//! make up a large share of the words. Text that passes is English without further work; the
//! rest goes to whatlang's trigram model, which is about ten times slower.

/// The result of language detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LanguageGuess {
    /// ISO 639-3 code, such as `eng`.
    pub code: &'static str,
    /// Whether the detector considers the guess reliable.
    pub reliable: bool,
    /// The detector's confidence, 0–1.
    pub confidence: f64,
}

/// How much text is looked at: enough for a confident guess, bounded for speed.
const SAMPLE_BYTES: usize = 2048;

/// Function words that are frequent in English and rare as words in other languages written
/// in the Latin script (so not "a", "in", "on", "is", "was", "die", which are common elsewhere).
const ENGLISH_MARKERS: &[&[u8]] = &[
    b"the", b"and", b"of", b"to", b"that", b"for", b"with", b"said", b"by", b"it", b"from", b"he",
    b"has", b"have", b"are", b"were", b"his", b"this", b"not", b"will", b"be", b"at", b"which",
    b"would", b"their", b"they", b"we", b"its", b"been", b"had", b"who", b"she",
];

/// Share of marker words among the words of `sample`, and the number of words.
fn english_marker_ratio(sample: &[u8]) -> (f64, usize) {
    let (mut words, mut markers) = (0usize, 0usize);
    for word in sample.split(|b| !b.is_ascii_alphabetic()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if word.len() <= 5 {
            let mut buf = [0u8; 5];
            for (d, s) in buf.iter_mut().zip(word) {
                *d = s.to_ascii_lowercase();
            }
            if ENGLISH_MARKERS.contains(&&buf[..word.len()]) {
                markers += 1;
            }
        }
    }
    (
        if words == 0 {
            0.0
        } else {
            markers as f64 / words as f64
        },
        words,
    )
}

/// Detects the language of `text` from its first few kilobytes.
pub fn detect(text: &str) -> Option<LanguageGuess> {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let (ratio, words) = english_marker_ratio(sample.as_bytes());
    // English news runs at 25-35% marker words; other languages stay under 5%.
    if words >= 20 && ratio >= 0.15 {
        return Some(LanguageGuess {
            code: "eng",
            reliable: true,
            confidence: (ratio * 4.0).min(1.0),
        });
    }
    let info = whatlang::detect(sample)?;
    Some(LanguageGuess {
        code: info.lang().code(),
        reliable: info.is_reliable(),
        confidence: info.confidence(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &str) {
        let guess = detect(text).expect("a guess");
        assert_eq!(guess.code, expect, "{text}");
        assert!(guess.reliable, "{text}");
    }

    #[test]
    fn english_news_takes_the_fast_path() {
        let text = "Ukraine's foreign minister met his Russian counterpart on Thursday in Antalya, \
                    the first such meeting since the war began, but said afterwards that no \
                    progress had been made on a ceasefire and that Russia was not ready to discuss it.";
        assert!(english_marker_ratio(text.as_bytes()).0 >= 0.15);
        check(text, "eng");
    }

    #[test]
    fn french_is_not_english() {
        check(
            "Le ministre des Affaires étrangères a rencontré son homologue à Genève mardi pour \
             discuter du cessez-le-feu et de l'aide humanitaire, a indiqué le ministère dans un \
             communiqué publié dans la soirée.",
            "fra",
        );
    }

    #[test]
    fn german_and_spanish_are_not_english() {
        check(
            "Der Außenminister traf am Donnerstag seinen Amtskollegen in Berlin, um über die \
             Lage an der Grenze und die humanitäre Hilfe für die Flüchtlinge zu sprechen.",
            "deu",
        );
        check(
            "El ministro de Asuntos Exteriores se reunió el jueves con su homólogo en Madrid \
             para hablar de la situación en la frontera y de la ayuda humanitaria.",
            "spa",
        );
    }

    #[test]
    fn marker_ratio_of_other_languages_is_low() {
        for text in [
            "Le ministre des Affaires étrangères a rencontré son homologue à Genève mardi pour discuter du cessez-le-feu",
            "De minister van Buitenlandse Zaken was dinsdag in Den Haag om met zijn ambtgenoot te praten over de grens",
            "Il ministro degli Esteri ha incontrato il suo omologo a Roma per discutere del cessate il fuoco e degli aiuti",
        ] {
            assert!(english_marker_ratio(text.as_bytes()).0 < 0.15, "{text}");
        }
    }

    #[test]
    fn empty_and_symbol_text_do_not_panic() {
        let _ = detect("");
        let _ = detect("1234 5678 !!!");
        let _ = detect(&"é".repeat(3000));
    }
}
