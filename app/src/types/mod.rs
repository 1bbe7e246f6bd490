//! Value types that parse, not validate: once built, they are correct.
mod email;
mod money;
mod quantity;
mod safe_path;
#[cfg(feature = "ssr")]
mod secret;
mod slug;
mod time;
pub use email::Email;
pub use money::{Currency, Money};
pub use quantity::{Quantity, QuantityError};
pub use safe_path::SafePath;
#[cfg(feature = "ssr")]
pub use secret::{expose_all, Secret};
pub use slug::Slug;
pub use time::{countdown, launch_label};
