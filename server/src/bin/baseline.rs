//! Benchmark baseline: the category listing page written by hand on plain axum. It runs the same
//! catalog service (same SQL) and prints the same product data as the real page, with no framework
//! rendering, so `bench/listing.sh` can show what the Leptos page costs on top.
use app::catalog::{query::ListingQuery, ssr::service};
use axum::{
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use sqlx::PgPool;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn listing(State(pool): State<PgPool>, Path(slug): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let q = match ListingQuery::parse(&pairs) {
        Ok(q) => q,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let listing = match service::category_listing(&pool, &slug, q).await {
        Ok(l) => l,
        Err(e) => return (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response(),
    };
    let mut html = String::with_capacity(16 * 1024);
    html.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html.push_str(&esc(&listing.title));
    html.push_str("</title></head><body><h1>");
    html.push_str(&esc(&listing.title));
    html.push_str("</h1><form>");
    for facet in &listing.facets {
        html.push_str(&format!("<fieldset><legend>{}</legend>", esc(&facet.label)));
        for v in &facet.values {
            html.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"{}\" value=\"{}\"{}>{} <span>{}</span></label>",
                esc(&facet.key),
                esc(&v.value),
                if v.selected { " checked" } else { "" },
                esc(&v.label),
                v.count
            ));
        }
        html.push_str("</fieldset>");
    }
    html.push_str(&format!("</form><p>{} products</p><ul>", listing.total));
    for card in &listing.products {
        let img = card
            .image
            .as_ref()
            .map(|i| {
                format!(
                    "<img src=\"{}\" srcset=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
                    i.src_at_least(800),
                    i.srcset(),
                    i.width,
                    i.height,
                    esc(&i.alt)
                )
            })
            .unwrap_or_default();
        html.push_str(&format!(
            "<li><a href=\"/p/{}\">{img}<h3>{}</h3><p>{}</p><p>{}</p></a></li>",
            esc(&card.slug),
            esc(&card.name),
            card.price_from.display(),
            if card.in_stock { "In stock" } else { "Sold out" }
        ));
    }
    html.push_str("</ul></body></html>");
    Html(html).into_response()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
    let addr = std::env::var("BASELINE_LISTEN").unwrap_or_else(|_| "127.0.0.1:3900".into());
    let max: u32 = std::env::var("BASELINE_DB_CONNECTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(max).connect(&url).await?;
    let app = Router::new().route("/c/{slug}", get(listing)).with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("baseline listening on http://{addr}");
    axum::serve(listener, app).await?;
    Ok(())
}
