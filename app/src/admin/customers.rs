//! Staff customer desk: the customer list (search, pages) and a customer's page: their orders,
//! lifetime value, games, sign-in and two-factor state. Support look; admins also turn an account
//! off and on (its sessions end at once) and give it a role.
use crate::accounts::model::Role;
use crate::error::AppError;
use crate::types::Money;
use crate::ui::page::{query_pairs, FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond, RequestCtx};

pub const CUSTOMERS_PER_PAGE: i64 = 50;
pub const ADMIN_CUSTOMER_FORM: &str = "admin_customer";

/// A customer in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: String,
    pub email: String,
    pub joined: String,
    pub last_sign_in: Option<String>,
    pub orders: i64,
    pub lifetime: Money,
}

#[cfg(feature = "ssr")]
impl From<crate::orders::ssr::staff::CustomerRow> for CustomerSummary {
    fn from(r: crate::orders::ssr::staff::CustomerRow) -> Self {
        CustomerSummary {
            id: r.id.to_string(),
            email: r.email,
            joined: r.created_at.format("%Y-%m-%d").to_string(),
            last_sign_in: r.last_sign_in_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
            orders: r.orders,
            lifetime: Money::eur(r.lifetime_minor),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCustomers {
    pub staff: super::Staff,
    pub q: String,
    pub page: i64,
    pub customers: Vec<CustomerSummary>,
    pub more: bool,
}

/// Staff: a page of customers whose address contains `q`.
#[server(prefix = "/api/admin", endpoint = "customers")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/customers", skip_all))]
pub async fn get_admin_customers(query: Vec<(String, String)>) -> Result<AdminCustomers, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let get = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let q: String = get("q").chars().filter(|c| !c.is_control()).take(254).collect();
    let page = get("page").parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let mut rows = crate::orders::ssr::staff::customers(ctx.pool(), &q, CUSTOMERS_PER_PAGE + 1, (page - 1) * CUSTOMERS_PER_PAGE).await?;
    let more = rows.len() as i64 > CUSTOMERS_PER_PAGE;
    rows.truncate(CUSTOMERS_PER_PAGE as usize);
    Ok(AdminCustomers { staff, q, page, customers: rows.into_iter().map(Into::into).collect(), more })
}

/// One customer as staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCustomer {
    pub staff: super::Staff,
    pub customer: CustomerSummary,
    /// "builtin" or "cognito".
    pub provider: String,
    /// The provider's answer: `None` if it no longer knows the address.
    pub disabled: Option<bool>,
    pub confirmed: Option<bool>,
    pub two_factor: Option<bool>,
    pub role: Option<Role>,
    pub orders: Vec<crate::orders::model::OrderSummary>,
    pub games: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// Staff: customer `id` with their orders, games and account state.
#[server(prefix = "/api/admin", endpoint = "customer")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/customer", skip_all))]
pub async fn get_admin_customer(id: String) -> Result<AdminCustomer, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let uuid = uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let (row, games) = crate::orders::ssr::staff::customer(ctx.pool(), uuid).await?.ok_or(AppError::NotFound)?;
    let provider = row.provider.clone();
    let state = account_state(&row.email).await?;
    let orders = crate::orders::ssr::queries::summaries(ctx.pool(), Some(uuid), 100).await?;
    let error = ctx.take_flash(ADMIN_CUSTOMER_FORM).await?.map(|f| f.message);
    Ok(AdminCustomer {
        staff,
        customer: row.into(),
        provider,
        disabled: state.as_ref().map(|s| s.disabled),
        confirmed: state.as_ref().map(|s| s.confirmed),
        two_factor: state.as_ref().map(|s| s.two_factor),
        role: state.map(|s| s.role),
        orders,
        games,
        notice: ctx.take_notice().await?,
        error,
    })
}

#[cfg(feature = "ssr")]
async fn account_state(email: &str) -> Result<Option<crate::accounts::ssr::provider::AccountState>, AppError> {
    let Ok(email) = crate::types::Email::parse(email) else { return Ok(None) };
    crate::accounts::ssr::state()?.identity.account_state(&email).await.map_err(|e| AppError::internal(format!("account state: {e}")))
}

/// Runs a provider change for customer `id` as `action`, audited: the audit row is written in a
/// transaction that commits only once the provider has made the change.
#[cfg(feature = "ssr")]
async fn change_account<F, Fut>(ctx: &RequestCtx, id: &str, action: &'static str, after: serde_json::Value, change: F) -> Result<String, AppError>
where
    F: FnOnce(crate::types::Email) -> Fut,
    Fut: std::future::Future<Output = Result<(), crate::accounts::ssr::provider::AuthError>>,
{
    let (_, actor) = super::admin_actor(ctx).await?;
    let uuid = uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let (row, _) = crate::orders::ssr::staff::customer(ctx.pool(), uuid).await?.ok_or(AppError::NotFound)?;
    if actor.user_id == Some(uuid) {
        return Err(AppError::BadRequest("You cannot change your own account here: ask another admin.".into()));
    }
    let email = crate::types::Email::parse(&row.email).map_err(|_| AppError::NotFound)?;
    let before = account_state(&row.email).await?.map(|s| {
        serde_json::json!({ "disabled": s.disabled, "role": s.role.as_str() })
    });
    let mut tx = ctx.pool().begin().await?;
    let change_row = crate::platform::audit::Change { entity: "user", entity_id: uuid.to_string(), action, before, after: Some(after) };
    crate::platform::audit::record(&mut tx, &actor, change_row).await?;
    change(email).await.map_err(|e| AppError::internal(format!("{action}: {e}")))?;
    tx.commit().await?;
    Ok(format!("/admin/customers/{uuid}"))
}

/// Admins: turns a customer's account off (`disabled` = true: every session of theirs ends at
/// once) or on again.
#[server(prefix = "/api/admin", endpoint = "customer-disable")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/customer-disable", skip_all))]
pub async fn admin_set_customer_disabled(id: String, disabled: bool) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let provider = crate::accounts::ssr::state()?.identity;
        let action = if disabled { "user.disable" } else { "user.enable" };
        let to = change_account(&ctx, &id, action, serde_json::json!({ "disabled": disabled }), |email| async move {
            provider.set_disabled(&email, disabled).await
        })
        .await?;
        ctx.notice(if disabled { "The account is off: its sessions have ended." } else { "The account is on again." }).await?;
        Ok(to)
    }
    .await;
    respond(&ctx, ADMIN_CUSTOMER_FORM, "/admin/customers", None, r).await
}

/// Admins: gives a customer a role (shopper, support or admin).
#[server(prefix = "/api/admin", endpoint = "customer-role")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/customer-role", skip_all))]
pub async fn admin_set_customer_role(id: String, role: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let role = Role::parse(role.trim()).ok_or_else(|| AppError::Field { field: "role".into(), message: "Choose a role from the list.".into() })?;
        let provider = crate::accounts::ssr::state()?.identity;
        let to = change_account(&ctx, &id, "user.role", serde_json::json!({ "role": role.as_str() }), |email| async move {
            provider.set_role(&email, role).await
        })
        .await?;
        ctx.notice(&format!("The account's role is now {}.", role.label())).await?;
        Ok(to)
    }
    .await;
    respond(&ctx, ADMIN_CUSTOMER_FORM, "/admin/customers", None, r).await
}

#[component]
pub fn AdminCustomersPage() -> impl IntoView {
    let pairs = query_pairs();
    private_page(move || get_admin_customers(pairs.clone()), |page: AdminCustomers| {
        let href = |p: i64, q: &str| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            if !q.is_empty() {
                s.append_pair("q", q);
            }
            s.append_pair("page", &p.to_string());
            format!("/admin/customers?{}", s.finish())
        };
        view! {
            <PageMeta title="Customers · Admin".into() description="Customers".into() canonical_path="/admin/customers".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-customers-title">
                <h1 id="admin-customers-title">"Customers"</h1>
                <form method="get" action="/admin/customers" class="admin-filters" role="search" aria-label="Find customers">
                    <div class="field">
                        <label for="cf-q">"Search"</label>
                        <input id="cf-q" type="search" name="q" value=page.q.clone() placeholder="E-mail or part of it" maxlength=254/>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="button">"Find"</button>
                        <a href="/admin/customers">"Clear"</a>
                    </div>
                </form>
                {if page.customers.is_empty() {
                    view! { <p data-testid="no-customers">"No customers match."</p> }.into_any()
                } else {
                    view! {
                        <table class="order-table admin-orders" data-testid="customers">
                            <thead><tr><th scope="col">"Customer"</th><th scope="col">"Joined"</th><th scope="col">"Orders"</th>
                                <th scope="col">"Lifetime value"</th></tr></thead>
                            <tbody>
                                {page.customers.into_iter().map(|c| view! {
                                    <tr data-testid="customer">
                                        <td class="admin-email"><a href=format!("/admin/customers/{}", c.id)>{c.email}</a></td>
                                        <td>{c.joined}</td>
                                        <td>{c.orders}</td>
                                        <td>{c.lifetime.display()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <nav class="pagination" aria-label="Pages">
                    {(page.page > 1).then(|| view! { <a href=href(page.page - 1, &page.q) rel="prev">"← Previous"</a> })}
                    {page.more.then(|| view! { <a href=href(page.page + 1, &page.q) rel="next">"Next →"</a> })}
                </nav>
            </section>
        }
    })
}

fn yes_no(v: Option<bool>, yes: &'static str, no: &'static str) -> &'static str {
    match v {
        Some(true) => yes,
        Some(false) => no,
        None => "unknown to the sign-in provider",
    }
}

#[component]
pub fn AdminCustomerPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with_untracked(|p| p.get("id").unwrap_or_default());
    private_page(move || get_admin_customer(id()), |page: AdminCustomer| {
        let c = page.customer.clone();
        let admin = page.staff.role >= Role::Admin;
        let current = page.role;
        view! {
            <PageMeta title=format!("{} · Customers · Admin", c.email) description="Customer".into() canonical_path=format!("/admin/customers/{}", c.id)/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page" aria-labelledby="customer-title" data-testid="customer-page">
                <p><a href="/admin/customers">"← Customers"</a></p>
                <h1 id="customer-title" class="admin-email">{c.email.clone()}</h1>
                <FormOutcome notice=page.notice.clone() error=page.error.clone()/>
                <dl class="account-facts">
                    <dt>"Account"</dt><dd data-testid="account-state">{yes_no(page.disabled, "Turned off", "Active")}</dd>
                    <dt>"Role"</dt><dd data-testid="customer-role">{current.map_or("unknown", |r| r.label())}</dd>
                    <dt>"E-mail confirmed"</dt><dd>{yes_no(page.confirmed, "Yes", "No")}</dd>
                    <dt>"Two-factor sign-in"</dt><dd data-testid="two-factor">{yes_no(page.two_factor, "On", "Off")}</dd>
                    <dt>"Signs in with"</dt><dd>{if page.provider == "cognito" { "Amazon Cognito" } else { "the shop's own sign-in" }}</dd>
                    <dt>"Joined"</dt><dd>{c.joined.clone()}</dd>
                    <dt>"Last sign-in"</dt><dd>{c.last_sign_in.clone().unwrap_or_else(|| "never".into())}</dd>
                    <dt>"Orders"</dt><dd>{c.orders}</dd>
                    <dt>"Lifetime value"</dt><dd data-testid="lifetime">{c.lifetime.display()}</dd>
                </dl>
                {(admin && page.disabled.is_some()).then(|| {
                    let off = page.disabled == Some(true);
                    view! {
                        <h2>"Manage the account"</h2>
                        <div class="order-actions">
                            {if off {
                                view! {
                                    <form method="post" action=AdminSetCustomerDisabled::PATH class="inline-form">
                                        <input type="hidden" name="id" value=c.id.clone()/>
                                        <input type="hidden" name="disabled" value="false"/>
                                        <button type="submit" class="button">"Turn the account on"</button>
                                    </form>
                                }.into_any()
                            } else {
                                view! {
                                    <details class="confirm">
                                        <summary class="button secondary-outline">"Turn the account off…"</summary>
                                        <p>"They are signed out everywhere at once and cannot sign in until it is turned on again. Orders and games are kept."</p>
                                        <form method="post" action=AdminSetCustomerDisabled::PATH class="inline-form">
                                            <input type="hidden" name="id" value=c.id.clone()/>
                                            <input type="hidden" name="disabled" value="true"/>
                                            <button type="submit" class="button danger">"Yes, turn it off"</button>
                                        </form>
                                    </details>
                                }.into_any()
                            }}
                            <form method="post" action=AdminSetCustomerRole::PATH class="inline-form">
                                <input type="hidden" name="id" value=c.id.clone()/>
                                <label for="customer-role">"Role"</label>
                                <select id="customer-role" name="role">
                                    {Role::ALL.into_iter().map(|r| view! {
                                        <option value=r.as_str() selected=current == Some(r)>{r.label()}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button secondary-outline">"Set role"</button>
                            </form>
                        </div>
                    }
                })}
                <h2>"Orders"</h2>
                {if page.orders.is_empty() {
                    view! { <p>"No orders yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="order-table" data-testid="customer-orders">
                            <thead><tr><th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Status"</th><th scope="col">"Total"</th></tr></thead>
                            <tbody>
                                {page.orders.iter().map(|o| view! {
                                    <tr><td><a href=format!("/admin/orders/{}", o.number)>"#" {o.number}</a></td><td>{o.placed.clone()}</td>
                                        <td>{o.status.label()}</td><td>{o.total.display()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <h2>"Games"</h2>
                {if page.games.is_empty() {
                    view! { <p>"No games."</p> }.into_any()
                } else {
                    view! { <ul data-testid="customer-games">{page.games.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
        }
    })
}
