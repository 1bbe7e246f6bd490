//! Types shared by the server and the browser. No SQL, no secrets.
use crate::types::Money;
use serde::{Deserialize, Serialize};

/// Where a product is in its life: staff draft it, publish it (active: shoppers see it), withdraw
/// it (back to draft) or archive it. Shoppers see active products only (the `shop_products` view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProductStatus {
    Draft,
    Active,
    Archived,
}

impl ProductStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(ProductStatus::Draft),
            "active" => Some(ProductStatus::Active),
            "archived" => Some(ProductStatus::Archived),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Department {
    Games,
    Jewelry,
}

impl Department {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "games" => Some(Department::Games),
            "jewelry" => Some(Department::Jewelry),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Department::Games => "games",
            Department::Jewelry => "jewelry",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Department::Games => "Games",
            Department::Jewelry => "Jewelry",
        }
    }
}

/// A product image stored in several widths and formats: `<base>/<path_prefix>-<w>.<format>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRef {
    /// Where photos are served from: `/media`, or the CDN's URL.
    pub base: String,
    pub path_prefix: String,
    pub widths: Vec<i32>,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    /// Formats written for every width, best first; the last is the fallback every browser reads
    /// (uploaded photos: WebP then JPEG; the demo's pictures: JPEG only).
    pub formats: Vec<String>,
    /// The option value (a metal, a platform) this photo shows, or None for every choice.
    pub option: Option<String>,
}

impl ImageRef {
    fn fallback(&self) -> &str {
        self.formats.last().map_or("jpg", String::as_str)
    }
    fn src_as(&self, w: i32, format: &str) -> String {
        format!("{}/{}-{}.{format}", self.base, self.path_prefix, w)
    }
    pub fn src(&self, w: i32) -> String {
        self.src_as(w, self.fallback())
    }
    /// The smallest stored width at least `w` wide (or the largest one).
    pub fn src_at_least(&self, w: i32) -> String {
        let pick = self.widths.iter().copied().filter(|x| *x >= w).min();
        self.src(pick.unwrap_or_else(|| self.widths.iter().copied().max().unwrap_or(w)))
    }
    pub fn srcset(&self) -> String {
        self.srcset_as(self.fallback())
    }
    pub fn srcset_as(&self, format: &str) -> String {
        self.widths.iter().map(|w| format!("{} {w}w", self.src_as(*w, format))).collect::<Vec<_>>().join(", ")
    }
    /// The modern format to offer before the fallback, if this image has one.
    pub fn modern(&self) -> Option<&str> {
        self.formats.first().map(String::as_str).filter(|f| *f != self.fallback())
    }
    /// Whether this image belongs with the option value `chosen` (None: shown for every choice).
    pub fn shows_with(&self, chosen: Option<&str>) -> bool {
        self.option.is_none() || self.option.as_deref() == chosen
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    pub department: Department,
    pub summary: String,
    pub price_from: Money,
    /// More than one distinct price among variants: show "from".
    pub price_varies: bool,
    pub in_stock: bool,
    /// A limited drop that has not launched yet.
    pub coming_soon: bool,
    pub image: Option<ImageRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomePage {
    pub games: Vec<ProductCard>,
    pub jewelry: Vec<ProductCard>,
    pub game_categories: Vec<CategoryLink>,
    pub jewelry_categories: Vec<CategoryLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    /// The query-string key, e.g. `platform`.
    pub key: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// One page of a category listing or of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub title: String,
    pub description: String,
    /// Path without query, e.g. `/c/rings` or `/search`.
    pub path: String,
    pub query: crate::catalog::query::ListingQuery,
    pub products: Vec<ProductCard>,
    pub total: i64,
    /// A search kept only its best `total` matches: there are more (the shopper should narrow it).
    pub more: bool,
    pub per_page: u32,
    pub facets: Vec<Facet>,
    pub subcategories: Vec<CategoryLink>,
    pub breadcrumb: Vec<CategoryLink>,
}

impl Listing {
    pub fn page_count(&self) -> u32 {
        let pages = (self.total.max(0) as u64).div_ceil(self.per_page.max(1) as u64);
        pages.max(1) as u32
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    pub price: Money,
    pub stock: i32,
    /// The option values in the product's option order, e.g. ["PC", "Deluxe"] or ["Platinum", "7"].
    pub options: Vec<String>,
    /// A "was" price shown struck through, when staff set one above the price.
    pub was: Option<WasPrice>,
}

/// A compare-at price and, as the EU requires beside it, the lowest price of the previous 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WasPrice {
    pub compare_at: Money,
    pub lowest_30_days: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub lab: String,
    pub number: String,
    pub grade: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub department: Department,
    pub category: CategoryLink,
    pub summary: String,
    pub description: String,
    /// Option names in order, e.g. ["Platform", "Edition"] or ["Metal", "Ring size"].
    pub option_names: Vec<String>,
    pub variants: Vec<Variant>,
    pub images: Vec<ImageRef>,
    pub attributes: Vec<Attribute>,
    pub certificate: Option<Certificate>,
    pub brand: Option<String>,
    /// A limited drop's launch (Unix seconds): before it the product cannot be bought; from it the
    /// page shows the keys left, live.
    pub launch_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn image_urls_use_the_media_base_and_offer_webp_before_jpeg() {
        let img = ImageRef {
            base: "https://cdn.example/media".into(),
            path_prefix: "products/7/abc".into(),
            widths: vec![320, 640],
            width: 640,
            height: 480,
            alt: "A ring".into(),
            formats: vec!["webp".into(), "jpg".into()],
            option: Some("Platinum".into()),
        };
        assert_eq!(img.src(320), "https://cdn.example/media/products/7/abc-320.jpg");
        assert_eq!(img.src_at_least(500), "https://cdn.example/media/products/7/abc-640.jpg");
        assert_eq!(img.modern(), Some("webp"));
        assert_eq!(img.srcset_as("webp"), "https://cdn.example/media/products/7/abc-320.webp 320w, https://cdn.example/media/products/7/abc-640.webp 640w");
        assert!(img.shows_with(Some("Platinum")) && !img.shows_with(Some("Gold")));
        let demo = ImageRef { formats: vec!["jpg".into()], option: None, ..img };
        assert_eq!(demo.modern(), None);
        assert!(demo.shows_with(Some("Gold")) && demo.shows_with(None));
    }
}
