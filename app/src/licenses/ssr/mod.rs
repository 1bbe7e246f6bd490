//! Server-only license key code.
pub mod crypto;
pub mod import;
pub mod pool;
#[cfg(test)]
mod tests;
