//! How many of one thing a buyer may take in one order.
use serde::{Deserialize, Serialize};

/// How many of one variant: at least 1, at most the product's per-order maximum (and never above 99).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quantity(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("Choose a quantity between 1 and {max}.")]
pub struct QuantityError {
    pub max: u8,
}

impl Quantity {
    pub const MAX: u8 = 99;

    pub fn new(n: i64, per_order_max: u8) -> Result<Quantity, QuantityError> {
        let max = per_order_max.min(Self::MAX) as i64;
        if (1..=max).contains(&n) { Ok(Quantity(n as u8)) } else { Err(QuantityError { max: max as u8 }) }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}
