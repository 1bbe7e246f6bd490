//! Checkout, payment (built-in test gateway) and order server functions. Prices, totals and
//! discounts are computed on the server; the client sends ids, quantities, an address and a code.
use crate::error::AppError;
use crate::orders::model::{CheckoutPage, OrderView};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::request::{respond_at, RequestCtx};
#[cfg(feature = "ssr")]
use uuid::Uuid;

pub const CHECKOUT_FORM: &str = "checkout";
pub const PAY_FORM: &str = "pay";
#[cfg(feature = "ssr")]
const MY_ORDERS: &str = "my_orders";

#[cfg(feature = "ssr")]
impl From<crate::orders::ssr::checkout::CheckoutError> for AppError {
    fn from(e: crate::orders::ssr::checkout::CheckoutError) -> Self {
        use crate::orders::ssr::checkout::CheckoutError::*;
        match e {
            Db(e) => AppError::internal(e),
            SoldOut { .. } => AppError::Conflict(e.to_string()),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// The orders this browser may see: those it placed, and a signed-in user's own. Anything else is
/// "not found" (never "forbidden": an order id reveals nothing).
#[cfg(feature = "ssr")]
async fn my_order(ctx: &RequestCtx, id: &str) -> Result<Uuid, AppError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let mine: Vec<Uuid> = ctx.session().get(MY_ORDERS).await.map_err(AppError::internal)?.unwrap_or_default();
    if mine.contains(&id) {
        return Ok(id);
    }
    let owner = crate::orders::ssr::queries::owner_of(&ctx.state().pool, id).await?;
    match (owner, ctx.accounts().current_user().await?) {
        (Some(owner), Some(user)) if owner == user.user_id => Ok(id),
        _ => Err(AppError::NotFound),
    }
}

/// "My orders" for the signed-in user.
#[server(prefix = "/api/orders", endpoint = "mine")]
pub async fn get_my_orders() -> Result<Vec<crate::orders::model::OrderSummary>, AppError> {
    let ctx = RequestCtx::load().await?;
    let user = ctx.accounts().require_user().await?;
    Ok(crate::orders::ssr::queries::orders_of(&ctx.state().pool, user.user_id).await?)
}

#[server(prefix = "/api/checkout", endpoint = "page")]
pub async fn get_checkout_page() -> Result<CheckoutPage, AppError> {
    use crate::types::{Currency, Money};
    let ctx = RequestCtx::load().await?;
    let acc = ctx.accounts();
    let cart = crate::cart::ssr::view(&ctx.state().pool, ctx.session()).await?;
    let email = acc.current_user().await?.map(|u| u.identity.email);
    let error = acc.take_flash(CHECKOUT_FORM).await?.map(|f| f.message);
    let rates = ctx.state().orders.shipping;
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

/// Creates the order from the cart (holding its stock) and goes to payment. The same
/// `checkout_key` twice (a double click, a retry) is the same order.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/checkout", endpoint = "place")]
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
    use crate::orders::pricing::ShippingMethod;
    use crate::orders::ssr::checkout::{start_checkout, Address, CheckoutRequest};
    let ctx = RequestCtx::load().await?;
    let r = async {
        let key = Uuid::parse_str(checkout_key.trim()).map_err(|_| AppError::BadRequest("Please start the checkout again.".into()))?;
        let email = crate::accounts::ssr::service::parse_email(&email)?;
        let lines = crate::cart::ssr::lines(&ctx.state().pool, ctx.session()).await?;
        if lines.is_empty() {
            return Err(AppError::BadRequest("Your cart is empty.".into()));
        }
        let method = match shipping_method.as_deref() {
            None | Some("") => None,
            Some("standard") => Some(ShippingMethod::Standard),
            Some("insured") => Some(ShippingMethod::Insured),
            Some(_) => return Err(AppError::BadRequest("Choose a shipping method.".into())),
        };
        let shipping = method.map(|m| {
            let f = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_owned();
            (m, Address { name: f(&name), line1: f(&line1), line2: f(&line2), city: f(&city), postal_code: f(&postal_code), country: f(&country).to_uppercase() })
        });
        let user_id = ctx.accounts().current_user().await?.map(|u| u.user_id);
        let req = CheckoutRequest { checkout_key: key, user_id, email, lines, discount_code, shipping };
        let settings = &ctx.state().orders;
        let started = start_checkout(&ctx.state().pool, &req, &settings.shipping, settings.hold_minutes).await?;
        let mut mine: Vec<Uuid> = ctx.session().get(MY_ORDERS).await.map_err(AppError::internal)?.unwrap_or_default();
        if !mine.contains(&started.order_id) {
            mine.push(started.order_id);
            ctx.session().insert(MY_ORDERS, mine).await.map_err(AppError::internal)?;
        }
        Ok(format!("/pay/{}", started.order_id))
    }
    .await;
    respond_at(&ctx, CHECKOUT_FORM, "/checkout", r).await
}

#[server(prefix = "/api/orders", endpoint = "view")]
pub async fn get_order(id: String) -> Result<OrderView, AppError> {
    let ctx = RequestCtx::load().await?;
    let id = my_order(&ctx, &id).await?;
    let mut view = crate::orders::ssr::queries::order_view(&ctx.state().pool, id).await?.ok_or(AppError::NotFound)?;
    let acc = ctx.accounts();
    view.message = acc.take_flash(PAY_FORM).await?.map(|f| f.message).or(acc.take_notice().await?);
    Ok(view)
}

/// The built-in gateway's card form: a test card succeeds (a signed webhook marks the order paid)
/// or is declined.
#[server(prefix = "/api/pay", endpoint = "card")]
pub async fn pay_with_card(order_id: String, card_number: String) -> Result<(), AppError> {
    use crate::orders::ssr::gateway::{self, TestCard};
    let ctx = RequestCtx::load().await?;
    let page = format!("/pay/{}", order_id.trim());
    let r = async {
        let id = my_order(&ctx, &order_id).await?;
        let pool = &ctx.state().pool;
        let order = crate::orders::ssr::queries::order_view(pool, id).await?.ok_or(AppError::NotFound)?;
        if order.status != crate::orders::model::OrderStatus::PendingPayment {
            return Ok(format!("/order/{id}"));
        }
        match gateway::test_card(&card_number) {
            None => Err(AppError::BadRequest("Use a test card: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined.".into())),
            Some(TestCard::Declined) => Err(AppError::BadRequest("Your card was declined. Try another card.".into())),
            Some(TestCard::Succeeds) => {
                let settings = &ctx.state().orders;
                let now = chrono::Utc::now().timestamp();
                let secret = settings.webhook_secrets.first().map(String::as_str).unwrap_or_default();
                let (header, body) = gateway::signed_success(secret, id, order.total.minor, now);
                gateway::receive(pool, &settings.secrets(), &header, &body, now).await.map_err(AppError::internal)?;
                crate::cart::ssr::clear(pool, ctx.session()).await?;
                Ok(format!("/order/{id}"))
            }
        }
    }
    .await;
    respond_at(&ctx, PAY_FORM, &page, r).await
}

/// The fields each money-path form may send; anything else (a price, a total) is refused before the
/// server function runs (see the server's `strict_forms` layer).
pub const FORM_FIELDS: &[(&str, &[&str])] = &[
    ("/api/cart/add", &["variant_id", "quantity"]),
    ("/api/cart/update", &["variant_id", "quantity"]),
    ("/api/cart/remove", &["variant_id"]),
    (
        "/api/checkout/place",
        &["checkout_key", "email", "discount_code", "shipping_method", "name", "line1", "line2", "city", "postal_code", "country"],
    ),
    ("/api/pay/card", &["order_id", "card_number"]),
];
