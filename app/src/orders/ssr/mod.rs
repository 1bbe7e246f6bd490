//! Server-only order code: checkout and payment in the database, the job queue.
pub mod checkout;
pub mod jobs;
#[cfg(test)]
mod tests;
