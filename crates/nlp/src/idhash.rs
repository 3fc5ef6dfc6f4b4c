//! A fast hasher for `HashMap`s whose keys are already hashes of words (one multiply instead
//! of SipHash: these maps are read for every word annotated).

use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for `u64` keys that are already hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        // Spread the key's bits over the whole word: the map reads both the high and the low
        // bits.
        self.0 = (n ^ (n >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// `BuildHasher` for [`IdHasher`].
pub type IdHash = BuildHasherDefault<IdHasher>;
