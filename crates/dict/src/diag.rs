//! Line-numbered diagnostics about dictionary files.

use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing was lost (a file that was skipped by name, for example).
    Info,
    /// Something was repaired or guessed (Latin-1 bytes, a `}` that closes a `[`); the entry was kept.
    Warning,
    /// The line or part of it could not be understood and was skipped.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A note about one line of a dictionary file; parsing always goes on after one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name as given to the parser (a bare name or a path).
    pub file: String,
    /// The 1-based line number; 0 when the note is about the whole file.
    pub line: u32,
    /// How serious it is.
    pub severity: Severity,
    /// A short stable code such as `invalid-utf8` or `missing-code`.
    pub code: &'static str,
    /// A lowercase explanation without a final period, naming the fix where there is one.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": {}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink<'a> {
    pub(crate) file: &'a str,
    pub(crate) out: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a str) -> Sink<'a> {
        Sink {
            file,
            out: Vec::new(),
        }
    }

    pub(crate) fn push(
        &mut self,
        line: u32,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.out.push(Diagnostic {
            file: self.file.to_string(),
            line,
            severity,
            code,
            message: message.into(),
        });
    }

    pub(crate) fn warn(&mut self, line: u32, code: &'static str, message: impl Into<String>) {
        self.push(line, Severity::Warning, code, message);
    }

    pub(crate) fn error(&mut self, line: u32, code: &'static str, message: impl Into<String>) {
        self.push(line, Severity::Error, code, message);
    }
}
