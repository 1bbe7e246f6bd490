//! The document shell and the router tree.
use crate::accounts::ui::*;
use crate::cart::ui::CartPage;
use crate::admin::{
    audit::AdminAuditPage, categories::AdminCategoriesPage, discounts::{AdminDiscountPage, AdminDiscountsPage}, customers::{AdminCustomerPage, AdminCustomersPage}, keys::AdminKeysPage, orders::{AdminOrderPage, AdminOrdersPage, PackingSlipPage}, overview::AdminPage, product::AdminProductPage,
    products::AdminProductsPage, AdminShell,
};
use crate::checkout::ui::{CheckoutPage, OrderPage, PayPage};
use crate::dev::MailboxPage;
use crate::orders::ui::MyOrders;
use crate::catalog::ui::{CategoryPage, HomePage, ProductPage, SearchPage};
use crate::layout::{Layout, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, MetaTags};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, ParamSegment, SsrMode, StaticSegment,
};


pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d1b3a"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    crate::ui::security::set_csp_header();

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("c"), ParamSegment("slug")) view=CategoryPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("p"), ParamSegment("slug")) view=ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=|| view! { <AccountPage sections=|| view! { <MyOrders/> }/> } ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-in/code") view=SignInCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/new-password") view=NewPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sign-up") view=SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/confirm") view=ConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view=ChangePasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor") view=TwoFactorPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/admin") view=AdminShell ssr=SsrMode::Async>
                        <Route path=path!("") view=AdminPage ssr=SsrMode::Async/>
                        <Route path=path!("orders") view=AdminOrdersPage ssr=SsrMode::Async/>
                        <Route path=path!("orders/:id") view=AdminOrderPage ssr=SsrMode::Async/>
                        <Route path=path!("orders/:id/slip") view=PackingSlipPage ssr=SsrMode::Async/>
                        <Route path=path!("keys") view=AdminKeysPage ssr=SsrMode::Async/>
                        <Route path=path!("products") view=AdminProductsPage ssr=SsrMode::Async/>
                        <Route path=path!("products/:id") view=AdminProductPage ssr=SsrMode::Async/>
                        <Route path=path!("categories") view=AdminCategoriesPage ssr=SsrMode::Async/>
                        <Route path=path!("discounts") view=AdminDiscountsPage ssr=SsrMode::Async/>
                        <Route path=path!("discounts/:code") view=AdminDiscountPage ssr=SsrMode::Async/>
                        <Route path=path!("audit") view=AdminAuditPage ssr=SsrMode::Async/>
                        <Route path=path!("customers") view=AdminCustomersPage ssr=SsrMode::Async/>
                        <Route path=path!("customers/:id") view=AdminCustomerPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("/account/library") view=crate::library::keys::ui::LibraryPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/pay/:id") view=PayPage ssr=SsrMode::Async/>
                    <Route path=path!("/order/:id") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/dev/mailbox") view=MailboxPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
