//! Server-only order records: queries over orders, lines and refund requests, and the sign-in hook
//! that joins guest orders to an account.
pub mod queries;
pub mod staff;
