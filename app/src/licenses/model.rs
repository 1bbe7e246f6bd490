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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub keys: Vec<LibraryKey>,
    pub signed_in: bool,
    pub message: Option<String>,
}
