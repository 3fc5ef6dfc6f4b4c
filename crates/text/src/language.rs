//! Language identification, so that text dyad cannot annotate is reported and passed through.

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

/// Detects the language of `text` from (at most) its first few kilobytes.
pub fn detect(text: &str) -> Option<LanguageGuess> {
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    Some(LanguageGuess {
        code: info.lang().code(),
        reliable: info.is_reliable(),
        confidence: info.confidence(),
    })
}
