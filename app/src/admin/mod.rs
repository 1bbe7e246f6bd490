//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent, [`AdminShell`]; each page draws the staff navigation once its data (its role check) has
//! loaded; the server
//! answers 403 on `/api/admin/*` to anyone who is not staff before any server function runs, and
//! each function still checks the role itself (they are directly callable).
pub mod categories;
pub mod keys;
pub mod orders;
pub mod overview;
pub mod product;
pub mod products;
pub mod widgets;

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
            <a href="/admin/products">"Products"</a>
            <a href="/admin/categories">"Categories"</a>
            <a href="/admin/orders">"Orders"</a>
            <a href="/admin/keys">"Game keys"</a>
            <span class="admin-who">"Staff: " {email}</span>
        </nav>
    }
}

/// The signed-in admin (403 for anyone else) as the audit log records them: who and from where.
#[cfg(feature = "ssr")]
pub(crate) async fn staff_actor(ctx: &crate::platform::request::RequestCtx) -> Result<(String, crate::platform::audit::Actor), crate::error::AppError> {
    use crate::accounts::ssr::AccountsExt;
    let u = ctx.accounts().require_admin().await?;
    let actor = crate::platform::audit::Actor { user_id: Some(u.user_id), email: u.identity.email.clone(), ip: Some(ctx.ip().to_owned()) };
    Ok((u.identity.email, actor))
}

/// A product's status as a small label.
#[component]
pub fn StatusBadge(status: crate::catalog::model::ProductStatus) -> impl IntoView {
    use crate::catalog::model::ProductStatus::*;
    let (class, text) = match status {
        Draft => ("status-badge draft", "Draft"),
        Active => ("status-badge active", "Active"),
        Archived => ("status-badge archived", "Archived"),
    };
    view! { <span class=class data-testid="status">{text}</span> }
}
