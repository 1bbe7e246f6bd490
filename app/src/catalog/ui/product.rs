//! The product page: gallery, variant picker, details, and schema.org Product JSON-LD.
use super::gallery::Gallery;
use super::picker::{DropInfo, VariantPicker};
use crate::catalog::api::get_product;
use crate::catalog::model::{Department, ProductDetail};
use crate::catalog::picker::default_variant;
use crate::ui::page::{absolute_url, await_page, query_pairs, PageMeta};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    let requested = query_pairs().into_iter().find(|(k, _)| k == "variant").and_then(|(_, v)| v.parse::<i64>().ok());
    let data = Resource::new(|| (), move |_| get_product(slug.clone()));
    await_page(data, move |product| view! { <ProductView product requested/> })
}

#[component]
fn ProductView(product: ProductDetail, requested: Option<i64>) -> impl IntoView {
    let path = format!("/p/{}", product.slug);
    let selected = default_variant(&product.variants, requested).map(|v| v.id).unwrap_or_default();
    let json_ld = product_json_ld(&product);
    let description = if product.summary.is_empty() { product.description.clone() } else { product.summary.clone() };
    let department = product.department;
    let dept_href = format!("/c/{}", department.as_str());
    // Photos of the chosen option (a metal, a platform) first, then the ones for every choice.
    let chosen = product.variants.iter().find(|v| v.id == selected).and_then(|v| v.options.first().cloned());
    let option_photos = product.images.iter().any(|i| i.option.is_some());
    let mut images: Vec<_> = product.images.iter().filter(|i| i.option.is_some() && i.shows_with(chosen.as_deref())).cloned().collect();
    images.extend(product.images.iter().filter(|i| i.option.is_none()).cloned());
    view! {
        <PageMeta title=product.name.clone() description canonical_path=path.clone()/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href=dept_href>{department.label()}</a></li>
                <li><a href=format!("/c/{}", product.category.slug)>{product.category.name.clone()}</a></li>
                <li aria-current="page">{product.name.clone()}</li>
            </ol>
        </nav>
        <article class="product" data-testid="product">
            <Gallery images/>
            <div class="product-info">
                <h1>{product.name.clone()}</h1>
                {product.launch_at.map(|_| view! { <p class="badge drop-badge" data-testid="drop-badge">"Limited drop"</p> })}
                <p class="lead">{product.summary.clone()}</p>
                <VariantPicker
                    product_path=path
                    department
                    option_names=product.option_names.clone()
                    variants=product.variants.clone()
                    selected
                    option_photos
                    drop=product.launch_at.map(|launch_at| DropInfo { product_id: product.id, launch_at, rendered_at: chrono::Utc::now().timestamp() })
                />
                <section class="description" aria-labelledby="about">
                    <h2 id="about">"About this " {if department == Department::Games { "game" } else { "piece" }}</h2>
                    <p>{product.description.clone()}</p>
                </section>
                <section aria-labelledby="details">
                    <h2 id="details">"Details"</h2>
                    <dl class="attributes" data-testid="attributes">
                        {product.attributes.iter().map(|a| view! {
                            <div><dt>{a.label.clone()}</dt><dd>{a.value.clone()}</dd></div>
                        }).collect_view()}
                    </dl>
                </section>
                {product.certificate.clone().map(|c| view! {
                    <section class="certificate" aria-labelledby="cert" data-testid="certificate">
                        <h2 id="cert">"Certificate"</h2>
                        <p>
                            "Graded by " <strong>{c.lab.clone()}</strong> ", report " <strong>{c.number.clone()}</strong>
                            {c.grade.clone().map(|g| view! { ", grade " <strong>{g}</strong> })}
                        </p>
                    </section>
                })}
            </div>
        </article>
    }
}

/// schema.org Product with one Offer per variant; `<` is escaped so the JSON cannot close the script.
pub fn product_json_ld(p: &ProductDetail) -> String {
    let url = absolute_url(&format!("/p/{}", p.slug));
    let offers: Vec<serde_json::Value> = p
        .variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "@type": "Offer",
                "sku": v.sku,
                "name": v.options.iter().filter(|o| !o.is_empty()).cloned().collect::<Vec<_>>().join(" / "),
                "price": v.price.decimal(),
                "priceCurrency": v.price.currency.code(),
                "availability": if v.stock > 0 { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
                "url": format!("{url}?variant={}", v.id),
            })
        })
        .collect();
    let mut doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "description": p.description,
        "url": url,
        "category": p.category.name,
        "image": p.images.iter().map(|i| absolute_url(&i.src_at_least(1200))).collect::<Vec<_>>(),
        "offers": offers,
    });
    if let Some(brand) = &p.brand {
        doc["brand"] = serde_json::json!({ "@type": "Brand", "name": brand });
    }
    if let Some(c) = &p.certificate {
        doc["hasCertification"] = serde_json::json!({
            "@type": "Certification",
            "name": format!("{} grading report", c.lab),
            "certificationIdentification": c.number,
            "certificationRating": c.grade,
            "issuedBy": { "@type": "Organization", "name": c.lab },
        });
    }
    if p.department == Department::Jewelry {
        doc["additionalProperty"] = serde_json::Value::Array(
            p.attributes
                .iter()
                .filter(|a| a.label != "Delivery")
                .map(|a| serde_json::json!({ "@type": "PropertyValue", "name": a.label, "value": a.value }))
                .collect(),
        );
    }
    doc.to_string().replace('<', "\\u003c")
}
