//! The staff dashboard's front page.
use crate::error::AppError;
use crate::ui::page::{PageMeta, private_page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;

/// The dashboard's figures: (who, users, products). Any staff; 403 for everyone else.
#[server(prefix = "/api/admin", endpoint = "overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/overview", skip_all))]
pub async fn get_admin_overview() -> Result<(super::Staff, i64, i64), AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let (users, products) = crate::accounts::ssr::users::counts(ctx.pool()).await?;
    Ok((staff, users, products))
}

#[component]
pub fn AdminPage() -> impl IntoView {
    private_page(get_admin_overview, |(staff, users, products)| {
        let email = staff.email.clone();
        view! {
            <PageMeta title="Admin".into() description="Shop administration".into() canonical_path="/admin".into()/>
            <super::AdminNav staff=staff/>
            <section class="admin-page" aria-labelledby="admin-title">
                <h1 id="admin-title">"Staff dashboard"</h1>
                <p>"Signed in as " <strong data-testid="admin-email">{email}</strong> "."</p>
                <dl class="account-facts">
                    <dt>"Customers"</dt><dd data-testid="admin-users">{users}</dd>
                    <dt>"Products"</dt><dd data-testid="admin-products">{products}</dd>
                </dl>
            </section>
        }
    })
}

