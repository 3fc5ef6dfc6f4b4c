use std::fmt;

/// Why a record could not become an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordErrorKind {
    /// The file or stream could not be opened or read.
    Io,
    /// The bytes look like a binary file (NUL bytes or mostly control characters).
    Binary,
    /// The record holds no text.
    Empty,
    /// The record is larger than the configured article size limit.
    Oversize,
    /// A JSON line that does not parse, or lacks a required field.
    MalformedJson,
    /// An XML or HTML document that could not be parsed.
    MalformedMarkup,
    /// A field that parses but holds an impossible value (a date such as `2022-13-45`).
    InvalidField,
}

impl RecordErrorKind {
    /// A short stable name, for machine-readable error records.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordErrorKind::Io => "io",
            RecordErrorKind::Binary => "binary",
            RecordErrorKind::Empty => "empty",
            RecordErrorKind::Oversize => "oversize",
            RecordErrorKind::MalformedJson => "malformed-json",
            RecordErrorKind::MalformedMarkup => "malformed-markup",
            RecordErrorKind::InvalidField => "invalid-field",
        }
    }
}

/// A record that could not be read: it names the file (and line) and the reason, so that one
/// broken article is reported and the rest of the batch goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The file path, or `-` for standard input.
    pub file: String,
    /// The 1-based line of the record within the file, for line-oriented formats.
    pub line: Option<u64>,
    /// The record's id, when it could be read before the error.
    pub id: Option<String>,
    /// What went wrong.
    pub kind: RecordErrorKind,
    /// A lowercase human-readable explanation without a final period.
    pub message: String,
}

impl RecordError {
    /// An error for a whole file.
    pub fn new(file: impl Into<String>, kind: RecordErrorKind, message: impl Into<String>) -> Self {
        RecordError {
            file: file.into(),
            line: None,
            id: None,
            kind,
            message: message.into(),
        }
    }

    /// The same error located at a 1-based line.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// The same error for the record with this id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (record {id})")?;
        }
        write!(f, ": {}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for RecordError {}
