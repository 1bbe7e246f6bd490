//! Server-only catalog code: `repo` holds the SQL, `service` the rules around it.
pub mod repo;
pub mod service;
pub mod staff;
#[cfg(test)]
mod staff_tests;
#[cfg(test)]
pub(crate) mod tests;
