//! Digital delivery: license key pools per game variant (imported or generated), encrypted at rest,
//! assigned one per unit by the worker after payment.
#[cfg(feature = "ssr")]
pub mod ssr;
