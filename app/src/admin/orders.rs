//! Staff order desk: the order list (filters, search, pages), one order's page with its timeline,
//! ship, refund, resend an e-mail, and buyers' refund requests. Support and admins; refunds above
//! the support limit are for admins.
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
#[cfg(feature = "ssr")]
use crate::platform::request::{back_to, respond, RequestCtx};
#[cfg(feature = "ssr")]
use uuid::Uuid;
use crate::orders::model::OrderStatus;
use crate::ui::page::{query_pairs, FormOutcome, PageMeta, private_page};

/// Orders per page of the list.
pub const ORDERS_PER_PAGE: i64 = 50;
/// Where the CSV export of a filter is served (`?` the list's own query).
pub const ORDERS_CSV_ROUTE: &str = "/admin/orders.csv";
/// The export's header: how many rows the file will have (a client shows its progress with it).
pub const TOTAL_ROWS_HEADER: &str = "x-total-rows";

/// The order list's filters as typed in its query string (text, so the form shows them back).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderFilter {
    /// An order number, a buyer's e-mail or a SKU.
    pub q: String,
    pub status: String,
    pub department: String,
    /// `YYYY-MM-DD` (UTC days), or empty.
    pub from: String,
    pub to: String,
    /// Totals as typed ("25", "99.50"), or empty.
    pub min_total: String,
    pub max_total: String,
    /// Only orders with a smaller number (the next page).
    pub before: Option<i64>,
}

impl OrderFilter {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = OrderFilter::default();
        let short = |v: &str, n: usize| v.trim().chars().filter(|c| !c.is_control()).take(n).collect::<String>();
        for (k, v) in pairs {
            match k.as_str() {
                "q" => f.q = short(v, 254),
                "status" => f.status = short(v, 30),
                "department" => f.department = short(v, 10),
                "from" => f.from = short(v, 10),
                "to" => f.to = short(v, 10),
                "min_total" => f.min_total = short(v, 15),
                "max_total" => f.max_total = short(v, 15),
                "before" => f.before = v.parse().ok().filter(|b| *b > 0),
                _ => {}
            }
        }
        f
    }

    /// The filter as a query string (with `before` when given).
    pub fn query(&self, before: Option<i64>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q), ("status", &self.status), ("department", &self.department), ("from", &self.from),
            ("to", &self.to), ("min_total", &self.min_total), ("max_total", &self.max_total),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if let Some(b) = before {
            q.append_pair("before", &b.to_string());
        }
        q.finish()
    }

    pub fn is_filtered(&self) -> bool {
        *self != OrderFilter { before: self.before, ..Default::default() }
    }

    /// The filter for the database; a value that cannot be one is an error on its field.
    #[cfg(feature = "ssr")]
    pub fn to_query(&self) -> Result<crate::orders::ssr::staff::OrderQuery, AppError> {
        let bad = |field: &str, message: &str| AppError::Field { field: field.into(), message: message.into() };
        let date = |field: &str, v: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
            if v.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| bad(field, "Enter a date as YYYY-MM-DD."))
        };
        let money = |field: &str, label: &str, v: &str| -> Result<Option<i64>, AppError> {
            if v.is_empty() {
                return Ok(None);
            }
            crate::catalog::edit::parse_price(v, field, label).map(|m| Some(m.minor))
        };
        let status = match self.status.as_str() {
            "" => None,
            s => Some(OrderStatus::parse(s).ok_or_else(|| bad("status", "Choose a status from the list."))?),
        };
        let department = match self.department.as_str() {
            "" => None,
            d @ ("games" | "jewelry") => Some(d.to_owned()),
            _ => return Err(bad("department", "Choose games or jewelry.")),
        };
        Ok(crate::orders::ssr::staff::OrderQuery {
            search: self.q.clone(),
            status,
            department,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            min_total_minor: money("min_total", "The smallest total", &self.min_total)?,
            max_total_minor: money("max_total", "The largest total", &self.max_total)?,
            before_number: self.before,
        })
    }
}

/// The staff order list and the outcome of the last action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdminOrders {
    /// The signed-in staff member (for the staff navigation).
    pub staff: super::Staff,
    pub filter: OrderFilter,
    pub orders: Vec<crate::orders::model::OrderSummary>,
    /// The `before` of the next (older) page, if there is one.
    pub older: Option<i64>,
    /// Buyers' refund requests waiting for a decision (a key was revealed or a build downloaded).
    pub refund_requests: Vec<crate::orders::model::RefundRequestView>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

pub const ADMIN_ORDERS_FORM: &str = "admin_orders";

/// Staff: one page of orders matching the filters in `query` (the page's query string), newest
/// first, with the refund requests waiting and the message of the last action.
#[server(prefix = "/api/admin", endpoint = "orders")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/orders", skip_all))]
pub async fn get_admin_orders(query: Vec<(String, String)>) -> Result<AdminOrders, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let filter = OrderFilter::from_pairs(&query);
    let mut error = ctx.take_flash(ADMIN_ORDERS_FORM).await?.map(|f| f.message);
    let (orders, older) = match filter.to_query() {
        Ok(q) => {
            let mut orders = crate::orders::ssr::staff::search(ctx.pool(), &q, ORDERS_PER_PAGE + 1).await?;
            let older = (orders.len() as i64 > ORDERS_PER_PAGE).then(|| {
                orders.truncate(ORDERS_PER_PAGE as usize);
                orders.last().map(|o| o.number)
            });
            (orders, older.flatten())
        }
        Err(e) => {
            error = Some(e.to_string());
            (Vec::new(), None)
        }
    };
    let refund_requests = crate::orders::ssr::queries::open_refund_requests(ctx.pool()).await?;
    Ok(AdminOrders { staff, filter, orders, older, refund_requests, notice: ctx.take_notice().await?, error })
}

/// Marks a paid order with jewelry shipped; the buyer gets the tracking number by e-mail.
#[server(prefix = "/api/admin", endpoint = "ship")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/ship", skip_all))]
pub async fn admin_ship_order(order_id: String, tracking_number: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::support_actor(&ctx).await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        crate::checkout::ssr::fulfilment::ship(ctx.pool(), id, &tracking_number, &actor).await?;
        tracing::info!(order = %id, "order shipped by staff");
        ctx.notice("The order is marked shipped and the buyer is told.").await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

/// The most `staff` may refund: support up to the configured limit, admins anything.
#[cfg(feature = "ssr")]
fn refund_limit(staff: &super::Staff) -> Result<Option<i64>, AppError> {
    Ok(match staff.role {
        crate::accounts::model::Role::Admin => None,
        _ => Some(crate::checkout::ssr::state()?.settings.support_refund_limit_minor),
    })
}

/// Refunds what is left of a paid order through its payment provider (support: up to their limit).
#[server(prefix = "/api/admin", endpoint = "refund")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/refund", skip_all))]
pub async fn admin_refund_order(order_id: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (staff, actor) = super::support_actor(&ctx).await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        let amount = crate::checkout::ssr::fulfilment::refund(ctx.pool(), id, &actor, refund_limit(&staff)?).await?;
        tracing::info!(order = %id, amount, "order refunded by staff");
        ctx.notice("The refund is on its way and the buyer is told.").await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

/// Refunds part of a paid order: `qty[<variant id>]` units of its lines and/or an `amount` in euros
/// (empty: what the buyer paid for those units; "0": units back, no money). `restock` puts returned
/// jewelry back on sale. The form's `request_key` makes a repeated submission one refund.
#[server(prefix = "/api/admin", endpoint = "refund-part")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/refund-part", skip_all))]
pub async fn admin_refund_part(
    order_id: String,
    request_key: String,
    #[server(default)] qty: std::collections::BTreeMap<String, String>,
    #[server(default)] amount: String,
    restock: Option<String>,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (staff, actor) = super::support_actor(&ctx).await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        let ask = refund_ask(&request_key, &qty, &amount, restock.is_some(), &reason)?;
        let done = crate::checkout::ssr::fulfilment::refund_part(ctx.pool(), id, &ask, &actor, refund_limit(&staff)?).await?;
        tracing::info!(order = %id, refund = done.id, amount = done.amount_minor, replay = done.replay, "part of an order refunded by staff");
        ctx.notice(&format!("{} is on its way back to the buyer, who is told.", crate::types::Money::eur(done.amount_minor).display())).await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

/// The partial refund form's fields as a refund to make, or the message for the first bad one.
#[cfg(feature = "ssr")]
fn refund_ask(
    key: &str,
    qty: &std::collections::BTreeMap<String, String>,
    amount: &str,
    restock: bool,
    reason: &str,
) -> Result<crate::checkout::ssr::refund::RefundAsk, AppError> {
    let request_key = crate::checkout::ssr::refund::request_key(key)?;
    let mut lines = Vec::new();
    for (variant, units) in qty {
        let units = units.trim();
        let q = if units.is_empty() { 0 } else { units.parse::<i32>().map_err(|_| AppError::BadRequest("Enter how many units of each item to refund (a whole number).".into()))? };
        let variant = variant.parse::<i64>().map_err(|_| AppError::BadRequest("That item is not on this order.".into()))?;
        lines.push((variant, q));
    }
    let amount_minor = match amount.trim() {
        "" => None,
        "0" => Some(0),
        a => Some(crate::catalog::edit::parse_price(a, "amount", "Refund amount")?.minor),
    };
    if reason.chars().count() > 1000 {
        return Err(AppError::BadRequest("Keep the reason under 1000 characters.".into()));
    }
    Ok(crate::checkout::ssr::refund::RefundAsk { lines, amount_minor, restock, reason: reason.trim().to_owned(), request_key })
}

/// Staff decide a buyer's refund request: `decision` is "approve" (the order is refunded) or "decline".
#[server(prefix = "/api/admin", endpoint = "refund-request")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/refund-request", skip_all))]
pub async fn admin_decide_refund(request_id: i64, decision: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (staff, actor) = super::support_actor(&ctx).await?;
        let approve = match decision.as_str() {
            "approve" => true,
            "decline" => false,
            _ => return Err(AppError::BadRequest("Choose approve or decline.".into())),
        };
        let order = crate::checkout::ssr::fulfilment::decide_refund_request(ctx.pool(), request_id, approve, &actor, refund_limit(&staff)?).await?;
        tracing::info!(%order, request_id, approve, "refund request decided by staff");
        ctx.notice(if approve {
                "Refund approved: the money is on its way and the buyer is told."
            } else {
                "Refund request declined; the buyer is told."
            })
            .await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

/// Cancels an order that was never paid (its held stock goes back at once).
#[server(prefix = "/api/admin", endpoint = "cancel")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/cancel", skip_all))]
pub async fn admin_cancel_order(order_id: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::support_actor(&ctx).await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        crate::checkout::ssr::fulfilment::cancel(ctx.pool(), id, &actor).await?;
        tracing::info!(order = %id, "unpaid order cancelled by staff");
        ctx.notice("The order is cancelled and its items are back in stock.").await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

/// Sends one of an order's e-mails again (`kind`, e.g. `email.order_confirmation`).
#[server(prefix = "/api/admin", endpoint = "resend-email")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/resend-email", skip_all))]
pub async fn admin_resend_email(order_id: String, kind: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::support_actor(&ctx).await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        crate::checkout::ssr::fulfilment::resend_email(ctx.pool(), id, kind.trim(), &actor).await?;
        tracing::info!(order = %id, kind = %kind.escape_debug(), "order e-mail resent by staff");
        ctx.notice("The e-mail is on its way again.").await?;
        Ok(back_to("/admin/orders"))
    }
    .await;
    respond(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", None, r).await
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let pairs = query_pairs();
    private_page(move || get_admin_orders(pairs.clone()), |page: AdminOrders| {
        let f = page.filter.clone();
        let csv = format!("{ORDERS_CSV_ROUTE}?{}", f.query(None));
        view! {
            <PageMeta title="Orders · Admin".into() description="Orders".into() canonical_path="/admin/orders".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-orders-title">
                <h1 id="admin-orders-title">"Orders"</h1>
                <FormOutcome notice=page.notice error=page.error/>
                <h2>"Refund requests"</h2>
                {if page.refund_requests.is_empty() {
                    view! { <p data-testid="no-refund-requests">"No refund requests waiting."</p> }.into_any()
                } else {
                    view! {
                        <ul class="refund-queue">
                            {page.refund_requests.into_iter().map(|r| view! {
                                <li data-testid="refund-request" data-number=r.order_number>
                                    <p><strong><a href=format!("/admin/orders/{}", r.order_number)>"Order #" {r.order_number}</a></strong>
                                        " · " {r.email} " · " {r.total.display()} " · " <span class="cart-variant">{r.requested}</span></p>
                                    <p class="field-hint">{r.keys_revealed} " key(s) revealed, " {r.downloads} " download(s)"</p>
                                    <blockquote>{r.reason}</blockquote>
                                    <form method="post" action=AdminDecideRefund::PATH class="inline-form">
                                        <input type="hidden" name="request_id" value=r.id.to_string()/>
                                        <button type="submit" name="decision" value="approve" class="button danger"
                                            aria-label=format!("Approve the refund of order #{}", r.order_number)>"Approve refund"</button>
                                        <button type="submit" name="decision" value="decline" class="button secondary-outline"
                                            aria-label=format!("Decline the refund of order #{}", r.order_number)>"Decline"</button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <div class="admin-head">
                    <h2>{if f.is_filtered() { "Matching orders" } else { "Recent orders" }}</h2>
                    <super::ExportLink href=csv test_id="orders-csv"/>
                </div>
                <form method="get" action="/admin/orders" class="admin-filters" role="search" aria-label="Find orders">
                    <div class="field">
                        <label for="of-q">"Search"</label>
                        <input id="of-q" type="search" name="q" value=f.q.clone() placeholder="Order number, e-mail or SKU" maxlength=254/>
                    </div>
                    <div class="field">
                        <label for="of-status">"Status"</label>
                        <select id="of-status" name="status">
                            <option value="" selected=f.status.is_empty()>"Any"</option>
                            {OrderStatus::ALL.into_iter().map(|st| view! {
                                <option value=st.as_str() selected=f.status == st.as_str()>{st.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="of-dept">"Department"</label>
                        <select id="of-dept" name="department">
                            <option value="" selected=f.department.is_empty()>"All"</option>
                            <option value="games" selected=f.department == "games">"Games"</option>
                            <option value="jewelry" selected=f.department == "jewelry">"Jewelry"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="of-from">"Placed from"</label>
                        <input id="of-from" type="date" name="from" value=f.from.clone()/>
                    </div>
                    <div class="field">
                        <label for="of-to">"to"</label>
                        <input id="of-to" type="date" name="to" value=f.to.clone()/>
                    </div>
                    <div class="field">
                        <label for="of-min">"Total from €"</label>
                        <input id="of-min" name="min_total" value=f.min_total.clone() inputmode="decimal" size=7 maxlength=15/>
                    </div>
                    <div class="field">
                        <label for="of-max">"to €"</label>
                        <input id="of-max" name="max_total" value=f.max_total.clone() inputmode="decimal" size=7 maxlength=15/>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="button">"Find"</button>
                        <a href="/admin/orders">"Clear"</a>
                    </div>
                </form>
                {if page.orders.is_empty() {
                    view! { <p data-testid="no-orders">"No orders match."</p> }.into_any()
                } else {
                    view! { <OrderRows orders=page.orders.clone()/> }.into_any()
                }}
                <nav class="pagination" aria-label="Pages">
                    {f.before.is_some().then(|| view! { <a href=format!("/admin/orders?{}", f.query(None))>"← Newest"</a> })}
                    {page.older.map(|n| view! { <a href=format!("/admin/orders?{}", f.query(Some(n))) rel="next">"Older →"</a> })}
                </nav>
            </section>
        }
    })
}

/// The order list's table, with the quick actions (ship, refund) each row allows.
#[component]
fn OrderRows(orders: Vec<crate::orders::model::OrderSummary>) -> impl IntoView {
    view! {
        <table class="order-table admin-orders" data-testid="admin-orders">
            <thead><tr><th scope="col">"Order"</th><th scope="col">"Buyer"</th><th scope="col">"Total"</th>
                <th scope="col">"Status"</th><th scope="col">"Actions"</th></tr></thead>
            <tbody>
                {orders.into_iter().map(|o| {
                    let can_ship = o.ships && o.status == OrderStatus::Paid;
                    let can_refund = o.status.can_become(OrderStatus::Refunded) && o.status != OrderStatus::Refunded
                        && o.status != OrderStatus::PendingPayment;
                    let number = o.number;
                    view! {
                        <tr data-testid="admin-order" data-number=number>
                            <td><a href=format!("/admin/orders/{number}") data-testid="order-link">"#" {number}</a>
                                <br/><span class="cart-variant">{o.placed}</span></td>
                            <td class="admin-email">{o.email}</td>
                            <td>{o.total.display()}</td>
                            <td data-testid="admin-order-status">{o.status.label()}</td>
                            <td class="admin-actions">
                                {can_ship.then(|| view! { <ShipForm id=o.id.clone() number=number/> })}
                                {can_refund.then(|| view! { <RefundForm id=o.id.clone() number=number/> })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn ShipForm(id: String, number: i64) -> impl IntoView {
    view! {
        <form method="post" action=AdminShipOrder::PATH class="inline-form">
            <input type="hidden" name="order_id" value=id/>
            <label for=format!("track-{number}")>"Tracking number"</label>
            <input id=format!("track-{number}") name="tracking_number" required=true
                minlength=3 maxlength=64 autocomplete="off"/>
            <button type="submit" class="button">"Mark shipped"</button>
        </form>
    }
}

/// Refunds what is left of the order, after a confirmation (a disclosure: no script needed).
#[component]
fn RefundForm(id: String, number: i64) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button secondary-outline">"Refund…"</summary>
            <p>"Everything not yet refunded goes back to the buyer through their payment provider."</p>
            <form method="post" action=AdminRefundOrder::PATH class="inline-form">
                <input type="hidden" name="order_id" value=id/>
                <button type="submit" class="button danger"
                    aria-label=format!("Refund order #{number}")>"Yes, refund"</button>
            </form>
        </details>
    }
}

/// Refunds some units and/or an amount, after a confirmation (a disclosure: no script needed). An
/// empty amount refunds what the buyer paid for the chosen units; the hidden key makes a second
/// submission of the same form the same refund.
#[component]
fn PartialRefundForm(order: crate::orders::model::OrderView, key: String) -> impl IntoView {
    let number = order.number;
    let left = crate::types::Money { minor: order.total.minor - order.refunded.minor, currency: order.total.currency };
    let physical = order.lines.iter().any(|l| l.physical);
    view! {
        <details class="confirm refund-part" data-testid="refund-part">
            <summary class="button secondary-outline">"Refund items or an amount…"</summary>
            <form method="post" action=AdminRefundPart::PATH class="refund-form">
                <input type="hidden" name="order_id" value=order.id.clone()/>
                <input type="hidden" name="request_key" value=key/>
                <table class="order-table">
                    <caption class="visually-hidden">"Units to refund per item"</caption>
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"Not refunded"</th><th scope="col">"Refund"</th></tr></thead>
                    <tbody>
                        {order.lines.iter().filter(|l| l.refunded_quantity < l.quantity).map(|l| {
                            let left = l.quantity - l.refunded_quantity;
                            let field = format!("refund-qty-{}", l.variant_id);
                            view! {
                                <tr><td><label for=field.clone()>{l.product_name.clone()} " " <span class="cart-variant">{l.variant_label.clone()}</span></label></td>
                                    <td>{left}</td>
                                    <td><input type="number" id=field name=format!("qty[{}]", l.variant_id) value="0" min="0" max=left.to_string()
                                        inputmode="numeric" class="qty-input" data-testid="refund-qty"/></td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <label for="refund-amount">"Amount in euros (optional)"</label>
                <input type="text" id="refund-amount" name="amount" inputmode="decimal" autocomplete="off" maxlength="12"
                    aria-describedby="refund-amount-hint"/>
                <p class="field-hint" id="refund-amount-hint">"Empty: what the buyer paid for the chosen units (their share of the "
                    "discount taken off; the last units include shipping). 0: the units come back, no money. At most "
                    {left.display()} "."</p>
                {physical.then(|| view! {
                    <label class="checkbox"><input type="checkbox" name="restock" value="on" checked=!order.shipped/>
                        " Put returned jewelry back on sale"</label>
                })}
                <label for="refund-reason">"Reason (for the timeline)"</label>
                <input type="text" id="refund-reason" name="reason" maxlength="1000" autocomplete="off"/>
                <p class="field-hint">"Keys never revealed go back to their pool; revealed keys leave the buyer's library."</p>
                <button type="submit" class="button danger" aria-label=format!("Refund the chosen items of order #{number}")>"Refund"</button>
            </form>
        </details>
    }
}

/// One order as staff see it: the order, what may be done to it, and its timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdminOrder {
    pub staff: super::Staff,
    pub order: crate::orders::model::OrderView,
    pub placed_by: String,
    /// When it was placed (UTC).
    pub placed: String,
    pub ships: bool,
    /// The shipping address as label lines (empty: nothing ships).
    pub ship_to: Vec<String>,
    /// The e-mails it has had (kinds), which staff may send again.
    pub emails: Vec<String>,
    pub timeline: Vec<crate::orders::model::TimelineEvent>,
    /// A fresh key for the partial refund form: submitting the same form twice refunds once.
    pub refund_key: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// Staff: order `id` (its number, or its id) with its timeline.
#[server(prefix = "/api/admin", endpoint = "order")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/order", skip_all))]
pub async fn get_admin_order(id: String) -> Result<AdminOrder, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let id = id.trim().trim_start_matches('#');
    let uuid = match id.parse::<i64>() {
        Ok(n) => crate::orders::ssr::staff::id_of_number(ctx.pool(), n).await?,
        Err(_) => Uuid::parse_str(id).ok(),
    }
    .ok_or(AppError::NotFound)?;
    let order = crate::orders::ssr::queries::order_view(ctx.pool(), uuid).await?.ok_or(AppError::NotFound)?;
    let ships = order.shipping_method.is_some();
    let (mut timeline, emails) = tokio::try_join!(
        async { crate::orders::ssr::staff::timeline(ctx.pool(), uuid).await.map_err(AppError::from) },
        async { crate::checkout::ssr::fulfilment::sent_emails(ctx.pool(), uuid).await.map_err(AppError::from) },
    )?;
    // E-mail kinds as staff read them ("Queued: Order confirmation").
    for e in timeline.iter_mut().filter(|e| e.kind == "email" || e.kind == "problem") {
        e.text = e.text.split(' ').map(|w| if w.starts_with("email.") { email_label(w) } else { w.to_owned() }).collect::<Vec<_>>().join(" ");
    }
    let placed_by = crate::orders::ssr::staff::placed_by(ctx.pool(), uuid).await?;
    let ship_to = crate::orders::ssr::staff::ship_to(ctx.pool(), uuid).await?;
    let placed = timeline.first().map(|e| e.at.clone()).unwrap_or_default();
    let error = ctx.take_flash(ADMIN_ORDERS_FORM).await?.map(|f| f.message);
    let refund_key = Uuid::new_v4().to_string();
    Ok(AdminOrder { staff, order, placed_by, placed, ships, ship_to, emails, timeline, refund_key, notice: ctx.take_notice().await?, error })
}

/// An e-mail kind as staff read it.
pub fn email_label(kind: &str) -> String {
    match kind {
        "email.order_confirmation" => "Order confirmation".into(),
        "email.payment_received" => "Payment received".into(),
        "email.keys_ready" => "Keys ready".into(),
        "email.shipped" => "Shipped".into(),
        "email.refunded" => "Refunded".into(),
        "email.refund_declined" => "Refund declined".into(),
        other => other.trim_start_matches("email.").replace('_', " "),
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with_untracked(|p| p.get("id").unwrap_or_default());
    private_page(move || get_admin_order(id()), |page: AdminOrder| {
        let o = page.order.clone();
        let number = o.number;
        let can_ship = page.ships && !o.shipped && matches!(o.status, OrderStatus::Paid | OrderStatus::PartiallyRefunded)
            && o.lines.iter().any(|l| l.physical && l.refunded_quantity < l.quantity);
        let can_refund = o.status.holds_keys();
        let refunded_any = o.refunded.minor > 0 || o.lines.iter().any(|l| l.refunded_quantity > 0);
        view! {
            <PageMeta title=format!("Order #{number} · Admin") description="Order".into() canonical_path=format!("/admin/orders/{number}")/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page" aria-labelledby="admin-order-title" data-testid="admin-order-page" data-number=number>
                <p class="no-print"><a href="/admin/orders">"← Orders"</a></p>
                <h1 id="admin-order-title">"Order #" {number}</h1>
                <FormOutcome notice=page.notice error=page.error/>
                <dl class="account-facts">
                    <dt>"Status"</dt><dd data-testid="admin-order-status">{o.status.label()}</dd>
                    <dt>"Buyer"</dt><dd class="admin-email">{o.email.clone()}</dd>
                    <dt>"Placed by"</dt><dd>{page.placed_by.clone()}</dd>
                    <dt>"Total"</dt><dd>{o.total.display()}</dd>
                    {refunded_any.then(|| view! { <dt>"Refunded"</dt><dd data-testid="admin-order-refunded">{o.refunded.display()}</dd> })}
                    {o.tracking_number.clone().map(|t| view! { <dt>"Tracking"</dt><dd>{t}</dd> })}
                    {(!page.ship_to.is_empty()).then(|| view! {
                        <dt>"Ships to"</dt>
                        <dd>{page.ship_to.iter().map(|l| view! { {l.clone()} <br/> }).collect_view()}
                            <a href=format!("/admin/orders/{number}/slip") data-testid="packing-slip">"Packing slip"</a></dd>
                    })}
                </dl>
                <table class="order-table">
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"Price"</th><th scope="col">"Qty"</th><th scope="col">"Total"</th></tr></thead>
                    <tbody>
                        {o.lines.iter().map(|l| view! {
                            <tr><td>{l.product_name.clone()} <br/><span class="cart-variant">{l.variant_label.clone()}</span>
                                    {(l.refunded_quantity > 0).then(|| view! {
                                        <span class="line-refunded" data-testid="line-refunded">{l.refunded_quantity} " refunded"</span>
                                    })}</td>
                                <td>{l.unit_price.display()}</td><td>{l.quantity}</td><td>{l.line_total.display()}</td></tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        {(o.discount.minor > 0).then(|| view! {
                            <tr><th scope="row" colspan="3">"Discount" {o.discount_code.clone().map(|c| format!(" ({c})"))}</th><td>"−" {o.discount.display()}</td></tr>
                        })}
                        {(o.shipping.minor > 0).then(|| view! {
                            <tr><th scope="row" colspan="3">"Shipping"</th><td>{o.shipping.display()}</td></tr>
                        })}
                        <tr><th scope="row" colspan="3">"Total"</th><td>{o.total.display()}</td></tr>
                    </tfoot>
                </table>
                <h2>"Actions"</h2>
                <div class="admin-actions order-actions">
                    {(o.status == OrderStatus::PendingPayment).then(|| view! {
                        <details class="confirm">
                            <summary class="button secondary-outline">"Cancel order…"</summary>
                            <p>"The order was never paid: its items go back on sale now."</p>
                            <form method="post" action=AdminCancelOrder::PATH class="inline-form">
                                <input type="hidden" name="order_id" value=o.id.clone()/>
                                <button type="submit" class="button danger" aria-label=format!("Cancel order #{number}")>"Yes, cancel it"</button>
                            </form>
                        </details>
                    })}
                    {can_ship.then(|| view! { <ShipForm id=o.id.clone() number=number/> })}
                    {can_refund.then(|| view! { <RefundForm id=o.id.clone() number=number/> })}
                    {can_refund.then(|| view! { <PartialRefundForm order=o.clone() key=page.refund_key.clone()/> })}
                    {(!page.emails.is_empty()).then(|| view! {
                        <form method="post" action=AdminResendEmail::PATH class="inline-form">
                            <input type="hidden" name="order_id" value=o.id.clone()/>
                            <label for="resend-kind">"E-mail"</label>
                            <select id="resend-kind" name="kind">
                                {page.emails.iter().map(|k| view! { <option value=k.clone()>{email_label(k)}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button secondary-outline">"Send again"</button>
                        </form>
                    })}
                </div>
                <h2>"Timeline"</h2>
                <ol class="timeline" data-testid="timeline">
                    {page.timeline.into_iter().map(|e| view! {
                        <li data-kind=e.kind.clone()><time>{e.at}</time> " " <span class="timeline-kind">{e.kind.clone()}</span> " "
                            <span class="timeline-text">{e.text}</span></li>
                    }).collect_view()}
                </ol>
                <p class="field-hint">"Times are UTC."</p>
            </section>
        }
    })
}

/// A packing slip to print and put in the parcel: the address and what is in it, no prices. The
/// print stylesheet leaves out the shop's header, footer and the staff navigation.
#[component]
pub fn PackingSlipPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with_untracked(|p| p.get("id").unwrap_or_default());
    private_page(move || get_admin_order(id()), |page: AdminOrder| {
        let o = page.order.clone();
        let number = o.number;
        view! {
            <PageMeta title=format!("Packing slip #{number} · Admin") description="Packing slip".into() canonical_path=format!("/admin/orders/{number}/slip")/>
            <div class="no-print"><super::AdminNav staff=page.staff.clone()/></div>
            <section class="admin-page packing-slip" aria-labelledby="slip-title" data-testid="slip">
                <p class="no-print"><a href=format!("/admin/orders/{number}")>"← Order #" {number}</a>
                    " · Use your browser's Print to print this slip."</p>
                <h1 id="slip-title">{crate::site::SITE_NAME} " — packing slip"</h1>
                <p><strong>"Order #" {number}</strong> " · placed " {page.placed.clone()} " UTC"</p>
                <h2>"Ship to"</h2>
                <address data-testid="slip-address">{page.ship_to.iter().map(|l| view! { {l.clone()} <br/> }).collect_view()}</address>
                <table class="order-table">
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"Option"</th><th scope="col">"Qty"</th></tr></thead>
                    <tbody>
                        {o.lines.iter().map(|l| view! {
                            <tr data-testid="slip-line"><td>{l.product_name.clone()}</td><td>{l.variant_label.clone()}</td><td>{l.quantity}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="field-hint">"Questions about your order? Reply to your order e-mail."</p>
            </section>
        }
    })
}

/// Minor units as a decimal amount for a spreadsheet ("1234.50").
#[cfg(feature = "ssr")]
pub(super) fn decimal(minor: i64) -> String {
    format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, minor.unsigned_abs() / 100, minor.unsigned_abs() % 100)
}

/// `GET /admin/orders.csv?…`: every order the list's filters match (not just one page), newest
/// first, streamed; the number of rows is announced in a header first. Support and admins.
#[cfg(feature = "ssr")]
pub async fn orders_csv(
    axum::extract::State(st): axum::extract::State<super::export::ExportState>,
    parts: axum::http::request::Parts,
) -> axum::response::Response {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut filter = OrderFilter::from_pairs(&pairs);
    filter.before = None;
    let q = match st.require(&parts, crate::accounts::model::Role::Support).await.and_then(|_| filter.to_query()) {
        Ok(q) => q,
        Err(e) => return super::export::refusal(e),
    };
    let total = match crate::orders::ssr::staff::count(&st.pool, &q).await {
        Ok(n) => n,
        Err(e) => return super::export::refusal(AppError::internal(e)),
    };
    let pool = st.pool.clone();
    let name = format!("orders-{}.csv", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
    let header = &[
        "number", "placed_utc", "paid_utc", "status", "email", "items", "departments", "currency", "subtotal", "discount",
        "shipping", "tax", "total", "refunded", "discount_code", "tracking_number", "ship_to_country",
    ];
    let mut res = crate::platform::csv_export::download(&name, header, move |mut sink| async move {
        use futures_util::StreamExt;
        let sql = crate::orders::ssr::staff::export_sql();
        let mut rows = crate::orders::ssr::staff::export(&pool, &q, &sql);
        let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
        while let Some(r) = rows.next().await {
            let r = r?;
            let record = [
                r.number.to_string(), time(r.created_at), r.paid_at.map(time).unwrap_or_default(), r.status, r.email,
                r.items.to_string(), r.departments, r.currency, decimal(r.subtotal_minor), decimal(r.discount_minor),
                decimal(r.shipping_minor), decimal(r.tax_minor), decimal(r.total_minor), decimal(r.refunded_minor),
                r.discount_code.unwrap_or_default(), r.tracking_number.unwrap_or_default(), r.country.unwrap_or_default(),
            ];
            if !sink.push(record).await {
                break;
            }
        }
        drop(rows);
        Ok(sink)
    });
    if let Ok(v) = axum::http::HeaderValue::from_str(&total.to_string()) {
        res.headers_mut().insert(TOTAL_ROWS_HEADER, v);
    }
    res
}
