//! Every staff page, staff server function and staff wire type. The `/admin` routes sit under one
//! parent, [`AdminShell`]; each page draws the staff navigation once its data (its role check) has
//! loaded; the server
//! answers 403 on `/api/admin/*` to anyone who is not staff before any server function runs, and
//! each function still checks the role itself (they are directly callable).
pub mod audit;
pub mod categories;
pub mod charts;
pub mod customers;
pub mod discounts;
pub mod export;
pub mod keys;
pub mod orders;
pub mod overview;
pub mod product;
pub mod products;
pub mod widgets;
#[cfg(all(test, feature = "ssr"))]
mod tests;

use crate::accounts::model::Role;
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

/// The staff functions support may call (the order desk and the dashboard); every other
/// `/api/admin/*` function is for admins. The server's staff gate refuses the rest to support
/// before any function runs; each function still checks the role it needs itself.
pub fn support_may_call(path: &str) -> bool {
    use leptos::server_fn::ServerFn;
    [
        orders::GetAdminOrders::PATH,
        orders::GetAdminOrder::PATH,
        orders::AdminShipOrder::PATH,
        orders::AdminRefundOrder::PATH,
        orders::AdminRefundPart::PATH,
        orders::AdminDecideRefund::PATH,
        orders::AdminResendEmail::PATH,
        orders::AdminCancelOrder::PATH,
        customers::GetAdminCustomers::PATH,
        customers::GetAdminCustomer::PATH,
        overview::GetAdminOverview::PATH,
    ]
    .contains(&path)
}

/// A CSV download link with a progress bar: `public/admin-export.js` (loaded by the staff pages
/// that have one, so none of it is in the shoppers' bundle) streams the file, counts its rows
/// against the `X-Total-Rows` header and hands it over as a download. Without JavaScript it is a
/// plain download link.
#[component]
pub fn ExportLink(href: String, test_id: &'static str) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let box_id = format!("{test_id}-progress");
    view! {
        <a class="button secondary-outline" href=href download="" data-testid=test_id data-export=box_id.clone()>"Download CSV"</a>
        <div id=box_id.clone() class="export-progress" hidden=true data-testid=box_id>
            <progress max="1" aria-label="Export progress"></progress>
            <span role="status" aria-live="polite"></span>
        </div>
        <script src="/admin-export.js" defer=true nonce=nonce></script>
    }
}

/// The signed-in staff member as every staff page knows them: for the navigation, which shows only
/// what their role may use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Staff {
    pub email: String,
    pub role: Role,
}

/// The staff navigation, at the top of every staff page: support see the desk they work at, admins
/// everything.
#[component]
pub fn AdminNav(staff: Staff) -> impl IntoView {
    let admin = staff.role >= Role::Admin;
    view! {
        <nav class="admin-nav" aria-label="Staff" data-testid="admin-nav">
            <a href="/admin">"Dashboard"</a>
            <a href="/admin/orders">"Orders"</a>
            <a href="/admin/customers">"Customers"</a>
            {admin.then(|| view! {
                <a href="/admin/products">"Products"</a>
                <a href="/admin/categories">"Categories"</a>
                <a href="/admin/discounts">"Discount codes"</a>
                <a href="/admin/keys">"Game keys"</a>
                <a href="/admin/audit">"Audit log"</a>
            })}
            <span class="admin-who">{staff.role.label()} ": " {staff.email}</span>
        </nav>
    }
}

/// The signed-in staff member with at least `role` (403 for anyone else), as the page shows them
/// and as the audit log records them: who and from where.
#[cfg(feature = "ssr")]
pub(crate) async fn staff_actor(ctx: &crate::platform::request::RequestCtx, role: Role) -> Result<(Staff, crate::platform::audit::Actor), crate::error::AppError> {
    use crate::accounts::ssr::AccountsExt;
    let u = ctx.accounts().require_role(role).await?;
    let actor = crate::platform::audit::Actor { user_id: Some(u.user_id), email: u.identity.email.clone(), ip: Some(ctx.ip().to_owned()) };
    Ok((Staff { email: u.identity.email, role: u.identity.role }, actor))
}

/// An admin (see [`staff_actor`]).
#[cfg(feature = "ssr")]
pub(crate) async fn admin_actor(ctx: &crate::platform::request::RequestCtx) -> Result<(Staff, crate::platform::audit::Actor), crate::error::AppError> {
    staff_actor(ctx, Role::Admin).await
}

/// Support or an admin (see [`staff_actor`]).
#[cfg(feature = "ssr")]
pub(crate) async fn support_actor(ctx: &crate::platform::request::RequestCtx) -> Result<(Staff, crate::platform::audit::Actor), crate::error::AppError> {
    staff_actor(ctx, Role::Support).await
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
