//! The owner's games: license keys (pools, encryption, import, drops, the library page) and game
//! builds (the object store, signed links, download log and limits).
pub mod downloads;
pub mod keys;

/// The library's state, provided by the server as its own context.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct LibraryState {
    /// Encrypts and decrypts license keys.
    pub keys: std::sync::Arc<keys::ssr::crypto::KeyCipher>,
    /// Game builds: the object store and the download limits.
    pub downloads: downloads::ssr::Downloads,
}

#[cfg(feature = "ssr")]
pub fn state() -> Result<LibraryState, crate::error::AppError> {
    crate::platform::domain_state("library")
}
