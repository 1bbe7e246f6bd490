//! Value types that parse, not validate: once built, they are correct.
mod money;
mod slug;
pub use money::{Currency, Money};
pub use slug::Slug;
