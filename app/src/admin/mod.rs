//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent, [`AdminShell`]; each page draws the staff navigation once its data (its role check) has
//! loaded; the server
//! answers 403 on `/api/admin/*` to anyone who is not staff before any server function runs, and
//! each function still checks the role itself (they are directly callable).
pub mod keys;
pub mod orders;
pub mod overview;

use crate::ui::page::no_store;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The parent of every staff route: the pages under it are private (never stored). Each page's own
/// staff function is its role check (a 403 page for everyone else, after the server's
/// `/api/admin/*` gate) and the page draws [`AdminNav`] once its data has loaded: one resource per
/// page, so its data (and a failed form's flash) is read once.
#[component]
pub fn AdminShell() -> impl IntoView {
    no_store();
    view! { <Outlet/> }
}

/// The staff navigation, at the top of every staff page.
#[component]
pub fn AdminNav(email: String) -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label="Staff" data-testid="admin-nav">
            <a href="/admin">"Dashboard"</a>
            <a href="/admin/orders">"Orders"</a>
            <a href="/admin/keys">"Game keys"</a>
            <span class="admin-who">"Staff: " {email}</span>
        </nav>
    }
}
