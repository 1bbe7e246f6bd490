//! The staff dashboard's front page.
use crate::error::AppError;
use crate::ui::page::{PageMeta, private_page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;

/// The admin dashboard's figures: (users, products). Admins only; 403 for everyone else.
#[server(prefix = "/api/admin", endpoint = "overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/overview", skip_all))]
pub async fn get_admin_overview() -> Result<(String, i64, i64), AppError> {
    let ctx = RequestCtx::load().await?;
    let admin = ctx.accounts().require_admin().await?;
    let (users, products) = crate::accounts::ssr::users::counts(ctx.pool()).await?;
    Ok((admin.identity.email, users, products))
}

#[component]
pub fn AdminPage() -> impl IntoView {
    private_page(get_admin_overview, |(email, users, products)| {
        view! {
            <PageMeta title="Admin".into() description="Shop administration".into() canonical_path="/admin".into()/>
            <super::AdminNav email=email.clone()/>
            <section class="admin-page" aria-labelledby="admin-title">
                <h1 id="admin-title">"Admin dashboard"</h1>
                <p>"Signed in as " <strong data-testid="admin-email">{email}</strong> "."</p>
                <dl class="account-facts">
                    <dt>"Customers"</dt><dd data-testid="admin-users">{users}</dd>
                    <dt>"Products"</dt><dd data-testid="admin-products">{products}</dd>
                </dl>
            </section>
        }
    })
}

