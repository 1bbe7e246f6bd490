//! Account pages and their form building blocks.
pub mod forms;
pub mod pages;

pub use pages::*;
