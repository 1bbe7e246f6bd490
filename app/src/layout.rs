//! The frame around every page: skip link, header with departments and search, footer.
use crate::error::AppError;
use crate::site::SITE_NAME;
use crate::ui::page::ErrorPage;
use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="container header-row">
                <a class="logo" href="/" aria-label=format!("{SITE_NAME} home")>
                    <span class="logo-mark" aria-hidden="true">"◆"</span>
                    {SITE_NAME}
                </a>
                <nav class="main-nav" aria-label="Departments">
                    <a href="/c/games">"Games"</a>
                    <a href="/c/jewelry">"Jewelry"</a>
                </nav>
                <form class="search-form" action="/search" method="get" role="search">
                    <label class="visually-hidden" for="site-search">"Search the shop"</label>
                    <input id="site-search" type="search" name="q" placeholder="Search games and jewelry"
                        maxlength="200" autocomplete="off"/>
                    <button type="submit">"Search"</button>
                </form>
                <a class="account-link" href="/account" data-testid="account-link" aria-label="Account">
                    <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
                        <circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2"/>
                        <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" fill="none" stroke="currentColor" stroke-width="2"/>
                    </svg>
                    <span class="account-label">"Account"</span>
                </a>
                <a class="account-link cart-link" href="/cart" data-testid="cart-link" aria-label="Cart">
                    <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
                        <path d="M3 4h2l2.4 11h10.2L20 8H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
                        <circle cx="9" cy="19" r="1.6" fill="currentColor"/>
                        <circle cx="17" cy="19" r="1.6" fill="currentColor"/>
                    </svg>
                    <span class="account-label">"Cart"</span>
                    <crate::cart::ui::CartCount/>
                </a>
            </div>
        </header>
        <main id="main" class="container" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <div class="container">
                <p>{SITE_NAME} " — digital game keys and fine jewelry. Prices include VAT."</p>
                <nav aria-label="Footer">
                    <a href="/c/games">"Games"</a>
                    <a href="/c/jewelry">"Jewelry"</a>
                    <a href="/search">"Search"</a>
                </nav>
            </div>
            // The funnel's visit count: a pixel, so cached pages and pages without script count too.
            <img class="visit-pixel" src=crate::site::VISIT_BEACON alt="" width="1" height="1" decoding="async" aria-hidden="true"/>
        </footer>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
