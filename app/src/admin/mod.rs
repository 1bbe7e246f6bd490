//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent; the server answers 403 on `/api/admin/*` to anyone who is not staff before any server
//! function runs, and each function still checks the role itself (they are directly callable).
pub mod keys;
pub mod orders;
pub mod overview;
