//! The variant picker island: option buttons, price and stock for the chosen variant.
//! Without JavaScript every choice is a link (`?variant=ID`); with it, choices switch in place.
use crate::catalog::model::{Department, Variant};
use crate::types::{countdown, launch_label};
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

/// How often a drop's page asks for the keys left.
const DROP_POLL_SECS: u64 = 3;

/// What the picker needs to run a limited drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DropInfo {
    pub product_id: i64,
    pub launch_at: i64,
    pub rendered_at: i64,
}

#[island]
pub fn VariantPicker(
    product_path: String,
    department: Department,
    option_names: Vec<String>,
    variants: Vec<Variant>,
    selected: i64,
    /// Some photos belong to one first option (the rose-gold photos): choosing a first option then
    /// loads its page, so the gallery shows them.
    option_photos: bool,
    /// A limited drop: its product, its launch (Unix seconds) and the server's clock at render.
    drop: Option<DropInfo>,
) -> impl IntoView {
    // A drop's stock changes while the page is open: it is a signal the page refreshes.
    let variants = RwSignal::new(variants);
    let now = RwSignal::new(drop.map(|d| d.rendered_at).unwrap_or_default());
    let launch_at = drop.map(|d| d.launch_at);
    if let Some(d) = drop {
        // In the browser only: a one-second clock for the countdown, and the keys left every few seconds.
        Effect::new(move |_| {
            let clock = move || now.set((js_sys::Date::now() / 1000.0) as i64);
            clock();
            let _ = set_interval_with_handle(clock, std::time::Duration::from_secs(1));
            let _ = set_interval_with_handle(
                move || {
                    leptos::task::spawn_local(async move {
                        if let Ok(levels) = crate::catalog::api::get_stock_levels(d.product_id).await {
                            variants.update(|vs| {
                                for v in vs.iter_mut() {
                                    if let Some((_, stock)) = levels.iter().find(|(id, _)| *id == v.id) {
                                        v.stock = *stock;
                                    }
                                }
                            });
                        }
                    });
                },
                std::time::Duration::from_secs(DROP_POLL_SECS),
            );
        });
    }
    let before_launch = move || launch_at.is_some_and(|l| now.get() < l);
    let selected = RwSignal::new(selected);
    let dims = option_names.len();
    let current = move || {
        variants.with(|vs| vs.iter().find(|v| v.id == selected.get()).or(vs.first()).cloned())
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
                let groups = variants.with(|vs| choices(vs, dims, &cur));
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
                                                        on:click=move |ev| {
                                                            if !(option_photos && dim == 0) {
                                                                ev.prevent_default();
                                                                select(target);
                                                            }
                                                        }
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
                    {v.was.clone().map(|w| view! {
                        <p class="was-price" data-testid="was-price">
                            <s aria-label=format!("Was {}", w.compare_at.display())>{w.compare_at.display()}</s>
                            " · lowest price in the previous 30 days: " <span data-testid="lowest-30-days">{w.lowest_30_days.display()}</span>
                        </p>
                    })}
                    {match launch_at {
                        Some(at) if before_launch() => view! {
                            <p class="stock drop-countdown" data-testid="countdown">
                                "Launches in " <strong>{countdown(at - now.get())}</strong>
                                <span class="field-hint">" (" {launch_label(at)} ")"</span>
                            </p>
                        }.into_any(),
                        Some(_) => view! {
                            <p class=if in_stock { "stock in" } else { "stock out" } data-testid="keys-left" aria-live="polite">
                                {if in_stock { format!("{} {} left", v.stock, if v.stock == 1 { "key" } else { "keys" }) } else { "Sold out".into() }}
                            </p>
                        }.into_any(),
                        None => view! {
                            <p class=if in_stock { "stock in" } else { "stock out" } data-testid="stock">
                                {stock_text(department, v.stock)}
                            </p>
                        }.into_any(),
                    }}
                    <p class="sku">"SKU " <span data-testid="sku">{v.sku.clone()}</span></p>
                }
            })}
            <form method="post" action=add_to_cart_path on:submit=on_submit
                class="add-to-cart" data-testid="add-to-cart">
                <input type="hidden" name="variant_id" value=move || current().map(|v| v.id.to_string()).unwrap_or_default()/>
                <input type="hidden" name="quantity" value="1"/>
                <button type="submit" class="button primary" aria-busy=move || adding.get().then_some("true")
                    disabled=move || adding.get() || before_launch() || current().is_none_or(|v| v.stock <= 0)>
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
