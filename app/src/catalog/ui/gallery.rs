//! Product gallery island: a main image with thumbnails. Without JavaScript a thumbnail opens
//! the large image; with it, the main image switches in place.
use super::card::ResponsiveImage;
use crate::catalog::model::ImageRef;
use leptos::prelude::*;

const MAIN_SIZES: &str = "(min-width: 900px) 560px, 100vw";

#[island]
pub fn Gallery(images: Vec<ImageRef>) -> impl IntoView {
    let count = images.len();
    let images = StoredValue::new(images);
    let active = RwSignal::new(0usize);
    let hydrated = crate::ui::hydrated_marker();
    view! {
        <div class="gallery" id="gallery" data-testid="gallery" data-hydrated=hydrated>
            <div class="gallery-main">
                {move || images.with_value(|imgs| imgs.get(active.get()).cloned()).map(|image| view! {
                    <ResponsiveImage image sizes=MAIN_SIZES eager=true/>
                })}
            </div>
            {(count > 1).then(|| view! {
                <ul class="thumbs" aria-label="More images">
                    {images.get_value().into_iter().enumerate().map(|(i, image)| {
                        let full = image.src_at_least(1200);
                        let thumb = image.src_at_least(150);
                        let alt = image.alt.clone();
                        view! {
                            <li>
                                <a href=full
                                    class=move || if active.get() == i { "thumb active" } else { "thumb" }
                                    aria-current=move || (active.get() == i).then_some("true")
                                    aria-label=format!("Show image {}: {}", i + 1, alt)
                                    on:click=move |ev| { ev.prevent_default(); active.set(i); }
                                >
                                    <img src=thumb width="100" height="75" alt="" loading="lazy"/>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
