//! The staff dashboard (`/admin`). Admins see the sales analytics for a range of days in the
//! shop's time zone against the period before: revenue and refunds per day, orders, average order,
//! top products, keys per pool and the visitor funnel, each chart with its figures in a table and
//! as CSV (`/admin/analytics.csv`, the same figures). Support see their desk.
use crate::analytics::{change, Report};
use crate::error::AppError;
use crate::types::Money;
use crate::ui::page::{PageMeta, private_page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;

/// Key pools listed on the page (the emptiest first; the CSV has every pool).
const POOLS_SHOWN: usize = 20;

/// Where the dashboard's figures are served as CSV (`?from&to&table=days|products|pools|funnel`).
pub const ANALYTICS_CSV_ROUTE: &str = "/admin/analytics.csv";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub staff: super::Staff,
    /// The range as typed (shown back in the form).
    pub from: String,
    pub to: String,
    /// Admins only.
    pub report: Option<Report>,
    /// Why the range was refused (the default range is shown instead).
    pub error: Option<String>,
    pub customers: i64,
    pub products: i64,
    /// Low stock and failed jobs (every staff member sees them).
    pub alerts: crate::analytics::Alerts,
}

/// The dashboard for the days `from`..=`to` (`YYYY-MM-DD`; empty: the last 30 days). Any staff;
/// the analytics for admins.
#[server(prefix = "/api/admin", endpoint = "overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/overview", skip_all))]
pub async fn get_admin_overview(#[server(default)] from: String, #[server(default)] to: String) -> Result<Overview, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::support_actor(&ctx).await?;
    let (customers, products) = crate::accounts::ssr::users::counts(ctx.pool()).await?;
    let alerts = {
        let mut conn = ctx.pool().acquire().await?;
        crate::analytics::ssr::alerts::current(&mut conn).await?
    };
    let mut error = None;
    let report = if staff.role >= crate::accounts::model::Role::Admin {
        let zone = &ctx.platform().time_zone;
        let today = crate::analytics::ssr::today(ctx.pool(), zone).await?;
        let range = crate::analytics::Range::parse(&from, &to, today).or_else(|e| {
            error = Some(e);
            crate::analytics::Range::parse("", "", today)
        }).map_err(AppError::BadRequest)?;
        Some(crate::analytics::ssr::report(ctx.pool(), zone, range).await?)
    } else {
        None
    };
    Ok(Overview { staff, from, to, report, error, customers, products, alerts })
}

fn euros(minor: i64) -> String {
    Money::eur(minor).display()
}

/// The CSV link of one table for the report's range.
fn csv_href(r: &Report, table: &str) -> String {
    format!("{ANALYTICS_CSV_ROUTE}?from={}&to={}&table={table}", r.range.from, r.range.to)
}

#[component]
fn Figure(label: &'static str, now: String, before: String, change: String, id: &'static str) -> impl IntoView {
    view! {
        <div class="kpi" data-testid=id>
            <p class="kpi-label">{label}</p>
            <p class="kpi-value" data-testid=format!("{id}-value")>{now}</p>
            <p class="kpi-before">{change} " · before: " {before}</p>
        </div>
    }
}

/// The alert cards: low stock and failed jobs (nothing when all is well).
fn alert_cards(a: &crate::analytics::Alerts, admin: bool) -> impl IntoView + use<> {
    let low = a.low_stock.clone();
    let count = a.low_stock_count;
    let dead = a.dead_jobs;
    (!low.is_empty() || dead > 0).then(|| view! {
        <div class="alert-cards" data-testid="alerts">
            {(!low.is_empty()).then(|| view! {
                <section class="alert-card" aria-labelledby="low-stock-title" data-testid="alert-low-stock">
                    <h2 id="low-stock-title">"Low stock: " {count}</h2>
                    {(count > low.len() as i64).then(|| view! { <p class="field-hint">"The " {low.len()} " emptiest:"</p> })}
                    <ul>
                        {low.into_iter().map(|s| {
                            let what = if s.keyed { "keys left" } else { "in stock" };
                            let text = format!("{}: {} {what} (threshold {})", s.name, s.stock, s.threshold);
                            view! { <li>{if admin {
                                view! { <a href=format!("/admin/products/{}", s.product_id)>{text}</a> }.into_any()
                            } else {
                                view! { <span>{text}</span> }.into_any()
                            }}</li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(dead > 0).then(|| view! {
                <section class="alert-card" aria-labelledby="dead-jobs-title" data-testid="alert-dead-jobs">
                    <h2 id="dead-jobs-title">"Failed jobs: " {dead}</h2>
                    <p>"Background work (e-mails, refunds, keys) that failed for good; each order's timeline says which."</p>
                </section>
            })}
        </div>
    })
}

/// The admins' analytics.
fn analytics(r: Report) -> impl IntoView {
    let t = r.totals.clone();
    let b = r.before.clone();
    let labels: Vec<String> = r.days.iter().map(|d| d.day.format("%b %-d").to_string()).collect();
    let revenue: Vec<i64> = r.days.iter().map(|d| d.revenue.minor).collect();
    let refunds: Vec<i64> = r.days.iter().map(|d| d.refunded.minor).collect();
    let orders: Vec<i64> = r.days.iter().map(|d| d.orders).collect();
    let span = format!("{} to {}", r.range.from, r.range.to);
    let f = r.funnel.clone();
    let fb = r.funnel_before.clone();
    let stages = vec![
        ("Visitors".to_owned(), f.visitors),
        ("Added to cart".to_owned(), f.carts),
        ("Checkouts".to_owned(), f.checkouts),
        ("Paid".to_owned(), f.paid),
    ];
    let product_table = |rows: Vec<crate::analytics::ProductFigures>, id: &'static str, caption: &'static str| {
        view! {
            <table class="order-table" data-testid=id>
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Product"</th><th scope="col">"Units"</th><th scope="col">"Revenue"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|p| view! {
                        <tr><td><a href=format!("/admin/products/{}", p.product_id)>{p.name}</a></td><td>{p.units}</td><td>{p.revenue.display()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <div class="kpis" data-testid="kpis">
            <Figure label="Revenue" id="kpi-revenue" now=t.revenue.display() before=b.revenue.display() change=change(t.revenue.minor, b.revenue.minor)/>
            <Figure label="Refunds" id="kpi-refunds" now=t.refunded.display() before=b.refunded.display() change=change(t.refunded.minor, b.refunded.minor)/>
            <Figure label="Net" id="kpi-net" now=t.net.display() before=b.net.display() change=change(t.net.minor, b.net.minor)/>
            <Figure label="Orders" id="kpi-orders" now=t.orders.to_string() before=b.orders.to_string() change=change(t.orders, b.orders)/>
            <Figure label="Average order" id="kpi-aov" now=t.average_order.display() before=b.average_order.display() change=change(t.average_order.minor, b.average_order.minor)/>
        </div>
        <p class="field-hint">"Days in " {r.time_zone.clone()} ". Revenue counts an order on the day it was paid; a refund on the day it was made. "
            "Compared with the " {r.range.days()} " days before."</p>

        <section aria-labelledby="revenue-title">
            <h2 id="revenue-title">"Revenue and refunds per day"</h2>
            <super::charts::DayBars id="chart-revenue".into() title=format!("Revenue and refunds per day, {span}")
                desc=format!("Revenue {} in {} orders; refunds {}. Bars above the line are revenue, below it refunds.", t.revenue.display(), t.orders, t.refunded.display())
                labels=labels.clone() up=revenue down=refunds value=euros/>
            <super::charts::DayBars id="chart-orders".into() title=format!("Paid orders per day, {span}")
                desc=format!("{} paid orders, {} checkouts started.", t.orders, f.checkouts) labels=labels up=orders value=|n| n.to_string()/>
            <details>
                <summary>"Figures per day"</summary>
                <table class="order-table scroll-x" data-testid="days-table">
                    <thead><tr><th scope="col">"Day"</th><th scope="col">"Orders"</th><th scope="col">"Revenue"</th>
                        <th scope="col">"Refunds"</th><th scope="col">"Refunded"</th><th scope="col">"Units"</th></tr></thead>
                    <tbody>
                        {r.days.iter().map(|d| view! {
                            <tr><td>{d.day.to_string()}</td><td>{d.orders}</td><td>{d.revenue.display()}</td><td>{d.refunds}</td>
                                <td>{d.refunded.display()}</td><td>{d.units}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
            <p><a href=csv_href(&r, "days") data-testid="csv-days">"Figures per day (CSV)"</a></p>
        </section>

        <section aria-labelledby="products-title">
            <h2 id="products-title">"Top products"</h2>
            <div class="two-tables">
                {product_table(r.top_by_units.clone(), "top-units", "By units")}
                {product_table(r.top_by_revenue.clone(), "top-revenue", "By revenue")}
            </div>
            <p><a href=csv_href(&r, "products")>"Top products (CSV)"</a></p>
        </section>

        <section aria-labelledby="keys-title">
            <h2 id="keys-title">"Game keys per pool"</h2>
            <table class="order-table" data-testid="pools">
                <thead><tr><th scope="col">"Pool"</th><th scope="col">"Sold in the range"</th><th scope="col">"Left now"</th></tr></thead>
                <tbody>
                    {r.pools.iter().take(POOLS_SHOWN).map(|p| view! {
                        <tr><td>{p.name.clone()}</td><td>{p.sold}</td><td>{p.left}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(r.pools.len() > POOLS_SHOWN).then(|| view! {
                <p class="field-hint">"The " {POOLS_SHOWN} " pools with the fewest keys left, of " {r.pools.len()} "; the CSV has them all."</p>
            })}
            <p><a href=csv_href(&r, "pools")>"Keys per pool (CSV)"</a></p>
        </section>

        <section aria-labelledby="funnel-title">
            <h2 id="funnel-title">"Funnel"</h2>
            <super::charts::StageBars id="chart-funnel".into() title=format!("Funnel, {span}")
                desc=format!("{} visitors, {} added to the cart, {} checkouts, {} paid.", f.visitors, f.carts, f.checkouts, f.paid) stages=stages/>
            <table class="order-table" data-testid="funnel">
                <thead><tr><th scope="col">"Stage"</th><th scope="col">"In the range"</th><th scope="col">"Before"</th></tr></thead>
                <tbody>
                    <tr><td>"Visitors"</td><td>{f.visitors}</td><td>{fb.visitors}</td></tr>
                    <tr><td>"Added to cart"</td><td>{f.carts}</td><td>{fb.carts}</td></tr>
                    <tr><td>"Checkouts started"</td><td>{f.checkouts}</td><td>{fb.checkouts}</td></tr>
                    <tr><td>"Paid"</td><td>{f.paid}</td><td>{fb.paid}</td></tr>
                </tbody>
            </table>
            <p class="field-hint">"Visitors are counted without cookies: a day's visitor is a hash of their address and browser under "
                "a salt of the day that is deleted after two days; a visitor on two days counts twice."</p>
            <p><a href=csv_href(&r, "funnel")>"Funnel (CSV)"</a></p>
        </section>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let args = move || query.with_untracked(|q| (q.get("from").unwrap_or_default(), q.get("to").unwrap_or_default()));
    private_page(move || { let (from, to) = args(); get_admin_overview(from, to) }, |o: Overview| {
        let email = o.staff.email.clone();
        let (from, to) = match &o.report {
            Some(r) => (r.range.from.to_string(), r.range.to.to_string()),
            None => (o.from.clone(), o.to.clone()),
        };
        view! {
            <PageMeta title="Admin".into() description="Shop administration".into() canonical_path="/admin".into()/>
            <super::AdminNav staff=o.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-title">
                <h1 id="admin-title">"Staff dashboard"</h1>
                <p>"Signed in as " <strong data-testid="admin-email">{email}</strong> "."</p>
                {o.error.clone().map(|e| view! { <div class="form-error" role="alert" data-testid="form-error"><p>{e}</p></div> })}
                {alert_cards(&o.alerts, o.staff.role >= crate::accounts::model::Role::Admin)}
                {match o.report {
                    Some(r) => view! {
                        <form method="get" action="/admin" class="filters" data-testid="range">
                            <label for="range-from">"From"</label>
                            <input id="range-from" name="from" type="date" value=from/>
                            <label for="range-to">"To"</label>
                            <input id="range-to" name="to" type="date" value=to/>
                            <button type="submit" class="button secondary-outline">"Show"</button>
                        </form>
                        {analytics(r)}
                    }.into_any(),
                    None => view! {
                        <dl class="account-facts">
                            <dt>"Customers"</dt><dd data-testid="admin-users">{o.customers}</dd>
                            <dt>"Products"</dt><dd data-testid="admin-products">{o.products}</dd>
                        </dl>
                        <p><a href="/admin/orders">"Go to the orders"</a></p>
                    }.into_any(),
                }}
            </section>
        }
    })
}

/// `GET /admin/analytics.csv?from&to&table=…`: one of the dashboard's tables for the range, the
/// figures the page shows (amounts as decimals). Admins only.
#[cfg(feature = "ssr")]
pub async fn analytics_csv(
    axum::extract::State(st): axum::extract::State<super::export::ExportState>,
    parts: axum::http::request::Parts,
) -> axum::response::Response {
    let pairs: std::collections::HashMap<String, String> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let get = |k: &str| pairs.get(k).cloned().unwrap_or_default();
    let report = async {
        st.require(&parts, crate::accounts::model::Role::Admin).await?;
        let today = crate::analytics::ssr::today(&st.pool, &st.time_zone).await?;
        let range = crate::analytics::Range::parse(&get("from"), &get("to"), today).map_err(AppError::BadRequest)?;
        Ok::<_, AppError>(crate::analytics::ssr::report(&st.pool, &st.time_zone, range).await?)
    }
    .await;
    let r = match report {
        Ok(r) => r,
        Err(e) => return super::export::refusal(e),
    };
    let dec = |m: Money| super::orders::decimal(m.minor);
    let (header, rows): (&'static [&'static str], Vec<Vec<String>>) = match get("table").as_str() {
        "days" => (
            &["day", "orders", "revenue", "refunds", "refunded", "units", "checkouts"],
            r.days.iter().map(|d| vec![d.day.to_string(), d.orders.to_string(), dec(d.revenue), d.refunds.to_string(), dec(d.refunded), d.units.to_string(), d.checkouts.to_string()]).collect(),
        ),
        "products" => (
            &["ranking", "rank", "product_id", "product", "units", "revenue"],
            [("units", &r.top_by_units), ("revenue", &r.top_by_revenue)]
                .into_iter()
                .flat_map(|(by, list)| list.iter().enumerate().map(move |(i, p)| vec![by.to_owned(), (i + 1).to_string(), p.product_id.to_string(), p.name.clone(), p.units.to_string(), dec(p.revenue)]))
                .collect(),
        ),
        "pools" => (&["variant_id", "pool", "sold", "left"], r.pools.iter().map(|p| vec![p.variant_id.to_string(), p.name.clone(), p.sold.to_string(), p.left.to_string()]).collect()),
        "funnel" => (
            &["stage", "in_range", "before"],
            vec![
                vec!["visitors".into(), r.funnel.visitors.to_string(), r.funnel_before.visitors.to_string()],
                vec!["added_to_cart".into(), r.funnel.carts.to_string(), r.funnel_before.carts.to_string()],
                vec!["checkouts".into(), r.funnel.checkouts.to_string(), r.funnel_before.checkouts.to_string()],
                vec!["paid".into(), r.funnel.paid.to_string(), r.funnel_before.paid.to_string()],
            ],
        ),
        _ => return super::export::refusal(AppError::BadRequest("Choose a table: days, products, pools or funnel.".into())),
    };
    let name = format!("{}-{}-{}.csv", get("table"), r.range.from, r.range.to);
    crate::platform::csv_export::download(&name, header, move |mut sink| async move {
        for row in rows {
            if !sink.push(row).await {
                break;
            }
        }
        Ok(sink)
    })
}
