//! `read_bytes` of arbitrary bytes named as gzip- and zstd-compressed JSONL: the decoders must
//! never panic, and every article read must have text.
#![no_main]

use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = ReaderConfig {
        max_article_bytes: 4096,
        ..ReaderConfig::default()
    };
    // `-` sniffs the magic bytes, so the fuzzer can reach both decoders from one input.
    for name in ["fuzz.jsonl.gz", "fuzz.jsonl.zst", "-"] {
        for doc in read_bytes(name, data, InputFormat::Auto, &config)
            .into_iter()
            .flatten()
        {
            assert!(
                !doc.article.text.trim().is_empty(),
                "article without text: {doc:?}"
            );
        }
    }
});
