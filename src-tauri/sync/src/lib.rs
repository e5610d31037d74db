//! What both ends of sync agree on, with no I/O: the hybrid logical clock that stamps every
//! field change, the field-level last-writer-wins merge the desktop and the server both run,
//! and the shapes of what travels between them (`docs/sync.md`).

pub mod hlc;
pub mod merge;
pub mod wire;
