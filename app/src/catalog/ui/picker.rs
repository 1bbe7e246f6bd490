//! The variant picker island: option buttons, price and stock for the chosen variant.
//! Without JavaScript every choice is a link (`?variant=ID`); with it, choices switch in place.
use crate::catalog::model::{Department, Variant};
use crate::catalog::picker::{choices, OptionState};
use leptos::prelude::*;

pub fn stock_text(department: Department, stock: i32) -> String {
    match (department, stock) {
        (_, s) if s <= 0 => "Sold out".into(),
        (Department::Games, _) => "In stock — key delivered instantly".into(),
        (Department::Jewelry, s) if s <= 3 => format!("Only {s} left"),
        (Department::Jewelry, _) => "In stock — ships in 1–2 days".into(),
    }
}

#[island]
pub fn VariantPicker(
    product_path: String,
    department: Department,
    option_names: Vec<String>,
    variants: Vec<Variant>,
    selected: i64,
) -> impl IntoView {
    let variants = StoredValue::new(variants);
    let selected = RwSignal::new(selected);
    let dims = option_names.len();
    let current = move || {
        variants.with_value(|vs| vs.iter().find(|v| v.id == selected.get()).or(vs.first()).cloned())
    };
    let path = StoredValue::new(product_path);
    let select = move |id: i64| {
        selected.set(id);
        // Keep the address shareable without a reload.
        if let Some(window) = web_sys::window()
            && let Ok(history) = window.history()
        {
            let url = format!("{}?variant={id}", path.get_value());
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    };
    let hydrated = crate::ui::hydrated_marker();
    let add_to_cart_path = <crate::cart::api::AddToCart as leptos::server_fn::ServerFn>::PATH;
    // With JavaScript the item goes into the cart in place: a message here, the header count updates.
    let added = RwSignal::new(None::<Result<String, String>>);
    let adding = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(v) = current() else { return };
        ev.prevent_default();
        adding.set(true);
        leptos::task::spawn_local(async move {
            let r = crate::cart::api::add_to_cart_in_place(v.id, 1).await;
            adding.set(false);
            added.set(Some(match r {
                Ok(a) => {
                    crate::cart::ui::announce_cart_changed();
                    Ok(format!("Added {} to your cart.", a.name))
                }
                Err(e) => Err(e.to_string()),
            }));
        });
    };
    view! {
        <div class="picker" data-testid="variant-picker" data-hydrated=hydrated>
            {move || {
                let Some(cur) = current() else { return ().into_any() };
                let groups = variants.with_value(|vs| choices(vs, dims, &cur));
                option_names
                    .iter()
                    .zip(groups)
                    .enumerate()
                    .map(|(dim, (name, group))| {
                        let chosen = cur.options.get(dim).cloned().unwrap_or_default();
                        view! {
                            <fieldset class="option-group" data-option=name.clone()>
                                <legend>{name.clone()} ": " <strong>{chosen}</strong></legend>
                                <div class="option-values">
                                    {group.into_iter().map(|c| {
                                        let label = c.value.clone();
                                        match (c.state, c.target) {
                                            (OptionState::Unavailable, _) | (_, None) => view! {
                                                <span class="option unavailable" aria-disabled="true"
                                                    title="Not made in this combination">{label}</span>
                                            }.into_any(),
                                            (state, Some(target)) => {
                                                let class = match state {
                                                    OptionState::Selected if c.in_stock => "option selected",
                                                    OptionState::Selected => "option selected soldout",
                                                    OptionState::SoldOut => "option soldout",
                                                    _ => "option",
                                                };
                                                let aria = if c.in_stock { label.clone() } else { format!("{label} (sold out)") };
                                                view! {
                                                    <a class=class
                                                        href=format!("{}?variant={target}", path.get_value())
                                                        aria-current=(state == OptionState::Selected).then_some("true")
                                                        aria-label=aria
                                                        on:click=move |ev| { ev.prevent_default(); select(target); }
                                                    >{label}</a>
                                                }.into_any()
                                            }
                                        }
                                    }).collect_view()}
                                </div>
                            </fieldset>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            {move || current().map(|v| {
                let in_stock = v.stock > 0;
                view! {
                    <p class="price" data-testid="price">{v.price.display()}</p>
                    <p class=if in_stock { "stock in" } else { "stock out" } data-testid="stock">
                        {stock_text(department, v.stock)}
                    </p>
                    <p class="sku">"SKU " <span data-testid="sku">{v.sku.clone()}</span></p>
                }
            })}
            <form method="post" action=add_to_cart_path on:submit=on_submit
                class="add-to-cart" data-testid="add-to-cart">
                <input type="hidden" name="variant_id" value=move || current().map(|v| v.id.to_string()).unwrap_or_default()/>
                <input type="hidden" name="quantity" value="1"/>
                <button type="submit" class="button primary" aria-busy=move || adding.get().then_some("true")
                    disabled=move || adding.get() || current().is_none_or(|v| v.stock <= 0)>
                    "Add to cart"
                </button>
            </form>
            <div aria-live="polite" class="added-status">
                {move || added.get().map(|r| match r {
                    Ok(m) => view! {
                        <p class="notice" data-testid="added">{m} " " <a href="/cart" data-testid="view-cart">"View cart"</a></p>
                    }.into_any(),
                    Err(m) => view! { <p class="form-error" role="alert" data-testid="add-error">{m}</p> }.into_any(),
                })}
            </div>
        </div>
    }
}
