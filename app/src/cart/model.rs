//! What the cart page shows. Prices are the database's, read when the page is drawn.
use crate::types::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub variant_id: i64,
    pub product_name: String,
    pub product_slug: String,
    pub variant_label: String,
    pub unit_price: Money,
    pub quantity: i64,
    pub max_quantity: i64,
    pub line_total: Money,
    pub physical: bool,
    pub in_stock: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    pub subtotal: Option<Money>,
    pub needs_shipping: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// What adding to the cart in place answers: the product's name and the new item count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    pub name: String,
    pub count: i64,
}
