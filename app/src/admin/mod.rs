//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent, [`AdminShell`], which checks the role once and draws the staff navigation; the server
//! answers 403 on `/api/admin/*` to anyone who is not staff before any server function runs, and
//! each function still checks the role itself (they are directly callable).
pub mod keys;
pub mod orders;
pub mod overview;

use crate::error::AppError;
use crate::ui::page::{await_page, no_store};
use leptos::prelude::*;
use leptos_router::components::Outlet;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;

/// Who is signed in as staff (their address); 403 for everyone else.
#[server(prefix = "/api/admin", endpoint = "staff")]
pub async fn get_staff() -> Result<String, AppError> {
    let ctx = crate::platform::request::RequestCtx::load().await?;
    Ok(ctx.accounts().require_admin().await?.identity.email)
}

/// The frame of every staff page: the role checked once (a 403 page for everyone else), the staff
/// navigation, then the page.
#[component]
pub fn AdminShell() -> impl IntoView {
    no_store();
    let staff = Resource::new(|| (), |_| get_staff());
    await_page(staff, |email: String| {
        view! {
            <nav class="admin-nav" aria-label="Staff" data-testid="admin-nav">
                <a href="/admin">"Dashboard"</a>
                <a href="/admin/orders">"Orders"</a>
                <a href="/admin/keys">"Game keys"</a>
                <span class="admin-who">"Staff: " {email}</span>
            </nav>
            <Outlet/>
        }
    })
}
