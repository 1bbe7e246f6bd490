//! Value types that parse, not validate: once built, they are correct.
mod money;
mod safe_path;
mod slug;
pub use money::{Currency, Money};
pub use safe_path::SafePath;
pub use slug::Slug;
