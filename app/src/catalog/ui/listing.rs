//! Category listings and search results: one view, a GET form of facets, numbered pagination.
use super::card::ProductGrid;
use crate::catalog::api::{get_category_listing, search_products};
use crate::catalog::model::{Facet, Listing};
use crate::catalog::query::Sort;
use crate::ui::page::{await_page, query_pairs, PageMeta};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    let pairs = query_pairs();
    let data = Resource::new(|| (), move |_| get_category_listing(slug.clone(), pairs.clone()));
    await_page(data, |listing| view! { <ListingView listing searching=false/> })
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let pairs = query_pairs();
    let data = Resource::new(|| (), move |_| search_products(pairs.clone()));
    await_page(data, |listing| view! { <ListingView listing searching=true/> })
}

#[component]
fn ListingView(listing: Listing, searching: bool) -> impl IntoView {
    let q = listing.query.clone();
    // Filtered and paged variants point their canonical URL at the plain listing (page 2+ keep the page).
    let canonical = if q.page > 1 {
        format!("{}{}", listing.path, listing.query.cleared().with_page(q.page).to_query_string())
    } else {
        format!("{}{}", listing.path, if searching { listing.query.cleared().to_query_string() } else { String::new() })
    };
    let page_title = if q.page > 1 { format!("{} – page {}", listing.title, q.page) } else { listing.title.clone() };
    let description = if listing.description.is_empty() {
        format!("{} — {} products.", listing.title, listing.total)
    } else {
        listing.description.clone()
    };
    let pages = listing.page_count();
    let count_text = match listing.total {
        0 => "No products match".to_owned(),
        1 => "1 product".to_owned(),
        n if listing.more => format!("Best {n} of many matches: add a word or a filter to narrow them"),
        n => format!("{n} products"),
    };
    let shown_from = (q.page - 1) * listing.per_page + 1;
    let shown_to = (shown_from - 1 + listing.products.len() as u32).max(shown_from);
    let range_text = if listing.products.is_empty() {
        String::new()
    } else {
        format!(" · showing {shown_from}–{shown_to}")
    };
    let out_of_range = listing.products.is_empty() && listing.total > 0;
    view! {
        <PageMeta title=page_title description canonical_path=canonical/>
        {(!listing.breadcrumb.is_empty()).then(|| view! {
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    {listing.breadcrumb.iter().map(|c| view! {
                        <li><a href=format!("/c/{}", c.slug)>{c.name.clone()}</a></li>
                    }).collect_view()}
                    <li aria-current="page">{listing.title.clone()}</li>
                </ol>
            </nav>
        })}
        <h1>{listing.title.clone()}</h1>
        {(!searching && !listing.description.is_empty()).then(|| view! { <p class="lead">{listing.description.clone()}</p> })}
        {(!listing.subcategories.is_empty()).then(|| view! {
            <ul class="chips" aria-label="Categories">
                {listing.subcategories.iter().map(|c| view! {
                    <li><a class="chip" href=format!("/c/{}", c.slug)>{c.name.clone()}</a></li>
                }).collect_view()}
            </ul>
        })}
        <div class="listing">
            <FilterForm listing=listing.clone() searching/>
            <section class="results" aria-labelledby="result-count">
                <h2 id="result-count" class="result-count" data-testid="result-count">
                    {count_text}{range_text}
                </h2>
                {out_of_range.then(|| view! {
                    <p class="notice">
                        "There is no page " {q.page} " here. "
                        <a href=format!("{}{}", listing.path, q.with_page(1).to_query_string())>"Go to the first page"</a>
                    </p>
                })}
                {(listing.total == 0).then(|| view! {
                    <div class="notice">
                        <p>"Nothing matches these choices."</p>
                        {q.has_filters().then(|| view! {
                            <p><a href=format!("{}{}", listing.path, q.cleared().to_query_string())>"Clear all filters"</a></p>
                        })}
                    </div>
                })}
                <ProductGrid cards=listing.products.clone() eager_first=2/>
                <Pagination listing=listing.clone() pages/>
            </section>
        </div>
    }
}

/// Facets and sort as a plain GET form: works without JavaScript; the island submits it on change.
#[component]
fn FilterForm(listing: Listing, searching: bool) -> impl IntoView {
    let q = listing.query.clone();
    let clear_href = format!("{}{}", listing.path, q.cleared().to_query_string());
    let active = q.active_filter_count();
    view! {
        <AutoSubmit>
            <form class="filters" method="get" action=listing.path.clone() aria-label="Filter and sort" data-testid="filters">
                // Collapsed on phones so results come first; always open from tablet width (CSS).
                <details class="filter-panel" open={active > 0}>
                <summary>
                    "Filter and sort"
                    {(active > 0).then(|| view! { <span class="active-count">{format!(" ({active} active)")}</span> })}
                </summary>
                <div class="filter-body">
                {if searching {
                    view! {
                        <div class="field">
                            <label for="q">"Search"</label>
                            <input id="q" type="search" name="q" maxlength="200" value=q.q.clone().unwrap_or_default()/>
                        </div>
                    }.into_any()
                } else {
                    ().into_any()
                }}
                <div class="field">
                    <label for="sort">"Sort by"</label>
                    <select id="sort" name="sort">
                        {Sort::ALL.iter().map(|s| {
                            view! {
                                <option value=s.as_str() selected=*s == q.sort>{s.label(searching)}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                {listing.facets.iter().cloned().map(|facet| view! { <FacetGroup facet/> }).collect_view()}
                <div class="filter-actions">
                    <button type="submit" class="button">"Apply"</button>
                    {q.has_filters().then(|| view! { <a href=clear_href.clone()>"Clear filters"</a> })}
                </div>
                </div>
                </details>
            </form>
        </AutoSubmit>
    }
}

#[component]
fn FacetGroup(facet: Facet) -> impl IntoView {
    let key = facet.key.clone();
    view! {
        <fieldset class="facet" data-facet=key.clone()>
            <legend>{facet.label.clone()}</legend>
            {facet.values.into_iter().map(|v| {
                let id = format!("f-{}-{}", key, v.value.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
                view! {
                    <div class="facet-value">
                        <input type="checkbox" id=id.clone() name=key.clone() value=v.value.clone() checked=v.selected/>
                        <label for=id>
                            {v.label.clone()}
                            <span class="count" aria-label=format!("{} products", v.count)>{v.count}</span>
                        </label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn Pagination(listing: Listing, pages: u32) -> impl IntoView {
    let current = listing.query.page;
    if pages <= 1 {
        return ().into_any();
    }
    let href = move |p: u32| format!("{}{}", listing.path, listing.query.with_page(p).to_query_string());
    // First, last, and two either side of the current page.
    let mut shown: Vec<u32> = (1..=pages)
        .filter(|p| *p == 1 || *p == pages || p.abs_diff(current) <= 2)
        .collect();
    shown.dedup();
    let mut items = Vec::new();
    let mut last = 0;
    for p in shown {
        if p > last + 1 {
            items.push(view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any());
        }
        let link = if p == current {
            view! { <li><a href=href(p) aria-current="page" class="current">{p}</a></li> }.into_any()
        } else {
            view! { <li><a href=href(p) aria-label=format!("Page {p}")>{p}</a></li> }.into_any()
        };
        items.push(link);
        last = p;
    }
    view! {
        <nav class="pagination" aria-label="Pagination">
            {(current > 1 && current <= pages).then(|| view! { <a rel="prev" href=href(current - 1)>"← Previous"</a> })}
            <ol>{items}</ol>
            {(current < pages).then(|| view! { <a rel="next" href=href(current + 1)>"Next →"</a> })}
        </nav>
    }
    .into_any()
}

/// Submits the filter form as soon as a checkbox or the sort order changes (JavaScript on).
#[island]
pub fn AutoSubmit(children: Children) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let on_change = move |ev: leptos::ev::Event| {
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
        // The search box submits on Enter, like any form; only choices submit on change.
        let is_choice = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.type_() == "checkbox")
            .unwrap_or(true);
        if let (Some(form), true) = (form, is_choice) {
            let _ = form.request_submit();
        }
    };
    let hydrated = crate::ui::hydrated_marker();
    view! { <div class="auto-submit" on:change=on_change data-hydrated=hydrated>{children()}</div> }
}
