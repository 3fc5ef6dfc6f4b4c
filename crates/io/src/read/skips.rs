//! Counts of the records that readers pass over on purpose.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// The records that readers passed over on purpose, counted by reason: input that is well
/// formed but holds no article, such as a WARC `request` record, a response that is not an HTML
/// page, or a feed item without text. They are not errors: they make no error record.
///
/// One `Skips` is shared (in an `Arc`) by the reader and whoever reports on the run; counting
/// takes a lock, so any thread may read the counts, and [`Skips::summary`] gives them once the
/// stream is done. The reasons are short lowercase phrases, stable enough to compare in tests:
///
/// | reason | a record that is |
/// |---|---|
/// | `warc warcinfo record` (also `request`, `metadata`, `revisit`, `resource`, `conversion`, `continuation`) | a WARC record of that type |
/// | `warc record of another type` | a WARC record of a type not above, or without `WARC-Type` |
/// | `warc response not http` | a `response` record that holds no HTTP response (DNS) |
/// | `http status 3xx` (also `1xx`, `4xx`, `5xx`) | an HTTP response that is not a success |
/// | `http response not html` | a successful HTTP response whose payload is not HTML |
/// | `feed item without text` | a feed item with neither a description nor content |
#[derive(Debug, Default)]
pub struct Skips {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl Skips {
    /// No records skipped yet.
    pub fn new() -> Skips {
        Skips::default()
    }

    /// Counts one record skipped for `reason`.
    pub(crate) fn add(&self, reason: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        match counts.get_mut(reason) {
            Some(count) => *count += 1,
            None => {
                counts.insert(reason.to_string(), 1);
            }
        }
    }

    /// Every reason with its count, sorted by reason.
    pub fn summary(&self) -> Vec<(String, u64)> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.iter().map(|(r, &n)| (r.clone(), n)).collect()
    }

    /// How many records were skipped in all.
    pub fn total(&self) -> u64 {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_reason_in_order() {
        let skips = Skips::new();
        for reason in [
            "warc request record",
            "http status 3xx",
            "warc request record",
        ] {
            skips.add(reason);
        }
        assert_eq!(
            skips.summary(),
            [
                ("http status 3xx".to_string(), 1),
                ("warc request record".to_string(), 2)
            ]
        );
        assert_eq!(skips.total(), 3);
    }
}
