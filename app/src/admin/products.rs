//! Staff product list: search, department/category/status/low-stock filters and pages. A plain GET
//! form, so it works without JavaScript and every filtered view has its own address.
use crate::catalog::edit::{CategoryOption, StaffFilter, StaffProductList, STAFF_PER_PAGE};
use crate::error::AppError;
use crate::ui::page::{query_pairs, FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProducts {
    pub staff: super::Staff,
    pub filter: StaffFilter,
    pub list: StaffProductList,
    pub categories: Vec<CategoryOption>,
    pub notice: Option<String>,
}

/// Staff: one page of products matching the filters in `query` (the page's query string).
#[server(prefix = "/api/admin", endpoint = "products")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/products", skip_all))]
pub async fn get_admin_products(query: Vec<(String, String)>) -> Result<AdminProducts, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let filter = StaffFilter::from_pairs(&query);
    let (list, categories) = tokio::try_join!(
        crate::catalog::ssr::staff::list(ctx.pool(), &filter),
        crate::catalog::ssr::staff::categories(ctx.pool()),
    )?;
    Ok(AdminProducts { staff, filter, list, categories, notice: ctx.take_notice().await? })
}

fn selected(a: &str, b: &str) -> bool {
    a == b
}

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let pairs = query_pairs();
    private_page(move || get_admin_products(pairs.clone()), |page: AdminProducts| {
        let f = page.filter.clone();
        let pages = (page.list.total.max(0) as u32).div_ceil(STAFF_PER_PAGE).max(1);
        let current = f.page.min(pages);
        view! {
            <PageMeta title="Products · Admin".into() description="Products".into() canonical_path="/admin/products".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-products-title">
                <div class="admin-head">
                    <h1 id="admin-products-title">"Products"</h1>
                    <a class="button primary" href="/admin/products/new" data-testid="new-product">"New product"</a>
                </div>
                <FormOutcome notice=page.notice error=None/>
                <form method="get" action="/admin/products" class="admin-filters" role="search" aria-label="Filter products">
                    <div class="field">
                        <label for="pf-q">"Search"</label>
                        <input id="pf-q" type="search" name="q" value=f.q.clone() placeholder="Name, address or SKU" maxlength=100/>
                    </div>
                    <div class="field">
                        <label for="pf-dept">"Department"</label>
                        <select id="pf-dept" name="department">
                            <option value="" selected=f.department.is_empty()>"All"</option>
                            <option value="games" selected=selected(&f.department, "games")>"Games"</option>
                            <option value="jewelry" selected=selected(&f.department, "jewelry")>"Jewelry"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="pf-cat">"Category"</label>
                        <select id="pf-cat" name="category">
                            <option value="" selected=f.category.is_empty()>"All"</option>
                            {page.categories.iter().map(|c| {
                                let id = c.id.to_string();
                                let sel = f.category == id;
                                view! { <option value=id selected=sel>{c.path.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="pf-status">"Status"</label>
                        <select id="pf-status" name="status">
                            <option value="" selected=f.status.is_empty()>"Any"</option>
                            <option value="draft" selected=selected(&f.status, "draft")>"Draft"</option>
                            <option value="active" selected=selected(&f.status, "active")>"Active"</option>
                            <option value="archived" selected=selected(&f.status, "archived")>"Archived"</option>
                        </select>
                    </div>
                    <label class="check">
                        <input type="checkbox" name="low_stock" value="1" checked=f.low_stock/>
                        " Low stock only"
                    </label>
                    <div class="filter-actions">
                        <button type="submit" class="button">"Filter"</button>
                        <a href="/admin/products">"Clear"</a>
                    </div>
                </form>
                <p class="result-count" data-testid="product-count">
                    {page.list.total} {if page.list.total == 1 { " product" } else { " products" }}
                </p>
                <table class="order-table staff-products" data-testid="staff-products">
                    <thead><tr>
                        <th scope="col">"Product"</th><th scope="col">"Status"</th><th scope="col">"Category"</th>
                        <th scope="col">"Variants"</th><th scope="col">"Price"</th><th scope="col">"Stock"</th>
                    </tr></thead>
                    <tbody>
                        {page.list.rows.into_iter().map(|r| {
                            let price = match (r.price_min, r.price_max) {
                                (Some(a), Some(b)) if a != b => format!("{} – {}", a.display(), b.display()),
                                (Some(a), _) => a.display(),
                                _ => "—".into(),
                            };
                            let slug = r.slug.clone();
                            view! {
                                <tr data-testid="staff-product" data-slug=slug>
                                    <td><a href=format!("/admin/products/{}", r.id)><strong>{r.name}</strong></a>
                                        <span class="cart-variant">{r.department.label()} " · " {r.slug} " · changed " {r.updated}</span></td>
                                    <td><super::StatusBadge status=r.status/></td>
                                    <td>{r.category}</td>
                                    <td>{r.variants}</td>
                                    <td>{price}</td>
                                    <td>{r.stock}
                                        {(r.low_stock > 0).then(|| view! {
                                            <span class="low-badge" data-testid="low-stock">{r.low_stock} " low"</span>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {(pages > 1).then(|| view! {
                    <nav class="pagination" aria-label="Pages">
                        {(current > 1).then(|| view! { <a href=f.href(current - 1) rel="prev">"← Previous"</a> })}
                        <span>"Page " {current} " of " {pages}</span>
                        {(current < pages).then(|| view! { <a href=f.href(current + 1) rel="next">"Next →"</a> })}
                    </nav>
                })}
            </section>
        }
    })
}
