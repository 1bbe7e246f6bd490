//! Checkout, payment (built-in test gateway), the order page and buyer refunds. Prices, totals and
//! discounts are computed on the server; the client sends ids, quantities, an address and a code.
use crate::checkout::model::CheckoutPage;
use crate::error::AppError;
use crate::orders::model::OrderView;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::orders::api::{my_order, remember_order};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};
#[cfg(feature = "ssr")]
use uuid::Uuid;

pub const CHECKOUT_FORM: &str = "checkout";
pub const PAY_FORM: &str = "pay";
#[cfg(feature = "ssr")]
impl From<crate::checkout::ssr::place::CheckoutError> for AppError {
    fn from(e: crate::checkout::ssr::place::CheckoutError) -> Self {
        use crate::checkout::ssr::place::CheckoutError::*;
        match e {
            Db(e) => AppError::internal(e),
            SoldOut { .. } => AppError::Conflict(e.to_string()),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// The session's buyer token, made on first use and kept across sign-in (a new session id keeps the
/// data); orders store its SHA-256, so a checkout key only ever finds this browser's own order.
#[cfg(feature = "ssr")]
async fn placed_by(ctx: &RequestCtx) -> Result<String, AppError> {
    use sha2::{Digest, Sha256};
    const BUYER: &str = "buyer_token";
    let token = match ctx.session().get::<String>(BUYER).await.map_err(AppError::internal)? {
        Some(t) => t,
        None => {
            let t: String = rand::random::<[u8; 32]>().iter().map(|b| format!("{b:02x}")).collect();
            ctx.session().insert(BUYER, &t).await.map_err(AppError::internal)?;
            t
        }
    };
    Ok(Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

/// The page of an order named by a form field: only a parsed id goes into a path (else the home page).
#[cfg(feature = "ssr")]
fn order_page(prefix: &str, raw_id: &str) -> String {
    Uuid::parse_str(raw_id.trim()).map(|id| format!("{prefix}/{id}")).unwrap_or_else(|_| "/".to_owned())
}

#[server(prefix = "/api/checkout", endpoint = "page")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/checkout/page", skip_all))]
pub async fn get_checkout_page() -> Result<CheckoutPage, AppError> {
    use crate::types::{Currency, Money};
    let ctx = RequestCtx::load().await?;
    let acc = ctx.accounts();
    let cart = crate::cart::ssr::view(ctx.pool(), ctx.session()).await?;
    let email = acc.current_user().await?.map(|u| u.identity.email);
    let error = ctx.take_flash(CHECKOUT_FORM).await?.map(|f| f.message);
    let rates = crate::checkout::ssr::state()?.settings.shipping;
    let eur = |minor| Money { minor, currency: Currency::Eur };
    Ok(CheckoutPage {
        cart,
        email,
        checkout_key: Uuid::new_v4().to_string(),
        standard_shipping: eur(rates.standard_minor),
        insured_shipping: eur(rates.insured_minor),
        insured_above: eur(rates.insured_above_minor),
        error,
    })
}

/// The checkout form as a browser posts it: every field text.
#[cfg(feature = "ssr")]
struct CheckoutForm {
    checkout_key: String,
    email: String,
    discount_code: Option<String>,
    shipping_method: Option<String>,
    name: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

/// The checkout form parsed: a key, an address, a shipping choice (the address itself is checked
/// field by field when the order is placed).
#[cfg(feature = "ssr")]
struct CheckoutInput {
    key: Uuid,
    email: crate::types::Email,
    discount_code: Option<String>,
    shipping: Option<(crate::checkout::pricing::ShippingMethod, crate::checkout::ssr::place::Address)>,
}

#[cfg(feature = "ssr")]
impl TryFrom<CheckoutForm> for CheckoutInput {
    type Error = AppError;

    fn try_from(f: CheckoutForm) -> Result<Self, AppError> {
        use crate::checkout::pricing::ShippingMethod;
        let key = Uuid::parse_str(f.checkout_key.trim()).map_err(|_| AppError::BadRequest("Please start the checkout again.".into()))?;
        let email = crate::accounts::ssr::service::parse_email(&f.email)?;
        let method = match f.shipping_method.as_deref() {
            None | Some("") => None,
            Some("standard") => Some(ShippingMethod::Standard),
            Some("insured") => Some(ShippingMethod::Insured),
            Some(_) => return Err(AppError::BadRequest("Choose a shipping method.".into())),
        };
        let text = |v: Option<String>| v.unwrap_or_default().trim().to_owned();
        let shipping = method.map(|m| {
            let address = crate::checkout::ssr::place::Address {
                name: text(f.name),
                line1: text(f.line1),
                line2: text(f.line2),
                city: text(f.city),
                postal_code: text(f.postal_code),
                country: text(f.country).to_uppercase(),
            };
            (m, address)
        });
        Ok(CheckoutInput { key, email, discount_code: f.discount_code, shipping })
    }
}

/// Creates the order from the cart (holding its stock) and goes to payment. The same
/// `checkout_key` twice (a double click, a retry) is the same order.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/checkout", endpoint = "place")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/checkout/place", skip_all))]
pub async fn place_order(
    checkout_key: String,
    email: String,
    discount_code: Option<String>,
    shipping_method: Option<String>,
    name: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
) -> Result<(), AppError> {
    use crate::checkout::ssr::place::{start_checkout, CheckoutRequest};
    let ctx = RequestCtx::load().await?;
    let r = async {
        let form = CheckoutForm { checkout_key, email, discount_code, shipping_method, name, line1, line2, city, postal_code, country };
        let CheckoutInput { key, email, discount_code, shipping } = CheckoutInput::try_from(form)?;
        let lines = crate::cart::ssr::lines(ctx.pool(), ctx.session()).await?;
        if lines.is_empty() {
            return Err(AppError::BadRequest("Your cart is empty.".into()));
        }
        let user_id = ctx.accounts().current_user().await?.map(|u| u.user_id);
        let placed_by = placed_by(&ctx).await?;
        let req = CheckoutRequest { checkout_key: key, placed_by, user_id, email, lines, discount_code, shipping };
        let settings = crate::checkout::ssr::state()?.settings;
        let started = start_checkout(ctx.pool(), &req, &settings.shipping, settings.hold_minutes).await?;
        remember_order(&ctx, started.order_id).await?;
        Ok(format!("/pay/{}", started.order_id))
    }
    .await;
    respond_at(&ctx, CHECKOUT_FORM, "/checkout", r).await
}

/// An order for its buyer; `token` is the e-mailed link's, which admits a guest on any device.
#[server(prefix = "/api/orders", endpoint = "view")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/orders/view", skip_all))]
pub async fn get_order(id: String, token: Option<String>) -> Result<OrderView, AppError> {
    let ctx = RequestCtx::load().await?;
    if let (Ok(order), Some(token)) = (Uuid::parse_str(id.trim()), token.as_deref().filter(|t| !t.is_empty()))
        && crate::orders::ssr::queries::token_matches(ctx.pool(), order, token.trim()).await?
    {
        remember_order(&ctx, order).await?;
    }
    load_order(&ctx, &id).await.map(|(_, view)| view)
}

#[cfg(feature = "ssr")]
async fn load_order(ctx: &RequestCtx, id: &str) -> Result<(Uuid, OrderView), AppError> {
    let id = my_order(ctx, id).await?;
    let mut view = crate::orders::ssr::queries::order_view(ctx.pool(), id).await?.ok_or(AppError::NotFound)?;
    view.message = ctx.take_flash(PAY_FORM).await?.map(|f| f.message).or(ctx.take_notice().await?);
    view.refund_error = ctx.take_flash(ORDER_FORM).await?.map(|f| f.message);
    Ok((id, view))
}

/// The review-and-pay page: the order and, while it is unpaid, the provider's payment for it.
#[server(prefix = "/api/orders", endpoint = "pay-page")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/orders/pay-page", skip_all))]
pub async fn get_pay_page(id: String) -> Result<OrderView, AppError> {
    let ctx = RequestCtx::load().await?;
    let (id, mut view) = load_order(&ctx, &id).await?;
    if view.status == crate::orders::model::OrderStatus::PendingPayment {
        match start_payment(&ctx, id, &view).await {
            Ok(stripe) => view.stripe = stripe,
            Err(e) => {
                // Handled here (the page still shows, with a message), so logged here, once.
                tracing::error!(order = %id, error = ?e, "could not start the payment");
                view.message = Some("Card payments are unavailable for a moment. Please reload this page shortly.".into());
            }
        }
    }
    Ok(view)
}

/// Starts (or finds again: it is idempotent per order) the provider's payment for a pending order;
/// for Stripe, what the browser needs to take the card.
#[cfg(feature = "ssr")]
async fn start_payment(
    ctx: &RequestCtx,
    id: Uuid,
    view: &OrderView,
) -> Result<Option<crate::orders::model::StripeClient>, crate::payments::PaymentError> {
    use crate::payments::{PaymentError, PaymentRequest};
    let provider = crate::checkout::ssr::state().map_err(|_| PaymentError::Unavailable("orders state missing".into()))?.payments;
    let Some(publishable_key) = provider.publishable_key() else { return Ok(None) };
    let req = PaymentRequest {
        order_id: id,
        number: view.number,
        amount_minor: view.total.minor,
        currency: view.total.currency.code().to_owned(),
        email: view.email.clone(),
    };
    let started = provider.start_payment(&req).await?;
    crate::checkout::ssr::payment::payment_started(ctx.pool(), provider.name(), id, &started.provider_ref, req.amount_minor)
        .await
        .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
    Ok(started.client_secret.map(|client_secret| crate::orders::model::StripeClient { publishable_key, client_secret }))
}

/// The built-in gateway's card form: a test card succeeds (a signed webhook marks the order paid),
/// is declined, or succeeds a few seconds later (the webhook comes from a queued job).
#[server(prefix = "/api/pay", endpoint = "card")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/pay/card", skip_all))]
pub async fn pay_with_card(order_id: String, card_number: String) -> Result<(), AppError> {
    use crate::payments::gateway::{BuiltinGateway, GatewayEvent, TestCard, DELAY_SECS, PROVIDER};
    use crate::checkout::ssr::payment::receive_webhook;
    use crate::platform::jobs;
    let ctx = RequestCtx::load().await?;
    let page = order_page("/pay", &order_id);
    let r = async {
        let id = my_order(&ctx, &order_id).await?;
        if crate::checkout::ssr::state()?.payments.name() != PROVIDER {
            return Err(AppError::NotFound);
        }
        let pool = &ctx.pool();
        let order = crate::orders::ssr::queries::order_view(pool, id).await?.ok_or(AppError::NotFound)?;
        if order.status != crate::orders::model::OrderStatus::PendingPayment {
            return Ok(format!("/order/{id}"));
        }
        let card = crate::payments::gateway::test_card(&card_number).ok_or_else(|| {
            AppError::BadRequest(
                "Use a test card: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, 4000 0000 0000 3220 pays after a few seconds.".into(),
            )
        })?;
        let event = GatewayEvent::success(id, order.total.minor, order.total.currency.code());
        match card {
            TestCard::Declined => return Err(AppError::BadRequest("Your card was declined. Try another card.".into())),
            TestCard::Succeeds => {
                let gateway = BuiltinGateway::new(crate::types::expose_all(&crate::checkout::ssr::state()?.settings.webhook_secrets));
                let now = chrono::Utc::now().timestamp();
                let (header, body) = gateway.sign(&event, now);
                receive_webhook(pool, &gateway, &header, &body, now).await.map_err(AppError::internal)?;
            }
            TestCard::Delayed => {
                // The bank answers later: the webhook is a durable job, so a restart does not lose it.
                let payload = serde_json::to_value(&event).map_err(AppError::internal)?;
                let mut conn = pool.acquire().await.map_err(AppError::internal)?;
                jobs::enqueue_after(&mut conn, "payment.builtin_confirm", payload, Some(&format!("confirm:{id}")), DELAY_SECS)
                    .await
                    .map_err(AppError::internal)?;
            }
        }
        crate::cart::ssr::remove_ordered(pool, ctx.session(), id).await?;
        Ok(format!("/order/{id}"))
    }
    .await;
    respond_at(&ctx, PAY_FORM, &page, r).await
}

#[cfg(feature = "ssr")]
impl From<crate::checkout::ssr::fulfilment::FulfilmentError> for AppError {
    fn from(e: crate::checkout::ssr::fulfilment::FulfilmentError) -> Self {
        use crate::checkout::ssr::fulfilment::FulfilmentError::*;
        match e {
            Db(e) => AppError::internal(e),
            NotFound => AppError::NotFound,
            NotAllowed(..) => AppError::Conflict(e.to_string()),
            AboveLimit(_) => AppError::NotPermitted(e.to_string()),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

pub const ORDER_FORM: &str = "order";

/// The buyer asks for a refund of a paid order: made at once if no key was revealed and no build
/// downloaded, else queued for staff.
#[server(prefix = "/api/orders", endpoint = "refund")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/orders/refund", skip_all))]
pub async fn request_refund(order_id: String, reason: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let page = order_page("/order", &order_id);
    let r = async {
        let id = my_order(&ctx, &order_id).await?;
        use crate::checkout::ssr::fulfilment::{request_refund, RefundOutcome};
        let notice = match request_refund(ctx.pool(), id, &reason).await? {
            RefundOutcome::Refunded(_) => "Your order is refunded; the money is on its way back to your card.",
            RefundOutcome::AwaitingReview => {
                "Your request is with our staff, because a key was revealed or a download started. Their answer shows on this page; a refund also comes by e-mail."
            }
        };
        tracing::info!(order = %id, "refund requested by the buyer");
        ctx.notice(notice).await?;
        Ok(format!("/order/{id}"))
    }
    .await;
    respond_at(&ctx, ORDER_FORM, &page, r).await
}

/// The fields each money-path form may send; anything else (a price, a total) is refused before the
/// server function runs (see the server's `strict_forms` layer).
pub const FORM_FIELDS: &[(&str, &[&str])] = &[
    ("/api/cart/add", &["variant_id", "quantity"]),
    ("/api/cart/add-in-place", &["variant_id", "quantity"]),
    ("/api/cart/update", &["variant_id", "quantity"]),
    ("/api/cart/remove", &["variant_id"]),
    (
        "/api/checkout/place",
        &["checkout_key", "email", "discount_code", "shipping_method", "name", "line1", "line2", "city", "postal_code", "country"],
    ),
    ("/api/pay/card", &["order_id", "card_number"]),
    ("/api/admin/ship", &["order_id", "tracking_number"]),
    ("/api/admin/refund", &["order_id"]),
    ("/api/admin/refund-request", &["request_id", "decision"]),
    ("/api/orders/refund", &["order_id", "reason"]),
];
