//! From a list of inputs to a stream of records: files in the order given, directories walked
//! lazily in sorted order, `-` as standard input.

use std::collections::VecDeque;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dyad_core::{RecordError, RecordErrorKind};

use super::source::{self, io_message, Source};
use super::{Kind, ReaderConfig, Record, Skips};

type Stream = Box<dyn Iterator<Item = Record> + Send>;

/// The records of every input, one file at a time.
pub(crate) struct Inputs {
    inputs: std::vec::IntoIter<PathBuf>,
    config: ReaderConfig,
    skips: Arc<Skips>,
    walk: Option<Walk>,
    current: Option<Stream>,
}

impl Inputs {
    pub fn new(inputs: Vec<PathBuf>, config: ReaderConfig, skips: Arc<Skips>) -> Inputs {
        Inputs {
            inputs: inputs.into_iter(),
            config,
            skips,
            walk: None,
            current: None,
        }
    }

    /// The records of one file; `id` names its article in one-article-per-file formats.
    fn open_file(&self, path: &Path, id: String) -> Stream {
        let source = Source {
            file: path.display().to_string(),
            id,
        };
        let kind = Kind::of_file(path, self.config.format);
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) => {
                let error = source.error(RecordErrorKind::Io, io_message("cannot open", &e));
                return Box::new(std::iter::once(Err(error)));
            }
        };
        let size = file.metadata().ok().map(|m| m.len());
        source::records(source, file, size, kind, &self.config, &self.skips)
    }

    fn open_stdin(&self) -> Stream {
        let source = Source {
            file: "-".to_string(),
            id: "-".to_string(),
        };
        let kind = Kind::of_stdin(self.config.format);
        source::records(
            source,
            std::io::stdin(),
            None,
            kind,
            &self.config,
            &self.skips,
        )
    }
}

impl Iterator for Inputs {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(current) = &mut self.current {
                if let Some(record) = current.next() {
                    return Some(record);
                }
                self.current = None;
            }
            if let Some(walk) = &mut self.walk {
                match walk.next() {
                    Some(Ok((path, id))) => self.current = Some(self.open_file(&path, id)),
                    Some(Err(e)) => return Some(Err(e)),
                    None => self.walk = None,
                }
                continue;
            }
            let path = self.inputs.next()?;
            if path.as_os_str() == "-" {
                self.current = Some(self.open_stdin());
                continue;
            }
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.walk = Some(Walk::new(path)),
                Ok(_) => {
                    let id = path.display().to_string();
                    self.current = Some(self.open_file(&path, id));
                }
                Err(e) => {
                    let file = path.display().to_string();
                    let message = io_message("cannot open", &e);
                    return Some(Err(RecordError::new(file, RecordErrorKind::Io, message)));
                }
            }
        }
    }
}

/// A depth-first walk of a directory that lists one directory at a time, each sorted by name,
/// so that files come out in sorted path order. Hidden entries (a name starting with `.`) are
/// skipped; a symbolic link is followed to a file but not to a directory, so that a link cycle
/// cannot make the walk endless.
struct Walk {
    root: PathBuf,
    stack: Vec<std::vec::IntoIter<PathBuf>>,
    errors: VecDeque<RecordError>,
}

impl Walk {
    fn new(root: PathBuf) -> Walk {
        let mut walk = Walk {
            root: root.clone(),
            stack: Vec::new(),
            errors: VecDeque::new(),
        };
        walk.enter(&root);
        walk
    }

    /// Lists a directory onto the stack; an unreadable directory or entry becomes an error.
    fn enter(&mut self, dir: &Path) {
        let error = |e: &std::io::Error, what: &str| {
            RecordError::new(
                dir.display().to_string(),
                RecordErrorKind::Io,
                io_message(what, e),
            )
        };
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.errors.push_back(error(&e, "cannot read directory")),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) if entry.file_name().as_encoded_bytes().starts_with(b".") => {}
                Ok(entry) => paths.push(entry.path()),
                Err(e) => self
                    .errors
                    .push_back(error(&e, "cannot read directory entry")),
            }
        }
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        self.stack.push(paths.into_iter());
    }

    /// The path relative to the root, which names the article.
    fn id(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

impl Iterator for Walk {
    type Item = Result<(PathBuf, String), RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(error) = self.errors.pop_front() {
                return Some(Err(error));
            }
            let top = self.stack.last_mut()?;
            let Some(path) = top.next() else {
                self.stack.pop();
                continue;
            };
            let (is_link, meta) = match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => (true, fs::metadata(&path)),
                other => (false, other),
            };
            match meta {
                Ok(meta) if meta.is_file() => {
                    let id = self.id(&path);
                    return Some(Ok((path, id)));
                }
                Ok(meta) if meta.is_dir() && !is_link => self.enter(&path),
                // Sockets, FIFOs and links to directories are not articles.
                Ok(_) => {}
                Err(e) => {
                    let file = path.display().to_string();
                    let message = io_message("cannot read", &e);
                    return Some(Err(RecordError::new(file, RecordErrorKind::Io, message)));
                }
            }
        }
    }
}
