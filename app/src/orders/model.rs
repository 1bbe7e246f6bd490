//! Order states and the transitions between them (the database enforces the same table).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    PartiallyRefunded,
}

/// The states in which a buyer holds an order's keys ([`OrderStatus::holds_keys`]), as an SQL list.
pub const KEY_HOLDING_SQL: &str = "('paid', 'fulfilled', 'shipped', 'delivered', 'partially_refunded')";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order cannot go from {from:?} to {to:?}")]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
        OrderStatus::PartiallyRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
            OrderStatus::PartiallyRefunded => "partially_refunded",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether an order may move from `self` to `to`. Staying put is allowed (an idempotent update).
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        self == to
            || matches!(
                (self, to),
                (PendingPayment, Paid | Cancelled)
                    | (Paid, Fulfilled | Shipped | Refunded | PartiallyRefunded)
                    | (Fulfilled | Shipped | Delivered | PartiallyRefunded, Refunded | PartiallyRefunded)
                    | (Shipped, Delivered)
            )
    }

    /// Whether a buyer holds the keys (and downloads) of an order in this state: paid and not wholly
    /// refunded. [`KEY_HOLDING_SQL`] is the same list for queries.
    pub fn holds_keys(self) -> bool {
        use OrderStatus::*;
        matches!(self, Paid | Fulfilled | Shipped | Delivered | PartiallyRefunded)
    }

    pub fn become_(self, to: OrderStatus) -> Result<OrderStatus, IllegalTransition> {
        if self.can_become(to) { Ok(to) } else { Err(IllegalTransition { from: self, to }) }
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;
    const ALL_STATES: [OrderStatus; 8] = OrderStatus::ALL;

    #[test]
    fn the_happy_paths_are_legal() {
        for path in [
            &[PendingPayment, Paid, Shipped, Delivered, Refunded][..],
            &[PendingPayment, Paid, Fulfilled, PartiallyRefunded, PartiallyRefunded, Refunded],
            &[PendingPayment, Cancelled],
        ] {
            for w in path.windows(2) {
                assert!(w[0].can_become(w[1]), "{:?} -> {:?}", w[0], w[1]);
            }
        }
    }

    #[test]
    fn the_key_holding_sql_list_is_the_rule() {
        let listed: Vec<OrderStatus> = ALL_STATES.into_iter().filter(|s| KEY_HOLDING_SQL.contains(&format!("'{}'", s.as_str()))).collect();
        let rule: Vec<OrderStatus> = ALL_STATES.into_iter().filter(|s| s.holds_keys()).collect();
        assert_eq!(listed, rule);
    }

    #[test]
    fn money_never_flows_backwards() {
        for bad in [(Paid, PendingPayment), (Cancelled, Paid), (Refunded, Paid), (Delivered, Shipped), (PendingPayment, Shipped), (PendingPayment, Refunded), (Refunded, PartiallyRefunded)] {
            assert_eq!(bad.0.become_(bad.1), Err(IllegalTransition { from: bad.0, to: bad.1 }));
        }
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert!(!Cancelled.can_become(s) || s == Cancelled, "cancelled is final");
        }
    }
}

/// A line of an order, as bought.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderLineView {
    pub variant_id: i64,
    pub product_name: String,
    pub variant_label: String,
    pub unit_price: crate::types::Money,
    pub quantity: i64,
    pub line_total: crate::types::Money,
    /// Units refunded so far.
    pub refunded_quantity: i64,
    /// Jewelry ships; games are keys and downloads.
    pub physical: bool,
}

/// An order as its buyer sees it (review-and-pay page, confirmation).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderView {
    pub id: String,
    pub number: i64,
    pub status: OrderStatus,
    pub email: String,
    pub lines: Vec<OrderLineView>,
    pub subtotal: crate::types::Money,
    pub discount: crate::types::Money,
    pub discount_code: Option<String>,
    pub shipping: crate::types::Money,
    pub shipping_method: Option<String>,
    pub tax: crate::types::Money,
    pub total: crate::types::Money,
    /// Refunded so far (whole or in parts).
    pub refunded: crate::types::Money,
    pub tracking_number: Option<String>,
    /// Whether the order shipped (a partly refunded order may still be shipping).
    pub shipped: bool,
    /// With Stripe: what Stripe.js needs to take the card on the pay page.
    pub stripe: Option<StripeClient>,
    /// A message for the page (e.g. after a declined card).
    pub message: Option<String>,
    /// The state of the buyer's latest refund request: open, approved or declined.
    pub refund_request: Option<String>,
    /// Why the last refund request was refused (e.g. no reason given).
    pub refund_error: Option<String>,
}

impl OrderStatus {
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "Waiting for payment",
            OrderStatus::Paid => "Paid",
            OrderStatus::Fulfilled => "Fulfilled",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::Refunded => "Refunded",
            OrderStatus::PartiallyRefunded => "Partly refunded",
        }
    }
}


/// A row of "My orders".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderSummary {
    pub id: String,
    pub number: i64,
    pub placed: String,
    pub status: OrderStatus,
    pub total: crate::types::Money,
    pub email: String,
    /// Holds a physical item (can be shipped).
    pub ships: bool,
}


/// The browser's half of a Stripe payment (a publishable key and the PaymentIntent's client secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StripeClient {
    pub publishable_key: String,
    pub client_secret: String,
}

/// One thing that happened to an order (its staff timeline). `kind`: order, payment, email,
/// problem, keys, download, refund, shipping, staff. `at` is UTC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineEvent {
    pub at: String,
    pub kind: String,
    pub text: String,
}

/// A refund request in the staff queue, with what the buyer used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefundRequestView {
    pub id: i64,
    pub order_number: i64,
    pub email: String,
    pub total: crate::types::Money,
    pub reason: String,
    pub requested: String,
    pub keys_revealed: i64,
    pub downloads: i64,
}
