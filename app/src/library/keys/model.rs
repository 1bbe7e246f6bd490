//! What the library page shows.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryKey {
    pub id: i64,
    pub product_name: String,
    pub variant_label: String,
    pub order_id: String,
    pub order_number: i64,
    /// Only once the owner pressed "Reveal".
    pub key: Option<String>,
    pub revealed_at: Option<String>,
    pub redeemed: bool,
    /// The game's newest build, if it has one (owners always get the newest).
    pub build: Option<LibraryBuild>,
    /// Download links minted for this purchase so far.
    pub downloads: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryBuild {
    pub version: String,
    pub changelog: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the file, to check a download.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub keys: Vec<LibraryKey>,
    pub signed_in: bool,
    pub message: Option<String>,
}

/// A game variant's key pool, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct KeyPoolView {
    pub variant_id: i64,
    pub product_name: String,
    pub sku: String,
    pub label: String,
    pub available: i64,
    pub assigned: i64,
    /// Sold from a key pool (once keys were added).
    pub keyed: bool,
}
