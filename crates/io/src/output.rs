//! Output record shapes: serialization lives here, not in the core types.
