//! Checkout, the built-in gateway's pay page (also the review step: every amount from the server)
//! and the order confirmation. Plain forms: they work with JavaScript off and on.
use crate::accounts::ui::forms::Field;
use crate::checkout::api::{get_checkout_page, get_order, get_pay_page, PayWithCard, PlaceOrder, RequestRefund};
use crate::checkout::model::CheckoutPage;
use crate::orders::model::{OrderStatus, OrderView};
use crate::ui::page::{PageMeta, await_page, no_store, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    private_page(get_checkout_page, |page: CheckoutPage| {
        if page.cart.lines.is_empty() {
            return view! {
                <PageMeta title="Checkout".into() description="Checkout".into() canonical_path="/checkout".into()/>
                <section class="cart-page"><h1>"Checkout"</h1>
                    <p data-testid="cart-empty">"Your cart is empty. " <a href="/c/games">"Browse the shop"</a> "."</p>
                </section>
            }
            .into_any();
        }
        let ships = page.cart.needs_shipping;
        view! {
            <PageMeta title="Checkout".into() description="Checkout".into() canonical_path="/checkout".into()/>
            <section class="checkout-page" aria-labelledby="checkout-title">
                <h1 id="checkout-title">"Checkout"</h1>
                {page.error.clone().map(|e| view! { <div class="form-error" role="alert" data-testid="form-error"><p>{e}</p></div> })}
                <form method="post" action=PlaceOrder::PATH class="auth-form checkout-form" data-testid="checkout-form">
                    <input type="hidden" name="checkout_key" value=page.checkout_key.clone()/>
                    <fieldset>
                        <legend>"Contact"</legend>
                        <Field name="email" label="E-mail address" kind="email" value=page.email.clone().unwrap_or_default()
                            autocomplete="email" maxlength=254 hint="Your receipt and order link go here."/>
                    </fieldset>
                    {ships.then(|| view! {
                        <fieldset>
                            <legend>"Shipping address"</legend>
                            <Field name="name" label="Full name" autocomplete="name" maxlength=100/>
                            <Field name="line1" label="Street address" autocomplete="address-line1" maxlength=200/>
                            <Field name="line2" label="Apartment, suite (optional)" autocomplete="address-line2" required=false maxlength=200/>
                            <Field name="city" label="City" autocomplete="address-level2" maxlength=100/>
                            <Field name="postal_code" label="Postal code" autocomplete="postal-code" maxlength=20/>
                            <div class="field">
                                <label for="f-country">"Country"</label>
                                <select id="f-country" name="country" autocomplete="country" required=true>
                                    {[("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"), ("IE", "Ireland"), ("GB", "United Kingdom"), ("ES", "Spain"), ("IT", "Italy")]
                                        .into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect_view()}
                                </select>
                            </div>
                        </fieldset>
                        <fieldset>
                            <legend>"Shipping"</legend>
                            <label class="radio"><input type="radio" name="shipping_method" value="standard" checked=true/>
                                " Standard, tracked — " {page.standard_shipping.display()}</label>
                            <label class="radio"><input type="radio" name="shipping_method" value="insured"/>
                                " Insured — " {page.insured_shipping.display()}
                                " (required for orders above " {page.insured_above.display()} ")"</label>
                        </fieldset>
                    })}
                    <fieldset>
                        <legend>"Discount"</legend>
                        <Field name="discount_code" label="Discount code (optional)" required=false maxlength=32 autocomplete="off"/>
                    </fieldset>
                    <div class="cart-summary">
                        <p>"Items: " <strong>{page.cart.subtotal.map(|s| s.display())}</strong></p>
                        <p class="field-hint">"You'll see every amount, with shipping, discount and VAT, before you pay."</p>
                    </div>
                    <button type="submit" class="button primary">"Review and pay"</button>
                </form>
            </section>
        }
        .into_any()
    })
}

fn order_id_param() -> String {
    use_params_map().read_untracked().get("id").unwrap_or_default()
}

/// The order page's arguments: its id and, from an e-mailed link, the access token.
fn order_args() -> (String, Option<String>) {
    let token = leptos_router::hooks::use_query_map().read_untracked().get("token");
    (order_id_param(), token)
}

/// Every amount of the order, as the server computed it.
fn order_summary(o: &OrderView) -> impl IntoView + use<> {
    view! {
        <table class="order-table" data-testid="order-summary">
            <caption class="visually-hidden">"Order summary"</caption>
            <thead><tr><th scope="col">"Item"</th><th scope="col">"Qty"</th><th scope="col">"Price"</th></tr></thead>
            <tbody>
                {o.lines.iter().map(|l| view! {
                    <tr><td>{l.product_name.clone()} <span class="cart-variant">{l.variant_label.clone()}</span>
                            {(l.refunded_quantity > 0).then(|| view! {
                                <span class="line-refunded" data-testid="line-refunded">{l.refunded_quantity} " refunded"</span>
                            })}</td>
                        <td>{l.quantity}</td><td>{l.line_total.display()}</td></tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                <tr><th scope="row" colspan="2">"Subtotal"</th><td>{o.subtotal.display()}</td></tr>
                {(o.discount.minor > 0).then(|| view! {
                    <tr><th scope="row" colspan="2">"Discount " {o.discount_code.clone()}</th><td data-testid="discount">"−" {o.discount.display()}</td></tr>
                })}
                {o.shipping_method.clone().map(|m| view! {
                    <tr><th scope="row" colspan="2">"Shipping (" {m} ")"</th><td>{o.shipping.display()}</td></tr>
                })}
                <tr><th scope="row" colspan="2">"Total"</th><td><strong data-testid="order-total">{o.total.display()}</strong></td></tr>
                <tr class="vat"><th scope="row" colspan="2">"Includes VAT"</th><td>{o.tax.display()}</td></tr>
                {(o.refunded.minor > 0).then(|| view! {
                    <tr class="refunded"><th scope="row" colspan="2">"Refunded"</th><td data-testid="order-refunded">"−" {o.refunded.display()}</td></tr>
                })}
            </tfoot>
        </table>
    }
}

#[component]
pub fn PayPage() -> impl IntoView {
    no_store();
    let id = order_id_param();
    let data = Resource::new(move || id.clone(), get_pay_page);
    await_page(data, |o: OrderView| {
        let paid = o.status != OrderStatus::PendingPayment;
        view! {
            <PageMeta title="Review and pay".into() description="Review and pay".into() canonical_path="/checkout".into()/>
            <section class="checkout-page" aria-labelledby="pay-title">
                <h1 id="pay-title">"Review and pay"</h1>
                <p>"Order " <strong data-testid="order-number">"#" {o.number}</strong> " for " {o.email.clone()}</p>
                {o.message.clone().map(|m| view! { <div class="form-error" role="alert" data-testid="form-error"><p>{m}</p></div> })}
                {order_summary(&o)}
                {if paid {
                    view! { <p><a href=format!("/order/{}", o.id)>"This order is " {o.status.label()} "."</a></p> }.into_any()
                } else if let Some(stripe) = o.stripe.clone() {
                    stripe_form(&o, stripe).into_any()
                } else {
                    view! {
                        <form method="post" action=PayWithCard::PATH class="auth-form pay-form" data-testid="pay-form">
                            <p class="notice">"Test payments: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, "
                                "4000 0000 0000 3220 pays after a few seconds. The items are held for you for a few minutes."</p>
                            <input type="hidden" name="order_id" value=o.id.clone()/>
                            <Field name="card_number" label="Card number" autocomplete="cc-number" inputmode="numeric" maxlength=23/>
                            <button type="submit" class="button primary">"Pay " {o.total.display()}</button>
                        </form>
                    }.into_any()
                }}
            </section>
        }
    })
}

/// Stripe's Payment Element: Stripe.js draws the card fields and confirms the PaymentIntent; the
/// shopper returns to the order page, which waits for the webhook.
fn stripe_form(o: &OrderView, stripe: crate::orders::model::StripeClient) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    crate::ui::security::allow_stripe();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <form id="stripe-pay" class="auth-form pay-form" data-testid="stripe-form"
            data-key=stripe.publishable_key data-secret=stripe.client_secret data-return=format!("/order/{}", o.id)>
            <div id="payment-element"><p class="field-hint">"Loading the secure card form…"</p></div>
            <p id="stripe-error" class="form-error" role="alert" hidden=true></p>
            <button type="submit" class="button primary">"Pay " {o.total.display()}</button>
        </form>
        <noscript><p class="form-error">"Card payments need JavaScript (Stripe's secure card form)."</p></noscript>
        <script src="https://js.stripe.com/v3/" nonce=nonce.clone()></script>
        <script nonce=nonce inner_html=STRIPE_JS></script>
    }
}

const STRIPE_JS: &str = r#"window.addEventListener('load', function () {
  var form = document.getElementById('stripe-pay');
  if (!form || !window.Stripe) return;
  var stripe = Stripe(form.dataset.key);
  var elements = stripe.elements({ clientSecret: form.dataset.secret });
  elements.create('payment').mount('#payment-element');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var button = form.querySelector('button');
    button.disabled = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: location.origin + form.dataset.return } })
      .then(function (r) {
        if (r.error) {
          var box = document.getElementById('stripe-error');
          box.textContent = r.error.message; box.hidden = false; button.disabled = false;
        }
      });
  });
});"#;

#[component]
pub fn OrderPage() -> impl IntoView {
    no_store();
    let args = order_args();
    let data = Resource::new(move || args.clone(), |(id, token)| get_order(id, token));
    await_page(data, |o: OrderView| {
        let paid = o.status == OrderStatus::Paid;
        let waiting = o.status == OrderStatus::PendingPayment;
        view! {
            <PageMeta title=format!("Order #{}", o.number) description="Your order".into() canonical_path="/".into()/>
            // While the bank confirms, the page looks again by itself (with or without JavaScript).
            {waiting.then(|| view! { <leptos_meta::Meta http_equiv="refresh" content="3"/> })}
            <section class="checkout-page" aria-labelledby="order-title">
                <h1 id="order-title">{if paid { "Thank you for your order" } else { "Your order" }}</h1>
                {o.message.clone().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                <p>"Order number " <strong data-testid="order-number">"#" {o.number}</strong></p>
                <p>"Status: " <strong data-testid="order-status">{o.status.label()}</strong></p>
                {waiting.then(|| view! {
                    <p role="status" data-testid="order-waiting"><span class="spinner" aria-hidden="true"></span>
                        " We are waiting for the payment to be confirmed; this page updates by itself. "
                        <a href=format!("/pay/{}", o.id)>"Back to payment"</a></p>
                })}
                {paid.then(|| view! { <p>"A confirmation is on its way to " {o.email.clone()} "."</p> })}
                {(o.status == OrderStatus::Paid && o.shipping_method.is_none()).then(|| view! {
                    <p><a class="button primary" href="/account/library" data-testid="to-library">"Your game keys"</a></p>
                })}
                {o.tracking_number.clone().map(|t| view! {
                    <p>"Tracking number: " <strong data-testid="tracking-number">{t}</strong></p>
                })}
                {order_summary(&o)}
                {refund_section(&o)}
                <p><a href="/">"Continue shopping"</a></p>
            </section>
        }
    })
}

/// The buyer's refund request: a short form on a paid order, or where the request stands.
fn refund_section(o: &OrderView) -> impl IntoView + use<> {
    let state = match o.refund_request.as_deref() {
        Some("open") => Some("Your refund request is waiting for our staff."),
        Some("declined") => Some("Your refund request was declined."),
        _ => None,
    };
    let can_ask = o.status == OrderStatus::Paid && o.refund_request.as_deref() != Some("open");
    view! {
        {state.map(|m| view! { <p class="notice" data-testid="refund-state">{m}</p> })}
        {can_ask.then(|| view! {
            <details class="refund-request" open=o.refund_error.is_some()>
                <summary>"Request a refund"</summary>
                <form method="post" action=RequestRefund::PATH class="auth-form" data-testid="refund-form">
                    {o.refund_error.clone().map(|e| view! { <div class="form-error" role="alert" data-testid="refund-error"><p>{e}</p></div> })}
                    <input type="hidden" name="order_id" value=o.id.clone()/>
                    <label for="refund-reason">"Why do you want a refund?"</label>
                    <textarea id="refund-reason" name="reason" rows="3" maxlength="1000" required=true></textarea>
                    <p class="field-hint">"Games whose key you have not revealed or downloaded are refunded at once; otherwise our staff decide."</p>
                    <button type="submit" class="button secondary-outline">"Request refund"</button>
                </form>
            </details>
        })}
    }
}
