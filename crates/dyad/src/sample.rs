//! The bundled sample corpus (`data/sample/`), embedded in the binary so that `dyad demo` works
//! from any directory and without the repository checkout.

use dyad_io::read::{self, InputFormat, ReaderConfig, Record};

/// The sample files: path in the repository, format, and bytes.
pub const FILES: &[(&str, InputFormat, &[u8])] = &[
    (
        "data/sample/articles.jsonl",
        InputFormat::Jsonl,
        include_bytes!("../../../data/sample/articles.jsonl"),
    ),
    (
        "data/sample/dateline.txt",
        InputFormat::Text,
        include_bytes!("../../../data/sample/dateline.txt"),
    ),
    (
        "data/sample/statement.txt",
        InputFormat::Text,
        include_bytes!("../../../data/sample/statement.txt"),
    ),
    (
        "data/sample/page.html",
        InputFormat::Html,
        include_bytes!("../../../data/sample/page.html"),
    ),
];

/// The records of every sample file, in order.
pub fn records(config: &ReaderConfig) -> Vec<Record> {
    FILES
        .iter()
        .flat_map(|(name, format, bytes)| read::read_bytes(name, bytes, *format, config))
        .collect()
}
