use crate::catalog::model::{ImageRef, ProductCard};
use leptos::prelude::*;

/// Grid sizes: 2 columns on phones, 3 on tablets, 4 from desktop (container max 1200px).
pub const CARD_SIZES: &str = "(min-width: 1100px) 270px, (min-width: 700px) 31vw, 46vw";

#[component]
pub fn ResponsiveImage(
    image: ImageRef,
    sizes: &'static str,
    #[prop(optional)] eager: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let modern = image.modern().map(|f| (format!("image/{f}"), image.srcset_as(f)));
    view! {
        <picture class=class>
            {modern.map(|(kind, srcset)| view! { <source type=kind srcset=srcset sizes=sizes/> })}
            <img
                src=image.src_at_least(800)
                srcset=image.srcset()
                sizes=sizes
                width=image.width
                height=image.height
                alt=image.alt.clone()
                loading=if eager { "eager" } else { "lazy" }
                decoding="async"
                fetchpriority=if eager { "high" } else { "auto" }
            />
        </picture>
    }
}

#[component]
pub fn ProductCardView(card: ProductCard, #[prop(optional)] eager: bool) -> impl IntoView {
    let href = format!("/p/{}", card.slug);
    let price = if card.price_varies {
        format!("From {}", card.price_from.display())
    } else {
        card.price_from.display()
    };
    view! {
        <li class="card" data-testid="product-card">
            <a href=href class="card-link">
                <div class="card-media">
                    {card.image.map(|image| view! { <ResponsiveImage image sizes=CARD_SIZES eager/> })}
                </div>
                <div class="card-body">
                    <span class="card-dept">{card.department.label()}</span>
                    <h3 class="card-title">{card.name}</h3>
                    <p class="card-price" data-testid="card-price">{price}</p>
                    {if card.coming_soon {
                        view! { <p class="stock soon">"Coming soon · limited drop"</p> }.into_any()
                    } else if card.in_stock {
                        view! { <p class="stock in">"In stock"</p> }.into_any()
                    } else {
                        view! { <p class="stock out">"Sold out"</p> }.into_any()
                    }}
                </div>
            </a>
        </li>
    }
}

#[component]
pub fn ProductGrid(cards: Vec<ProductCard>, #[prop(optional)] eager_first: usize) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {cards
                .into_iter()
                .enumerate()
                .map(|(i, card)| view! { <ProductCardView card eager=i < eager_first/> })
                .collect_view()}
        </ul>
    }
}
