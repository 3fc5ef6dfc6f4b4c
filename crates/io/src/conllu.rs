//! CoNLL-U reader (gold tokenization and sentences for evaluation and training).
//!
//! [`Reader`] streams the sentences of a CoNLL-U file one at a time. Document and paragraph
//! structure travels on the sentences: [`Sentence::newdoc`] and [`Sentence::newpar`] say that a
//! `# newdoc` or `# newpar` comment came before it. Each sentence holds its syntactic
//! [`Word`]s and its surface [`Token`]s; a multiword token (`3-4 don't`) is one token over
//! several words. Empty nodes (`8.1`) are skipped.
//!
//! A malformed sentence becomes a [`ConlluError`] naming the line, and reading goes on with the
//! next sentence.
//!
//! ```
//! use dyad_io::conllu::Reader;
//!
//! let data = "# newdoc id = d1\n# text = I can't.\n1-2\tcan't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n\
//!             1\tca\tcan\tAUX\tMD\t_\t0\troot\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\tSpaceAfter=No\n\
//!             3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n";
//! let mut reader = Reader::new(data.as_bytes());
//! let s = reader.next().unwrap().unwrap();
//! assert_eq!(s.newdoc.as_deref(), Some("d1"));
//! assert_eq!(s.text.as_deref(), Some("I can't."));
//! assert_eq!(s.tokens.len(), 2);
//! assert_eq!(s.words.len(), 3);
//! assert!(!s.tokens[0].space_after);
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::Path;

/// What is wrong with a CoNLL-U line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConlluErrorKind {
    /// The file could not be read (or is not UTF-8).
    Io,
    /// A token line without exactly ten tab-separated columns.
    Columns,
    /// An ID column that is not `N`, `N-M` or `N.M`.
    BadId,
    /// Word IDs that do not run 1, 2, 3… or a multiword range that does not cover the next words.
    Sequence,
    /// A HEAD column that is neither `_` nor a number.
    BadHead,
}

/// A malformed line in a CoNLL-U file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if *line == 0 { String::new() } else { format!("line {line}: ") })]
pub struct ConlluError {
    /// The 1-based line number; 0 when the error concerns the whole file (it cannot be opened).
    pub line: u64,
    /// The kind of problem.
    pub kind: ConlluErrorKind,
    /// A lowercase explanation without a final period.
    pub message: String,
}

/// One syntactic word (a line with an integer ID).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    /// The 1-based word index in the sentence.
    pub id: u32,
    /// The word form.
    pub form: String,
    /// The lemma.
    pub lemma: String,
    /// The universal part-of-speech tag.
    pub upos: String,
    /// The language-specific tag (Penn Treebank for English).
    pub xpos: String,
    /// Morphological features, `_` when none.
    pub feats: String,
    /// The head word's ID (0 for the root), `None` when `_`.
    pub head: Option<u32>,
    /// The dependency relation.
    pub deprel: String,
    /// Enhanced dependencies.
    pub deps: String,
    /// The MISC column.
    pub misc: String,
}

/// One surface token: a single word, or a multiword token spanning several words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The surface form as it appears in the text.
    pub form: String,
    /// Indices into [`Sentence::words`] of the words this token is made of.
    pub words: Range<usize>,
    /// False when MISC says `SpaceAfter=No`.
    pub space_after: bool,
    /// True for a multiword token (`N-M` line).
    pub multiword: bool,
}

/// One sentence block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    /// The 1-based line where the block starts.
    pub line: u64,
    /// `Some(id)` when a `# newdoc` comment precedes the sentence (empty id when none given).
    pub newdoc: Option<String>,
    /// True when a `# newpar` comment precedes the sentence.
    pub newpar: bool,
    /// The `# sent_id`, when present.
    pub sent_id: Option<String>,
    /// The `# text`, when present.
    pub text: Option<String>,
    /// Syntactic words in order.
    pub words: Vec<Word>,
    /// Surface tokens in order.
    pub tokens: Vec<Token>,
}

impl Sentence {
    /// The sentence text: `# text` when present, else the tokens joined as `SpaceAfter` says.
    pub fn text_or_rebuilt(&self) -> String {
        if let Some(t) = &self.text {
            return t.clone();
        }
        let mut s = String::new();
        for (i, t) in self.tokens.iter().enumerate() {
            s.push_str(&t.form);
            if t.space_after && i + 1 < self.tokens.len() {
                s.push(' ');
            }
        }
        s
    }
}

/// Streams [`Sentence`]s from CoNLL-U text.
#[derive(Debug)]
pub struct Reader<R> {
    input: R,
    line_no: u64,
    buf: String,
    done: bool,
}

/// Opens a CoNLL-U file for streaming.
pub fn open(path: &Path) -> std::io::Result<Reader<BufReader<File>>> {
    Ok(Reader::new(BufReader::new(File::open(path)?)))
}

/// Reads every sentence of a file, stopping at the first malformed one.
pub fn read_file(path: &Path) -> Result<Vec<Sentence>, ConlluError> {
    let reader = open(path).map_err(|e| ConlluError {
        line: 0,
        kind: ConlluErrorKind::Io,
        message: format!("cannot open {}: {e}", path.display()),
    })?;
    reader.collect()
}

fn err(line: u64, kind: ConlluErrorKind, message: impl Into<String>) -> ConlluError {
    ConlluError {
        line,
        kind,
        message: message.into(),
    }
}

impl<R: BufRead> Reader<R> {
    /// A reader over any buffered input.
    pub fn new(input: R) -> Reader<R> {
        Reader {
            input,
            line_no: 0,
            buf: String::new(),
            done: false,
        }
    }

    /// Reads the next line into `self.buf` without its line ending; false at end of input.
    fn read_line(&mut self) -> Result<bool, ConlluError> {
        self.buf.clear();
        match self.input.read_line(&mut self.buf) {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.line_no += 1;
                while self.buf.ends_with(['\n', '\r']) {
                    self.buf.pop();
                }
                Ok(true)
            }
            Err(e) => {
                self.done = true;
                Err(err(
                    self.line_no + 1,
                    ConlluErrorKind::Io,
                    e.to_string().to_lowercase(),
                ))
            }
        }
    }

    /// Skips the rest of a broken block so that the next call starts at a fresh sentence.
    fn skip_block(&mut self) {
        loop {
            match self.read_line() {
                Ok(true) if !self.buf.trim().is_empty() => continue,
                _ => return,
            }
        }
    }

    fn next_sentence(&mut self) -> Result<Option<Sentence>, ConlluError> {
        let mut s = Sentence::default();
        let mut started = false;
        // The multiword token waiting for its words: (first id, last id, form, space_after).
        let mut pending: Option<(u32, u32, String, bool)> = None;
        loop {
            if !self.read_line()? {
                self.done = true;
                if let Some((_, last, _, _)) = &pending {
                    return Err(err(
                        self.line_no,
                        ConlluErrorKind::Sequence,
                        format!("multiword token ends at word {last}, which is missing"),
                    ));
                }
                return Ok(if s.words.is_empty() && !started {
                    None
                } else {
                    Some(s)
                });
            }
            let line = self.buf.as_str();
            if line.trim().is_empty() {
                if !started {
                    continue;
                }
                if let Some((_, last, _, _)) = &pending {
                    return Err(err(
                        self.line_no,
                        ConlluErrorKind::Sequence,
                        format!("multiword token ends at word {last}, which is missing"),
                    ));
                }
                return Ok(Some(s));
            }
            if !started {
                started = true;
                s.line = self.line_no;
            }
            if let Some(c) = line.strip_prefix('#') {
                let c = c.trim_start();
                if let Some(rest) = c.strip_prefix("newdoc") {
                    let rest = rest.trim_start();
                    let rest = rest.strip_prefix("id").unwrap_or(rest);
                    s.newdoc = Some(value(rest).unwrap_or_default().to_string());
                    s.newpar = true;
                } else if c.starts_with("newpar") && !c.starts_with("newpar_") {
                    s.newpar = true;
                } else if let Some(v) = c.strip_prefix("sent_id").and_then(value) {
                    s.sent_id = Some(v.to_string());
                } else if let Some(v) = c.strip_prefix("text").and_then(value) {
                    s.text = Some(v.to_string());
                }
                continue;
            }
            let line_no = self.line_no;
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 10 {
                return Err(err(
                    line_no,
                    ConlluErrorKind::Columns,
                    format!("expected 10 tab-separated columns, found {}", cols.len()),
                ));
            }
            let id = cols[0];
            if id.contains('.') {
                continue; // An empty node: no surface token, no word of the basic tree.
            }
            let space_after = !cols[9].split('|').any(|f| f == "SpaceAfter=No");
            if let Some((a, b)) = id.split_once('-') {
                let (a, b) = match (a.parse::<u32>(), b.parse::<u32>()) {
                    (Ok(a), Ok(b)) if a >= 1 && a <= b => (a, b),
                    _ => {
                        return Err(err(
                            line_no,
                            ConlluErrorKind::BadId,
                            format!("bad range `{id}`"),
                        ))
                    }
                };
                if pending.is_some() || a as usize != s.words.len() + 1 {
                    return Err(err(
                        line_no,
                        ConlluErrorKind::Sequence,
                        format!("range `{id}` does not start at the next word"),
                    ));
                }
                pending = Some((a, b, cols[1].to_string(), space_after));
                continue;
            }
            let n: u32 = id
                .parse()
                .map_err(|_| err(line_no, ConlluErrorKind::BadId, format!("bad id `{id}`")))?;
            if n as usize != s.words.len() + 1 {
                return Err(err(
                    line_no,
                    ConlluErrorKind::Sequence,
                    format!("word {n} where word {} was expected", s.words.len() + 1),
                ));
            }
            let head = match cols[6] {
                "_" => None,
                h => Some(h.parse().map_err(|_| {
                    err(line_no, ConlluErrorKind::BadHead, format!("bad head `{h}`"))
                })?),
            };
            s.words.push(Word {
                id: n,
                form: cols[1].to_string(),
                lemma: cols[2].to_string(),
                upos: cols[3].to_string(),
                xpos: cols[4].to_string(),
                feats: cols[5].to_string(),
                head,
                deprel: cols[7].to_string(),
                deps: cols[8].to_string(),
                misc: cols[9].to_string(),
            });
            let w = s.words.len();
            match pending.take() {
                Some((a, b, form, sa)) if n == b => s.tokens.push(Token {
                    form,
                    words: a as usize - 1..w,
                    space_after: sa,
                    multiword: true,
                }),
                Some(p) => pending = Some(p),
                None => s.tokens.push(Token {
                    form: cols[1].to_string(),
                    words: w - 1..w,
                    space_after,
                    multiword: false,
                }),
            }
        }
    }
}

/// The value of a `key = value` comment after the key, or `None` when the key was only a prefix
/// of a longer word.
fn value(rest: &str) -> Option<&str> {
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('=')
        .map(|v| v.strip_prefix(' ').unwrap_or(v))
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Sentence, ConlluError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_sentence() {
            Ok(Some(s)) => Some(Ok(s)),
            Ok(None) => None,
            Err(e) => {
                if !self.done && !self.buf.trim().is_empty() {
                    self.skip_block();
                }
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<Result<Sentence, ConlluError>> {
        Reader::new(s.as_bytes()).collect()
    }

    fn line(id: &str, form: &str, misc: &str) -> String {
        format!("{id}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}\n")
    }

    #[test]
    fn paragraphs_and_documents() {
        let data = format!(
            "# newdoc id = a\n# newpar\n# text = Hi\n{}\n# text = Yo\n{}\n# newpar id = p2\n# text = Ok\n{}\n",
            line("1", "Hi", "_"),
            line("1", "Yo", "_"),
            line("1", "Ok", "_")
        );
        let s: Vec<_> = read(&data).into_iter().map(Result::unwrap).collect();
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].newdoc.as_deref(), s[0].newpar), (Some("a"), true));
        assert_eq!((s[1].newdoc.as_deref(), s[1].newpar), (None, false));
        assert_eq!((s[2].newdoc.as_deref(), s[2].newpar), (None, true));
        assert_eq!(s[2].line, 9);
    }

    #[test]
    fn multiword_and_empty_nodes() {
        let data = format!(
            "{}{}{}{}{}\n",
            line("1-2", "Russia's", "_"),
            line("1", "Russia", "_"),
            line("2", "'s", "_"),
            line("2.1", "x", "_"),
            line("3", "army", "SpaceAfter=No")
        );
        let s = read(&data).remove(0).unwrap();
        assert_eq!(s.tokens.len(), 2);
        assert_eq!(s.tokens[0].words, 0..2);
        assert!(s.tokens[0].multiword);
        assert!(!s.tokens[1].space_after);
        assert_eq!(s.text_or_rebuilt(), "Russia's army");
    }

    #[test]
    fn errors_name_the_line_and_reading_goes_on() {
        let data = format!(
            "{}{}\n\n{}\n{}\n",
            line("1", "a", "_"),
            "2\tonly\tthree",
            line("1", "b", "_"),
            line("2", "c", "_")
        );
        let r = read(&data);
        assert_eq!(r.len(), 3);
        let e = r[0].clone().unwrap_err();
        assert_eq!((e.line, e.kind), (2, ConlluErrorKind::Columns));
        assert_eq!(r[1].clone().unwrap().words[0].form, "b");
        let e = r[2].clone().unwrap_err();
        assert_eq!((e.line, e.kind), (6, ConlluErrorKind::Sequence));
    }

    #[test]
    fn unfinished_multiword_is_an_error() {
        let data = format!("{}{}\n", line("1-2", "ab", "_"), line("1", "a", "_"));
        assert_eq!(
            read(&data)[0].clone().unwrap_err().kind,
            ConlluErrorKind::Sequence
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "(\\PC{0,12}[\t\n]){0,40}") {
            for r in Reader::new(s.as_bytes()) {
                let _ = r;
            }
        }
    }
}
