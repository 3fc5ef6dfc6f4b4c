//! Discard lists (`*discards.txt`): phrases that stop a sentence or a story from being coded.

use crate::diag::{Diagnostic, Sink};
use crate::text::{decode, lines, Phrase};

/// One discard phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscardEntry {
    /// The phrase; `stop` set means it must end at a blank or punctuation, else it is a stem.
    pub phrase: Phrase,
    /// Written with a leading `+`: the whole story is discarded, not just the sentence.
    pub story: bool,
    /// 1-based line number.
    pub line: u32,
    /// The line as written.
    pub raw: String,
}

/// The discards of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscardDict {
    /// The file name given to the parser.
    pub file: String,
    /// The phrases in file order.
    pub entries: Vec<DiscardEntry>,
}

/// Parses a PETRARCH discard list: one phrase a line, `+` for story-level discards.
pub fn parse_discards(file: &str, bytes: &[u8]) -> (DiscardDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = DiscardDict {
        file: file.to_string(),
        entries: Vec::new(),
    };
    for line in lines(&text, true) {
        let t = line.content.trim();
        if t.is_empty() {
            continue;
        }
        let (story, rest) = match t.strip_prefix('+') {
            Some(r) => (true, r),
            None => (false, t),
        };
        if rest.contains('[') {
            sink.warn(
                line.number,
                "code-in-discard",
                "discards take no code (a TABARI `[###]` entry?); the bracket is kept as text",
            );
        }
        match Phrase::parse(rest) {
            Some(phrase) => dict.entries.push(DiscardEntry {
                phrase,
                story,
                line: line.number,
                raw: line.raw.to_string(),
            }),
            None => sink.error(line.number, "empty-phrase", "`+` with no phrase; skipped"),
        }
    }
    (dict, sink.out)
}
