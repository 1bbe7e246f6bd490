//! Cart server functions. They take a variant and a quantity, never a price.
use crate::cart::model::CartView;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

pub const CART_FORM: &str = "cart";

#[cfg(feature = "ssr")]
impl From<crate::cart::ssr::CartError> for AppError {
    fn from(e: crate::cart::ssr::CartError) -> Self {
        use crate::cart::ssr::CartError::*;
        match e {
            UnknownVariant => AppError::NotFound,
            SoldOut | Quantity(_) | NotOnSale(_) => AppError::BadRequest(e.to_string()),
            Session(m) => AppError::internal(m),
            Db(e) => AppError::internal(e),
        }
    }
}

#[server(prefix = "/api/cart", endpoint = "add")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/add", skip_all))]
pub async fn add_to_cart(variant_id: i64, quantity: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let user = ctx.accounts().session_user_id().await?;
        let name = crate::cart::ssr::add(ctx.pool(), ctx.session(), user, variant_id, quantity).await?;
        ctx.mark_funnel(crate::platform::visits::Stage::AddedToCart).await;
        ctx.notice(&format!("Added {name} to your cart.")).await?;
        Ok("/cart".to_owned())
    }
    .await;
    respond_at(&ctx, CART_FORM, "/cart", r).await
}

/// Items in this browser's cart (the header's count).
#[server(prefix = "/api/cart", endpoint = "count")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/count", skip_all))]
pub async fn get_cart_count() -> Result<i64, AppError> {
    let ctx = RequestCtx::load().await?;
    Ok(crate::cart::ssr::count(ctx.pool(), ctx.session()).await?)
}

/// Add to cart from the product page with JavaScript on: no redirect, the page stays where it is.
/// (Without JavaScript the form posts to `add_to_cart`, which goes to the cart page.)
#[server(prefix = "/api/cart", endpoint = "add-in-place")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/add-in-place", skip_all))]
pub async fn add_to_cart_in_place(variant_id: i64, quantity: i64) -> Result<crate::cart::model::Added, AppError> {
    let ctx = RequestCtx::load().await?;
    let user = ctx.accounts().session_user_id().await?;
    let pool = &ctx.pool();
    let name = crate::cart::ssr::add(pool, ctx.session(), user, variant_id, quantity).await?;
    ctx.mark_funnel(crate::platform::visits::Stage::AddedToCart).await;
    let count = crate::cart::ssr::count(pool, ctx.session()).await?;
    Ok(crate::cart::model::Added { name, count })
}

#[server(prefix = "/api/cart", endpoint = "update")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/update", skip_all))]
pub async fn set_cart_quantity(variant_id: i64, quantity: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = crate::cart::ssr::set_quantity(ctx.pool(), ctx.session(), variant_id, quantity)
        .await
        .map(|_| "/cart".to_owned())
        .map_err(AppError::from);
    respond_at(&ctx, CART_FORM, "/cart", r).await
}

#[server(prefix = "/api/cart", endpoint = "remove")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/remove", skip_all))]
pub async fn remove_from_cart(variant_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = crate::cart::ssr::set_quantity(ctx.pool(), ctx.session(), variant_id, 0)
        .await
        .map(|_| "/cart".to_owned())
        .map_err(AppError::from);
    respond_at(&ctx, CART_FORM, "/cart", r).await
}

#[server(prefix = "/api/cart", endpoint = "view")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/cart/view", skip_all))]
pub async fn get_cart() -> Result<CartView, AppError> {
    let ctx = RequestCtx::load().await?;
    let mut view = crate::cart::ssr::view(ctx.pool(), ctx.session()).await?;
    view.notice = ctx.take_notice().await?;
    view.error = ctx.take_flash(CART_FORM).await?.map(|f| f.message);
    Ok(view)
}
