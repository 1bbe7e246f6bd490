//! My orders (on the account page).
use leptos::prelude::*;

/// The signed-in user's orders, newest first.
#[component]
pub fn MyOrders() -> impl IntoView {
    let orders = Resource::new(|| (), |_| crate::orders::api::get_my_orders());
    view! {
        <section class="my-orders" aria-labelledby="orders-title">
            <h2 id="orders-title">"Orders"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) if list.is_empty() => view! { <p data-testid="no-orders">"No orders yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-history" data-testid="order-history">
                                {list.into_iter().map(|o| view! {
                                    <li><a href=format!("/order/{}", o.id)>"#" {o.number}</a>
                                        " · " {o.placed} " · " {o.status.label()} " · " {o.total.display()}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => {
                            #[cfg(feature = "ssr")]
                            e.log();
                            let _ = e;
                            view! { <p>"Your orders could not be loaded just now."</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
