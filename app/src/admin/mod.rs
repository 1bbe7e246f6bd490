//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent, [`AdminShell`], which draws the staff navigation once the role check passes; the server
//! answers 403 on `/api/admin/*` to anyone who is not staff before any server function runs, and
//! each function still checks the role itself (they are directly callable).
pub mod keys;
pub mod orders;
pub mod overview;

use crate::error::AppError;
use crate::ui::page::no_store;
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

/// The frame of every staff page: the staff navigation (shown once the role check passes), then
/// the page. The page stays outside the navigation's Suspense so its data is loaded once (a flash
/// is read once); it is refused by its own staff function (403 page) for everyone else, after the
/// server's `/api/admin/*` gate.
#[component]
pub fn AdminShell() -> impl IntoView {
    no_store();
    let staff = Resource::new(|| (), |_| get_staff());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                staff.await.ok().map(|email| view! {
                    <nav class="admin-nav" aria-label="Staff" data-testid="admin-nav">
                        <a href="/admin">"Dashboard"</a>
                        <a href="/admin/orders">"Orders"</a>
                        <a href="/admin/keys">"Game keys"</a>
                        <span class="admin-who">"Staff: " {email}</span>
                    </nav>
                })
            })}
        </Suspense>
        <Outlet/>
    }
}
