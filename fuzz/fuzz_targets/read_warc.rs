//! `read_bytes` as WARC on arbitrary bytes, plain and as a `.warc.gz` name (the bytes then go
//! through the gzip member reader): it must never panic, and every article it returns must
//! have text.
#![no_main]

use std::sync::Arc;

use dyad_io::read::{read_bytes_with_skips, InputFormat, ReaderConfig, Skips};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A small limit lets the fuzzer reach the oversize paths too.
    let config = ReaderConfig {
        max_article_bytes: 4096,
        ..ReaderConfig::default()
    };
    for name in ["fuzz.warc", "fuzz.warc.gz"] {
        let skips = Arc::new(Skips::new());
        let records = read_bytes_with_skips(name, data, InputFormat::Auto, &config, &skips);
        for doc in records.into_iter().flatten() {
            assert!(
                !doc.article.text.trim().is_empty(),
                "article without text: {doc:?}"
            );
        }
        // The counts can be read whatever the stream was.
        let _ = skips.summary();
    }
});
