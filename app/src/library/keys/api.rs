//! The library's server functions. A key is shown only to its buyer: the signed-in owner of the
//! order, or the browser that placed it or opened its e-mailed link. Everyone else gets "not found".
use crate::error::AppError;
use crate::library::keys::model::LibraryPage;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::accounts::ssr::AccountsExt;
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

pub const LIBRARY_FORM: &str = "library";

/// The buyer's keys: every paid order of the signed-in user and of this browser.
#[server(prefix = "/api/library", endpoint = "page")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/library/page", skip_all))]
pub async fn get_library() -> Result<LibraryPage, AppError> {
    let ctx = RequestCtx::load().await?;
    let acc = ctx.accounts();
    let user = acc.current_user().await?;
    let orders: Vec<uuid::Uuid> =
        ctx.session().get(crate::orders::api::MY_ORDERS).await.map_err(AppError::internal)?.unwrap_or_default();
    if user.is_none() && orders.is_empty() {
        return Err(AppError::Unauthorized("Sign in to see your library.".into()));
    }
    let keys = crate::library::keys::ssr::pool::library(ctx.pool(), &crate::library::state()?.keys, user.as_ref().map(|u| u.user_id), &orders)
        .await
        .map_err(AppError::internal)?;
    let message = ctx.take_flash(LIBRARY_FORM).await?.map(|f| f.message).or(ctx.take_notice().await?);
    Ok(LibraryPage { keys, signed_in: user.is_some(), message })
}

/// The key's paid order, if this browser may see it.
#[cfg(feature = "ssr")]
pub(crate) async fn owned_key(ctx: &RequestCtx, key_id: i64) -> Result<uuid::Uuid, AppError> {
    let order = crate::library::keys::ssr::pool::order_of_key(ctx.pool(), key_id).await?.ok_or(AppError::NotFound)?;
    crate::orders::api::my_order(ctx, &order.to_string()).await.map(|_| order)
}

/// Shows a key (every reveal is logged with who, when and the address it came from).
#[server(prefix = "/api/library", endpoint = "reveal")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/library/reveal", skip_all))]
pub async fn reveal_key(key_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let order = owned_key(&ctx, key_id).await?;
        let user = ctx.accounts().current_user().await?.map(|u| u.user_id);
        if !crate::library::keys::ssr::pool::reveal(ctx.pool(), key_id, order, user, ctx.ip()).await? {
            return Err(AppError::NotFound);
        }
        Ok(format!("/account/library#key-{key_id}"))
    }
    .await;
    respond_at(&ctx, LIBRARY_FORM, "/account/library", r).await
}

/// The owner has used the key in the game's store.
#[server(prefix = "/api/library", endpoint = "redeemed")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/library/redeemed", skip_all))]
pub async fn mark_key_redeemed(key_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        owned_key(&ctx, key_id).await?;
        crate::library::keys::ssr::pool::mark_redeemed(ctx.pool(), key_id).await?;
        ctx.notice("Marked as redeemed.").await?;
        Ok(format!("/account/library#key-{key_id}"))
    }
    .await;
    respond_at(&ctx, LIBRARY_FORM, "/account/library", r).await
}

#[cfg(feature = "ssr")]
impl From<crate::library::keys::ssr::pool::PoolError> for AppError {
    fn from(e: crate::library::keys::ssr::pool::PoolError) -> Self {
        use crate::library::keys::ssr::pool::PoolError as E;
        match e {
            E::Duplicates(ref lines) => AppError::BadRequest(format!("{e} {}", line_report(lines))),
            E::UnknownVariant => AppError::NotFound,
            E::NotAGame => AppError::BadRequest(e.to_string()),
            E::NotEnoughKeys { .. } | E::Db(_) => AppError::internal(e),
        }
    }
}

/// "line 2: blank line; line 5: duplicate of line 1" (the first ten, then how many more).
#[cfg(feature = "ssr")]
pub(crate) fn line_report(problems: &[crate::library::keys::ssr::import::LineProblem]) -> String {
    let mut parts: Vec<String> = problems.iter().take(10).map(ToString::to_string).collect();
    if problems.len() > 10 {
        parts.push(format!("and {} more", problems.len() - 10));
    }
    parts.join("; ")
}
