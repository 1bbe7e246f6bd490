//! The cart page and the add-to-cart form.
use crate::cart::api::{get_cart, RemoveFromCart, SetCartQuantity};
use crate::cart::model::CartView;
use crate::ui::page::{FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn CartPage() -> impl IntoView {
    private_page(get_cart, |cart: CartView| {
        view! {
            <PageMeta title="Your cart".into() description="Your shopping cart".into() canonical_path="/cart".into()/>
            <section class="cart-page" aria-labelledby="cart-title">
                <h1 id="cart-title">"Your cart"</h1>
                <FormOutcome notice=cart.notice error=cart.error/>
                {if cart.lines.is_empty() {
                    view! {
                        <p data-testid="cart-empty">"Your cart is empty. "
                            <a href="/c/games">"Browse games"</a> " or " <a href="/c/jewelry">"jewelry"</a> "."</p>
                    }.into_any()
                } else {
                    view! {
                        <ul class="cart-lines" data-testid="cart-lines">
                            {cart.lines.into_iter().map(|l| view! {
                                <li class="cart-line" data-testid="cart-line">
                                    <div class="cart-line-info">
                                        <a href=format!("/p/{}", l.product_slug)><strong>{l.product_name.clone()}</strong></a>
                                        <span class="cart-variant">{l.variant_label.clone()}</span>
                                        <span class="cart-unit">{l.unit_price.display()} " each"</span>
                                    </div>
                                    <form method="post" action=SetCartQuantity::PATH class="cart-qty">
                                        <input type="hidden" name="variant_id" value=l.variant_id.to_string()/>
                                        <label for=format!("qty-{}", l.variant_id)>"Quantity"</label>
                                        <input id=format!("qty-{}", l.variant_id) type="number" name="quantity" min="1"
                                            max=l.max_quantity.to_string() value=l.quantity.to_string() required=true/>
                                        <button type="submit" class="button secondary-outline">"Update"</button>
                                    </form>
                                    <form method="post" action=RemoveFromCart::PATH>
                                        <input type="hidden" name="variant_id" value=l.variant_id.to_string()/>
                                        <button type="submit" class="link-button"
                                            aria-label=format!("Remove {}", l.product_name)>"Remove"</button>
                                    </form>
                                    <p class="cart-line-total" data-testid="line-total">{l.line_total.display()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                        <div class="cart-summary">
                            <p>"Subtotal: " <strong data-testid="cart-subtotal">{cart.subtotal.map(|s| s.display())}</strong></p>
                            <p class="field-hint">"Shipping, discounts and VAT are worked out at checkout."</p>
                            <a class="button primary" href="/checkout" data-testid="to-checkout">"Checkout"</a>
                        </div>
                    }.into_any()
                }}
            </section>
        }
    })
}

/// Tells the header's count that the cart changed (the islands share no state, only the window).
pub fn announce_cart_changed() {
    if let Some(window) = web_sys::window()
        && let Ok(event) = web_sys::Event::new(CART_CHANGED)
    {
        let _ = window.dispatch_event(&event);
    }
}

pub const CART_CHANGED: &str = "cart-changed";

/// The header's item count. It is read in the browser (pages stay the same for everyone, so they
/// can be cached), and again whenever an island announces a change.
#[island]
pub fn CartCount() -> impl IntoView {
    let count = RwSignal::new(0i64);
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(n) = crate::cart::api::get_cart_count().await {
                count.set(n);
            }
        })
    };
    Effect::new(move |_| refresh());
    let handle = window_event_listener_untyped(CART_CHANGED, move |_| refresh());
    on_cleanup(move || handle.remove());
    view! {
        <span class="cart-count" data-testid="cart-count" aria-live="polite" hidden=move || count.get() == 0>
            {move || count.get()}<span class="visually-hidden">" items"</span>
        </span>
    }
}
