//! Value types that parse, not validate: once built, they are correct.
mod email;
mod money;
mod quantity;
mod safe_path;
mod slug;
mod time;
pub use email::Email;
pub use money::{Currency, Money};
pub use quantity::{Quantity, QuantityError};
pub use safe_path::SafePath;
pub use slug::Slug;
pub use time::{countdown, launch_label};
