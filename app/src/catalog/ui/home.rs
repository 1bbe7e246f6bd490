use super::card::ProductGrid;
use crate::catalog::api::get_home;
use crate::catalog::model::{CategoryLink, HomePage as HomeData};
use crate::ui::page::{await_page, PageMeta};
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    await_page(data, |home| view! { <HomeView home/> })
}

#[component]
fn HomeView(home: HomeData) -> impl IntoView {
    view! {
        <PageMeta
            title=String::new()
            description="Digital game keys delivered instantly and certified fine jewelry, shipped insured.".into()
            canonical_path="/".into()
        />
        <section class="hero">
            <h1>"Games and jewelry, done right"</h1>
            <p>"Licence keys delivered the moment you pay. Certified rings, necklaces and earrings, shipped insured."</p>
            <div class="hero-actions">
                <a class="button" href="/c/games">"Shop games"</a>
                <a class="button secondary" href="/c/jewelry">"Shop jewelry"</a>
            </div>
        </section>
        <Department title="Featured games" href="/c/games" links=home.game_categories/>
        <ProductGrid cards=home.games eager_first=2/>
        <Department title="Featured jewelry" href="/c/jewelry" links=home.jewelry_categories/>
        <ProductGrid cards=home.jewelry/>
    }
}

#[component]
fn Department(title: &'static str, href: &'static str, links: Vec<CategoryLink>) -> impl IntoView {
    view! {
        <div class="section-head">
            <h2>{title}</h2>
            <a href=href>"See all"</a>
        </div>
        <ul class="chips" aria-label=format!("{title} categories")>
            {links
                .into_iter()
                .map(|c| view! { <li><a class="chip" href=format!("/c/{}", c.slug)>{c.name}</a></li> })
                .collect_view()}
        </ul>
    }
}
