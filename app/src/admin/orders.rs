//! Staff order desk: the order list, ship, refund, and buyers' refund requests.
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};
#[cfg(feature = "ssr")]
use uuid::Uuid;
use crate::orders::model::OrderStatus;
use crate::ui::page::{FormOutcome, PageMeta, private_page};

/// The admin's order list and the outcome of the last action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdminOrders {
    /// The signed-in staff member's address (for the staff navigation).
    pub staff: String,
    pub orders: Vec<crate::orders::model::OrderSummary>,
    /// Buyers' refund requests waiting for a decision (a key was revealed or a build downloaded).
    pub refund_requests: Vec<crate::orders::model::RefundRequestView>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

pub const ADMIN_ORDERS_FORM: &str = "admin_orders";

/// The admin's order list: newest first, with the message of the last action.
#[server(prefix = "/api/admin", endpoint = "orders")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/orders", skip_all))]
pub async fn get_admin_orders() -> Result<AdminOrders, AppError> {
    let ctx = RequestCtx::load().await?;
    let staff = ctx.accounts().require_admin().await?.identity.email;
    let orders = crate::orders::ssr::queries::summaries(ctx.pool(), None, 50).await?;
    let refund_requests = crate::orders::ssr::queries::open_refund_requests(ctx.pool()).await?;
    let error = ctx.take_flash(ADMIN_ORDERS_FORM).await?.map(|f| f.message);
    Ok(AdminOrders { staff, orders, refund_requests, notice: ctx.take_notice().await?, error })
}

/// Marks a paid order with jewelry shipped; the buyer gets the tracking number by e-mail.
#[server(prefix = "/api/admin", endpoint = "ship")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/ship", skip_all))]
pub async fn admin_ship_order(order_id: String, tracking_number: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        ctx.accounts().require_admin().await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        crate::checkout::ssr::fulfilment::ship(ctx.pool(), id, &tracking_number).await?;
        tracing::info!(order = %id, "order shipped by staff");
        ctx.notice("The order is marked shipped and the buyer is told.").await?;
        Ok("/admin/orders".to_owned())
    }
    .await;
    respond_at(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", r).await
}

/// Refunds what is left of a paid order through its payment provider.
#[server(prefix = "/api/admin", endpoint = "refund")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/refund", skip_all))]
pub async fn admin_refund_order(order_id: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        ctx.accounts().require_admin().await?;
        let id = Uuid::parse_str(order_id.trim()).map_err(|_| AppError::NotFound)?;
        let amount = crate::checkout::ssr::fulfilment::refund(ctx.pool(), id).await?;
        tracing::info!(order = %id, amount, "order refunded by staff");
        ctx.notice("The refund is on its way and the buyer is told.").await?;
        Ok("/admin/orders".to_owned())
    }
    .await;
    respond_at(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", r).await
}

/// Staff decide a buyer's refund request: `decision` is "approve" (the order is refunded) or "decline".
#[server(prefix = "/api/admin", endpoint = "refund-request")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/refund-request", skip_all))]
pub async fn admin_decide_refund(request_id: i64, decision: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let staff = ctx.accounts().require_admin().await?;
        let approve = match decision.as_str() {
            "approve" => true,
            "decline" => false,
            _ => return Err(AppError::BadRequest("Choose approve or decline.".into())),
        };
        let order = crate::checkout::ssr::fulfilment::decide_refund_request(ctx.pool(), request_id, approve, staff.user_id).await?;
        tracing::info!(%order, request_id, approve, "refund request decided by staff");
        ctx.notice(if approve {
                "Refund approved: the money is on its way and the buyer is told."
            } else {
                "Refund request declined; the buyer is told."
            })
            .await?;
        Ok("/admin/orders".to_owned())
    }
    .await;
    respond_at(&ctx, ADMIN_ORDERS_FORM, "/admin/orders", r).await
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    private_page(get_admin_orders, |page: AdminOrders| {
        view! {
            <PageMeta title="Orders · Admin".into() description="Orders".into() canonical_path="/admin/orders".into()/>
            <super::AdminNav email=page.staff.clone()/>
            <section class="admin-page" aria-labelledby="admin-orders-title">
                <h1 id="admin-orders-title">"Orders"</h1>
                <p><a href="/admin">"← Dashboard"</a></p>
                <FormOutcome notice=page.notice error=page.error/>
                <h2>"Refund requests"</h2>
                {if page.refund_requests.is_empty() {
                    view! { <p data-testid="no-refund-requests">"No refund requests waiting."</p> }.into_any()
                } else {
                    view! {
                        <ul class="refund-queue">
                            {page.refund_requests.into_iter().map(|r| view! {
                                <li data-testid="refund-request" data-number=r.order_number>
                                    <p><strong>"Order #" {r.order_number}</strong> " · " {r.email} " · " {r.total.display()}
                                        " · " <span class="cart-variant">{r.requested}</span></p>
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
                <h2>"Recent orders"</h2>
                <table class="order-table admin-orders" data-testid="admin-orders">
                    <thead><tr><th scope="col">"Order"</th><th scope="col">"Buyer"</th><th scope="col">"Total"</th>
                        <th scope="col">"Status"</th><th scope="col">"Actions"</th></tr></thead>
                    <tbody>
                        {page.orders.into_iter().map(|o| {
                            let can_ship = o.ships && o.status == OrderStatus::Paid;
                            let can_refund = o.status.can_become(OrderStatus::Refunded) && o.status != OrderStatus::Refunded
                                && o.status != OrderStatus::PendingPayment;
                            let number = o.number;
                            view! {
                                <tr data-testid="admin-order" data-number=number>
                                    <td>"#" {number} <br/><span class="cart-variant">{o.placed}</span></td>
                                    <td class="admin-email">{o.email}</td>
                                    <td>{o.total.display()}</td>
                                    <td data-testid="admin-order-status">{o.status.label()}</td>
                                    <td class="admin-actions">
                                        {can_ship.then(|| view! {
                                            <form method="post" action=AdminShipOrder::PATH class="inline-form">
                                                <input type="hidden" name="order_id" value=o.id.clone()/>
                                                <label for=format!("track-{number}")>"Tracking number"</label>
                                                <input id=format!("track-{number}") name="tracking_number" required=true
                                                    minlength=3 maxlength=64 autocomplete="off"/>
                                                <button type="submit" class="button">"Mark shipped"</button>
                                            </form>
                                        })}
                                        {can_refund.then(|| view! {
                                            <form method="post" action=AdminRefundOrder::PATH class="inline-form">
                                                <input type="hidden" name="order_id" value=o.id.clone()/>
                                                <button type="submit" class="button danger"
                                                    aria-label=format!("Refund order #{number}")>"Refund"</button>
                                            </form>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    })
}

