//! The owner's games: license keys (pools, encryption, import, drops, the library page) and game
//! builds (the object store, signed links, download log and limits).
pub mod downloads;
pub mod keys;
