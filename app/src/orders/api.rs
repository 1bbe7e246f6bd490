//! Order records for their buyers: who may see an order, and "My orders". No SQL here.
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;
#[cfg(feature = "ssr")]
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub(crate) const MY_ORDERS: &str = "my_orders";

/// Lets this browser see an order from now on (it placed it, or opened its e-mailed link).
#[cfg(feature = "ssr")]
pub(crate) async fn remember_order(ctx: &RequestCtx, id: Uuid) -> Result<(), AppError> {
    let mut mine: Vec<Uuid> = ctx.session().get(MY_ORDERS).await.map_err(AppError::internal)?.unwrap_or_default();
    if !mine.contains(&id) {
        mine.push(id);
        ctx.session().insert(MY_ORDERS, mine).await.map_err(AppError::internal)?;
    }
    Ok(())
}

/// The orders this browser may see: those it placed or opened by their e-mailed link, and a
/// signed-in user's own. Anything else is "not found" (never "forbidden": an order id reveals nothing).
#[cfg(feature = "ssr")]
pub(crate) async fn my_order(ctx: &RequestCtx, id: &str) -> Result<Uuid, AppError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let mine: Vec<Uuid> = ctx.session().get(MY_ORDERS).await.map_err(AppError::internal)?.unwrap_or_default();
    if mine.contains(&id) {
        return Ok(id);
    }
    let owner = crate::orders::ssr::queries::owner_of(ctx.pool(), id).await?;
    match (owner, ctx.accounts().current_user().await?) {
        (Some(owner), Some(user)) if owner == user.user_id => Ok(id),
        _ => Err(AppError::NotFound),
    }
}

/// "My orders" for the signed-in user.
#[server(prefix = "/api/orders", endpoint = "mine")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/orders/mine", skip_all))]
pub async fn get_my_orders() -> Result<Vec<crate::orders::model::OrderSummary>, AppError> {
    let ctx = RequestCtx::load().await?;
    let user = ctx.accounts().require_user().await?;
    Ok(crate::orders::ssr::queries::summaries(ctx.pool(), Some(user.user_id), 100).await?)
}
