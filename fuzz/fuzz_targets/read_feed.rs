//! `read_bytes` as an RSS/Atom feed on arbitrary bytes: it must never panic, and every article it
//! returns must have text.
#![no_main]

use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A small limit lets the fuzzer reach the oversize paths too.
    let config = ReaderConfig {
        max_article_bytes: 4096,
        ..ReaderConfig::default()
    };
    for doc in read_bytes("fuzz", data, InputFormat::Feed, &config)
        .into_iter()
        .flatten()
    {
        assert!(
            !doc.article.text.trim().is_empty(),
            "article without text: {doc:?}"
        );
    }
});
