//! Staff discount codes (admins): the list with each code's state and uses, a new code, one code's
//! page with its settings to change, "end now", and its usage report. A refused form comes back
//! with what was typed (kept in the session), with JavaScript or without.
use crate::checkout::discounts::{CodeState, CodeSummary, CodeUsage, DiscountForm};
use crate::error::AppError;
use crate::ui::page::{FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

pub const ADMIN_DISCOUNTS_FORM: &str = "admin_discounts";
/// The session key of a refused form's fields.
#[cfg(feature = "ssr")]
const DRAFT: &str = "discount_draft";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDiscounts {
    pub staff: super::Staff,
    pub codes: Vec<CodeSummary>,
    /// The new-code form: empty, or as typed when it was refused.
    pub draft: DiscountForm,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDiscount {
    pub staff: super::Staff,
    pub code: CodeSummary,
    pub usage: CodeUsage,
    /// The settings form: as saved, or as typed when it was refused.
    pub form: DiscountForm,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// A refused form's fields, if the last post of this session was one (removed once read).
#[cfg(feature = "ssr")]
async fn take_draft(ctx: &RequestCtx, code: Option<&str>) -> Result<Option<DiscountForm>, AppError> {
    let draft: Option<(Option<String>, DiscountForm)> = ctx.session().remove(DRAFT).await.map_err(crate::platform::request::session_err)?;
    Ok(draft.filter(|(original, _)| original.as_deref() == code).map(|(_, form)| form))
}

/// Admins: every discount code, newest first.
#[server(prefix = "/api/admin", endpoint = "discounts")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/discounts", skip_all))]
pub async fn get_admin_discounts() -> Result<AdminDiscounts, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let codes = crate::checkout::ssr::discounts::list(ctx.pool()).await?;
    let error = ctx.take_flash(ADMIN_DISCOUNTS_FORM).await?.map(|f| f.message);
    let draft = if error.is_some() { take_draft(&ctx, None).await?.unwrap_or_default() } else { DiscountForm::default() };
    Ok(AdminDiscounts { staff, codes, draft, notice: ctx.take_notice().await?, error })
}

/// Admins: one code with its usage report.
#[server(prefix = "/api/admin", endpoint = "discount")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/discount", skip_all))]
pub async fn get_admin_discount(code: String) -> Result<AdminDiscount, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let found = crate::checkout::ssr::discounts::get(ctx.pool(), &code).await?.ok_or(AppError::NotFound)?;
    let usage = crate::checkout::ssr::discounts::usage(ctx.pool(), &found.settings.code).await?;
    let error = ctx.take_flash(ADMIN_DISCOUNTS_FORM).await?.map(|f| f.message);
    let draft = if error.is_some() { take_draft(&ctx, Some(&found.settings.code)).await? } else { None };
    let form = draft.unwrap_or_else(|| found.settings.to_form());
    Ok(AdminDiscount { staff, code: found, usage, form, notice: ctx.take_notice().await?, error })
}

#[cfg(feature = "ssr")]
impl From<crate::checkout::ssr::discounts::DiscountError> for AppError {
    fn from(e: crate::checkout::ssr::discounts::DiscountError) -> Self {
        use crate::checkout::ssr::discounts::DiscountError::*;
        match e {
            NotFound => AppError::NotFound,
            Taken => AppError::Field { field: "code".into(), message: e.to_string() },
            LimitBelowUsed(_) => AppError::Field { field: "usage_limit".into(), message: e.to_string() },
            Db(e) => AppError::internal(e),
        }
    }
}

/// Admins: creates a code, or changes code `original`'s settings (its name stays).
#[server(prefix = "/api/admin", endpoint = "discount-save")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/discount-save", skip_all))]
#[allow(clippy::too_many_arguments)]
pub async fn admin_save_discount(
    #[server(default)] original: String,
    #[server(default)] code: String,
    #[server(default)] kind: String,
    #[server(default)] value: String,
    #[server(default)] min_subtotal: String,
    #[server(default)] usage_limit: String,
    #[server(default)] per_customer_limit: String,
    #[server(default)] starts: String,
    #[server(default)] expires: String,
    #[server(default)] department: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let original = Some(original.trim().to_owned()).filter(|o| !o.is_empty());
    let code = original.clone().unwrap_or(code);
    let form = DiscountForm { code, kind, value, min_subtotal, usage_limit, per_customer_limit, starts, expires, department, note };
    let back = match &original {
        Some(c) => format!("/admin/discounts/{c}"),
        None => "/admin/discounts".to_owned(),
    };
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let settings = form.check().map_err(|p| AppError::Field { field: p.field.into(), message: p.message })?;
        match &original {
            Some(_) => crate::checkout::ssr::discounts::update(ctx.pool(), &actor, &settings).await?,
            None => crate::checkout::ssr::discounts::create(ctx.pool(), &actor, &settings).await?,
        }
        tracing::info!(code = %settings.code, created = original.is_none(), "discount code saved by staff");
        ctx.notice(&format!("Code {} saved: {}.", settings.code, settings.describe())).await?;
        Ok(format!("/admin/discounts/{}", settings.code))
    }
    .await;
    if r.is_err() {
        ctx.session().insert(DRAFT, (&original, &form)).await.map_err(crate::platform::request::session_err)?;
    }
    respond_at(&ctx, ADMIN_DISCOUNTS_FORM, &back, r).await
}

/// Admins: ends a code now; orders placed with it keep their discount.
#[server(prefix = "/api/admin", endpoint = "discount-end")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/discount-end", skip_all))]
pub async fn admin_end_discount(code: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let back = format!("/admin/discounts/{}", code.trim());
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let code = crate::checkout::ssr::discounts::end_now(ctx.pool(), &actor, &code).await?;
        tracing::info!(%code, "discount code ended by staff");
        ctx.notice(&format!("Code {code} has ended: checkouts no longer accept it.")).await?;
        Ok(format!("/admin/discounts/{code}"))
    }
    .await;
    respond_at(&ctx, ADMIN_DISCOUNTS_FORM, &back, r).await
}

/// The settings fields, for a new code (`original` empty) or an existing one (its name fixed).
#[component]
fn DiscountFields(form: DiscountForm, original: Option<String>) -> impl IntoView {
    let existing = original.is_some();
    let f = form;
    view! {
        <form method="post" action=AdminSaveDiscount::PATH class="auth-form discount-form" data-testid="discount-form">
            <input type="hidden" name="original" value=original.clone().unwrap_or_default()/>
            <div class="field">
                <label for="d-code">"Code"</label>
                {if existing {
                    view! { <input id="d-code" value=f.code.clone() readonly=true aria-describedby="d-code-hint"/>
                            <p class="field-hint" id="d-code-hint">"A code keeps its name: orders refer to it."</p> }.into_any()
                } else {
                    view! { <input id="d-code" name="code" value=f.code.clone() required=true maxlength=32 autocomplete="off"
                                pattern="[A-Za-z0-9\\-]{3,32}" aria-describedby="d-code-hint"/>
                            <p class="field-hint" id="d-code-hint">"3 to 32 letters, digits and dashes; shoppers type it in any case."</p> }.into_any()
                }}
            </div>
            <fieldset class="field">
                <legend>"Discount"</legend>
                <label class="checkbox"><input type="radio" name="kind" value="percent" checked=f.kind != "fixed"/> " A percentage"</label>
                <label class="checkbox"><input type="radio" name="kind" value="fixed" checked=f.kind == "fixed"/> " An amount off (euros)"</label>
                <label for="d-value">"Percentage or amount"</label>
                <input id="d-value" name="value" value=f.value.clone() required=true inputmode="decimal" maxlength=12 autocomplete="off"/>
            </fieldset>
            <div class="field">
                <label for="d-dept">"Applies to"</label>
                <select id="d-dept" name="department">
                    <option value="" selected=f.department.is_empty()>"The whole order (goods)"</option>
                    <option value="games" selected=f.department == "games">"Games only"</option>
                    <option value="jewelry" selected=f.department == "jewelry">"Jewelry only"</option>
                </select>
            </div>
            <div class="field">
                <label for="d-min">"Minimum spend (euros, optional)"</label>
                <input id="d-min" name="min_subtotal" value=f.min_subtotal.clone() inputmode="decimal" maxlength=12 autocomplete="off"
                    aria-describedby="d-min-hint"/>
                <p class="field-hint" id="d-min-hint">"On the goods the code applies to."</p>
            </div>
            <div class="field">
                <label for="d-limit">"Uses in all (optional)"</label>
                <input id="d-limit" name="usage_limit" value=f.usage_limit.clone() inputmode="numeric" maxlength=7 autocomplete="off"/>
            </div>
            <div class="field">
                <label for="d-per">"Uses per customer (optional)"</label>
                <input id="d-per" name="per_customer_limit" value=f.per_customer_limit.clone() inputmode="numeric" maxlength=7 autocomplete="off"/>
            </div>
            <div class="field">
                <label for="d-starts">"Starts (UTC, optional)"</label>
                <input id="d-starts" name="starts" type="datetime-local" value=f.starts.clone()/>
            </div>
            <div class="field">
                <label for="d-expires">"Ends (UTC, optional)"</label>
                <input id="d-expires" name="expires" type="datetime-local" value=f.expires.clone()/>
            </div>
            <div class="field">
                <label for="d-note">"Note for staff (optional)"</label>
                <input id="d-note" name="note" value=f.note.clone() maxlength=200 autocomplete="off"/>
            </div>
            <button type="submit" class="button primary">{if existing { "Save changes" } else { "Create code" }}</button>
        </form>
    }
}

fn window(c: &CodeSummary) -> String {
    match (&c.settings.starts, &c.settings.expires) {
        (None, None) => "Always".into(),
        (Some(s), None) => format!("From {s}"),
        (None, Some(e)) => format!("Until {e}"),
        (Some(s), Some(e)) => format!("{s} – {e}"),
    }
}

fn limits(c: &CodeSummary) -> String {
    let all = c.settings.usage_limit.map(|n| format!("{n} in all")).unwrap_or_else(|| "No total limit".into());
    match c.settings.per_customer_limit {
        Some(n) => format!("{all}, {n} per customer"),
        None => all,
    }
}

fn state_class(s: CodeState) -> &'static str {
    match s {
        CodeState::Active => "badge ok",
        CodeState::Scheduled => "badge",
        CodeState::UsedUp | CodeState::Ended => "badge muted",
    }
}

#[component]
pub fn AdminDiscountsPage() -> impl IntoView {
    private_page(get_admin_discounts, |page: AdminDiscounts| {
        view! {
            <PageMeta title="Discount codes · Admin".into() description="Discount codes".into() canonical_path="/admin/discounts".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-discounts-title">
                <h1 id="admin-discounts-title">"Discount codes"</h1>
                <FormOutcome notice=page.notice error=page.error/>
                {if page.codes.is_empty() {
                    view! { <p data-testid="no-codes">"No codes yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="order-table scroll-x" data-testid="discount-codes">
                            <thead><tr><th scope="col">"Code"</th><th scope="col">"Discount"</th><th scope="col">"When"</th>
                                <th scope="col">"Limits"</th><th scope="col">"Used"</th><th scope="col">"State"</th></tr></thead>
                            <tbody>
                                {page.codes.iter().map(|c| view! {
                                    <tr data-testid="discount-code" data-code=c.settings.code.clone()>
                                        <td><a href=format!("/admin/discounts/{}", c.settings.code)><strong>{c.settings.code.clone()}</strong></a>
                                            {(!c.settings.note.is_empty()).then(|| view! { <span class="cart-variant">{c.settings.note.clone()}</span> })}</td>
                                        <td>{c.settings.describe()}</td>
                                        <td>{window(c)}</td>
                                        <td>{limits(c)}</td>
                                        <td>{c.used}</td>
                                        <td><span class=state_class(c.state)>{c.state.label()}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <p class="field-hint">"Times are UTC. “Used” counts orders placed with the code and not cancelled (the limits count the same)."</p>
                <h2>"New code"</h2>
                <DiscountFields form=page.draft original=None/>
            </section>
        }
    })
}

#[component]
pub fn AdminDiscountPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let code = move || params.with_untracked(|p| p.get("code").unwrap_or_default());
    private_page(move || get_admin_discount(code()), |page: AdminDiscount| {
        let c = page.code.clone();
        let name = c.settings.code.clone();
        let u = page.usage.clone();
        let open = c.state != CodeState::Ended;
        view! {
            <PageMeta title=format!("{name} · Discount codes · Admin") description="Discount code".into() canonical_path=format!("/admin/discounts/{name}")/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-discount-title" data-testid="discount-page" data-code=name.clone()>
                <p><a href="/admin/discounts">"← Discount codes"</a></p>
                <h1 id="admin-discount-title">"Code " {name.clone()}</h1>
                <FormOutcome notice=page.notice error=page.error/>
                <dl class="account-facts">
                    <dt>"Discount"</dt><dd>{c.settings.describe()}</dd>
                    <dt>"When"</dt><dd>{window(&c)} " (UTC)"</dd>
                    <dt>"Limits"</dt><dd>{limits(&c)}</dd>
                    <dt>"State"</dt><dd><span class=state_class(c.state) data-testid="code-state">{c.state.label()}</span></dd>
                </dl>
                <h2>"Usage"</h2>
                <dl class="account-facts" data-testid="code-usage">
                    <dt>"Paid orders"</dt><dd data-testid="code-orders">{u.orders}</dd>
                    <dt>"Customers"</dt><dd>{u.customers}</dd>
                    <dt>"Taken off"</dt><dd data-testid="code-discount">{u.discount.display()}</dd>
                    <dt>"Paid (less refunds)"</dt><dd>{u.revenue.display()}</dd>
                    <dt>"Refunded"</dt><dd>{u.refunded.display()}</dd>
                </dl>
                {(!u.latest.is_empty()).then(|| view! {
                    <table class="order-table scroll-x">
                        <caption>"Latest orders with this code"</caption>
                        <thead><tr><th scope="col">"Order"</th><th scope="col">"Placed (UTC)"</th><th scope="col">"Buyer"</th>
                            <th scope="col">"Status"</th><th scope="col">"Off"</th><th scope="col">"Total"</th></tr></thead>
                        <tbody>
                            {u.latest.iter().map(|o| view! {
                                <tr data-testid="code-order"><td><a href=format!("/admin/orders/{}", o.number)>"#" {o.number}</a></td>
                                    <td>{o.placed.clone()}</td><td class="admin-email">{o.email.clone()}</td><td>{o.status.clone()}</td>
                                    <td>{o.discount.display()}</td><td>{o.total.display()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                <h2>"Settings"</h2>
                <DiscountFields form=page.form original=Some(name.clone())/>
                {open.then(|| view! {
                    <details class="confirm">
                        <summary class="button secondary-outline">"End this code now…"</summary>
                        <p>"Checkouts stop accepting it at once; orders placed with it keep their discount."</p>
                        <form method="post" action=AdminEndDiscount::PATH class="inline-form">
                            <input type="hidden" name="code" value=name.clone()/>
                            <button type="submit" class="button danger">"Yes, end " {name.clone()}</button>
                        </form>
                    </details>
                })}
                <p><a href=format!("/admin/audit?entity=discount&entity_id={}", name)>"History of this code in the audit log"</a></p>
            </section>
        }
    })
}
