//! The container every dyad model file shares: a header naming the model kind and format
//! version, so that a stale or foreign file is refused with a clear message, then the model's
//! own payload.
//!
//! Layout: `DYAD` magic, 4-byte kind (`TAGR`, `PARS`, `NERM`…), `u16` little-endian version,
//! `u16` reserved (0), `u64` little-endian payload length, payload.

use thiserror::Error;

/// Why a model file could not be loaded.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the dyad model header.
    #[error("not a dyad model file (bad magic)")]
    BadMagic,
    /// The file holds another kind of model.
    #[error("model file holds a {found:?} model, expected {expected:?}")]
    WrongKind {
        /// The kind the caller asked for.
        expected: String,
        /// The kind found in the file.
        found: String,
    },
    /// The file was written by another format version.
    #[error("model format version {found}, this build reads {expected}: retrain the model")]
    WrongVersion {
        /// The version this build reads.
        expected: u16,
        /// The version found in the file.
        found: u16,
    },
    /// The file is shorter than its header says, or its payload is malformed.
    #[error("model file is truncated or corrupt: {0}")]
    Corrupt(String),
}

const MAGIC: &[u8; 4] = b"DYAD";
const HEADER: usize = 20;

/// Wraps a payload in the header.
pub fn write(kind: &[u8; 4], version: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(kind);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Checks the header and returns the payload.
pub fn read<'a>(bytes: &'a [u8], kind: &[u8; 4], version: u16) -> Result<&'a [u8], ModelError> {
    if bytes.len() < HEADER || &bytes[0..4] != MAGIC {
        return Err(ModelError::BadMagic);
    }
    if &bytes[4..8] != kind {
        return Err(ModelError::WrongKind {
            expected: String::from_utf8_lossy(kind).into_owned(),
            found: String::from_utf8_lossy(&bytes[4..8]).into_owned(),
        });
    }
    let found = u16::from_le_bytes([bytes[8], bytes[9]]);
    if found != version {
        return Err(ModelError::WrongVersion {
            expected: version,
            found,
        });
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        return Err(ModelError::Corrupt(format!(
            "header says {len} payload bytes, file has {}",
            payload.len()
        )));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let bytes = write(b"TEST", 3, b"payload");
        assert_eq!(read(&bytes, b"TEST", 3), Ok(&b"payload"[..]));
    }

    #[test]
    fn refuses_wrong_kind_version_and_truncation() {
        let bytes = write(b"TEST", 3, b"payload");
        assert!(matches!(
            read(&bytes, b"PARS", 3),
            Err(ModelError::WrongKind { .. })
        ));
        assert!(matches!(
            read(&bytes, b"TEST", 4),
            Err(ModelError::WrongVersion { .. })
        ));
        assert!(matches!(
            read(&bytes[..bytes.len() - 1], b"TEST", 3),
            Err(ModelError::Corrupt(_))
        ));
        assert_eq!(read(b"nope", b"TEST", 3), Err(ModelError::BadMagic));
    }
}
