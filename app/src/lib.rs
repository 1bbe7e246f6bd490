//! The shop's Leptos application: routes, pages, islands, server functions and domain logic.
//! Pages render on the server; only `#[island]` components hydrate in the browser.
#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod dev;
pub mod error;
#[cfg(feature = "ssr")]
pub mod inventory;
pub mod layout;
pub mod library;
pub mod mail;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod payments;
pub mod platform;
pub mod routes;
pub mod site;
pub mod types;
pub mod ui;

pub use routes::{shell, App};

/// Called by the browser crate so the islands defined here are linked into the WASM bundle.
pub fn islands_linked() {}
