//! Catalog server functions: read context, call the service, return typed errors. No SQL here.
use crate::catalog::model::{HomePage, Listing, ProductDetail};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use crate::{catalog::query::ListingQuery, catalog::ssr::service};

#[server(prefix = "/api/catalog", endpoint = "home")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/catalog/home", skip_all))]
pub async fn get_home() -> Result<HomePage, AppError> {
    service::home(&crate::platform::platform()?.pool).await
}

/// `params` are the raw query-string pairs; they are parsed and validated here, on the server.
#[server(prefix = "/api/catalog", endpoint = "category", input = Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/catalog/category", skip_all))]
pub async fn get_category_listing(slug: String, params: Vec<(String, String)>) -> Result<Listing, AppError> {
    let q = ListingQuery::parse(&params)?;
    service::category_listing(&crate::platform::platform()?.pool, &slug, q).await
}

#[server(prefix = "/api/catalog", endpoint = "search", input = Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/catalog/search", skip_all))]
pub async fn search_products(params: Vec<(String, String)>) -> Result<Listing, AppError> {
    let q = ListingQuery::parse(&params)?;
    service::search(&crate::platform::platform()?.pool, q).await
}

#[server(prefix = "/api/catalog", endpoint = "product")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/catalog/product", skip_all))]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    service::product(&crate::platform::platform()?.pool, &slug).await
}

/// The stock of each variant of a product, fresh (a drop's page asks every few seconds).
#[server(prefix = "/api/catalog", endpoint = "stock")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/catalog/stock", skip_all))]
pub async fn get_stock_levels(product_id: i64) -> Result<Vec<(i64, i32)>, AppError> {
    crate::ui::page::no_store();
    Ok(crate::catalog::ssr::repo::stock_levels(&crate::platform::platform()?.pool, product_id).await?)
}
