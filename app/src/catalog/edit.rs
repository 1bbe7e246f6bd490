//! What staff edit, and its rules: the product form as typed ([`ProductDraft`]), its validation into
//! [`ProductInput`], prices, SKUs and option values as typed, and the three-way merge shown when two
//! staff saved the same product ([`merge`]). No SQL here: `catalog::ssr::staff` stores the result.
use crate::catalog::model::{Department, ProductStatus};
use crate::error::AppError;
use crate::types::{Money, Slug};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The product form exactly as typed (every field text, so a refused form comes back unchanged).
/// Missing fields (an unticked checkbox, the other department's attributes) are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductDraft {
    pub name: String,
    /// Empty: derived from the name.
    pub slug: String,
    pub department: String,
    pub category_id: String,
    pub summary: String,
    pub description: String,
    /// Extra words shoppers may search for.
    pub keywords: String,
    pub max_per_order: String,
    /// A limited drop's launch, `YYYY-MM-DDTHH:MM` in UTC (a `datetime-local` input); empty: none.
    pub launch_at: String,
    /// "on" when ticked.
    pub featured: String,
    // Games
    pub genre: String,
    pub publisher: String,
    pub release_date: String,
    pub age_rating: String,
    pub system_requirements: String,
    // Jewelry
    pub stone: String,
    pub carat: String,
    pub finish: String,
    pub cert_lab: String,
    pub cert_number: String,
    pub cert_grade: String,
}

pub const AGE_RATINGS: [&str; 5] = ["PEGI 3", "PEGI 7", "PEGI 12", "PEGI 16", "PEGI 18"];

/// Every form field with its label, in the form's order (for the "changed since you opened it" list).
pub const FIELD_LABELS: [(&str, &str); 21] = [
    ("name", "Name"),
    ("slug", "Address (slug)"),
    ("department", "Department"),
    ("category_id", "Category"),
    ("summary", "Summary"),
    ("description", "Description"),
    ("keywords", "Search keywords"),
    ("max_per_order", "Most per order"),
    ("launch_at", "Launch (UTC)"),
    ("featured", "Featured"),
    ("genre", "Genre"),
    ("publisher", "Publisher"),
    ("release_date", "Release date"),
    ("age_rating", "Age rating"),
    ("system_requirements", "System requirements"),
    ("stone", "Stone"),
    ("carat", "Carat"),
    ("finish", "Finish"),
    ("cert_lab", "Certificate lab"),
    ("cert_number", "Certificate number"),
    ("cert_grade", "Certificate grade"),
];

impl ProductDraft {
    fn to_map(&self) -> BTreeMap<String, String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => {
                m.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned())).collect()
            }
            _ => BTreeMap::new(),
        }
    }

    fn from_map(map: BTreeMap<String, String>) -> Self {
        let obj: serde_json::Map<String, serde_json::Value> =
            map.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
        serde_json::from_value(serde_json::Value::Object(obj)).unwrap_or_default()
    }
}

/// The vertical's own attributes, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Details {
    Game { genre: String, publisher: String, release_date: chrono::NaiveDate, age_rating: String, system_requirements: String },
    Jewelry { stone: Option<String>, carat_hundredths: Option<i32>, finish: String, certificate: Option<(String, String, Option<String>)> },
}

/// A product form that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    pub name: String,
    pub slug: Slug,
    pub department: Department,
    pub category_id: i64,
    pub summary: String,
    pub description: String,
    pub keywords: String,
    pub max_per_order: i32,
    pub launch_at: Option<chrono::DateTime<chrono::Utc>>,
    pub featured: bool,
    pub details: Details,
}

fn field(field: &str, message: impl Into<String>) -> AppError {
    AppError::Field { field: field.to_owned(), message: message.into() }
}

/// Trimmed text of at most `max` characters, without control characters (tab and newlines allowed
/// only when `multiline`); `min` 1 makes it required.
fn text(value: &str, name: &str, label: &str, min: usize, max: usize, multiline: bool) -> Result<String, AppError> {
    let v = value.trim();
    if v.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(field(name, format!("{label} contains characters that cannot be shown.")));
    }
    let n = v.chars().count();
    if n < min {
        return Err(field(name, format!("{label} is required.")));
    }
    if n > max {
        return Err(field(name, format!("{label} can be at most {max} characters (it has {n}).")));
    }
    Ok(v.replace("\r\n", "\n"))
}

fn optional(value: &str, name: &str, label: &str, max: usize) -> Result<Option<String>, AppError> {
    let v = text(value, name, label, 0, max, false)?;
    Ok(Some(v).filter(|s| !s.is_empty()))
}

/// A slug from a name: transliterated to ASCII (`deunicode`), lower case, words joined by single hyphens, at most 80
/// characters ("Rosé Gold Ring — 18k" → "rose-gold-ring-18k").
pub fn slug_from_name(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let words: Vec<&str> = ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut out = String::new();
    for w in words {
        if out.len() + w.len() + 1 > 80 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

/// An amount as staff type it ("1299", "1299.5", "1299,50", "€ 1299.00") in minor units; anything
/// else (thousands separators, three decimals, zero, over a million) is refused with `name`'s message.
pub fn parse_price(value: &str, name: &str, label: &str) -> Result<Money, AppError> {
    let v: String = value.trim().trim_start_matches('€').chars().filter(|c| !c.is_whitespace()).collect();
    let bad = || field(name, format!("{label}: write an amount in euros like 1299.50."));
    let (units, cents) = match v.split_once(['.', ',']) {
        Some((u, c)) if !c.is_empty() && c.len() <= 2 && c.bytes().all(|b| b.is_ascii_digit()) => {
            (u, if c.len() == 1 { format!("{c}0") } else { c.to_owned() })
        }
        Some(_) => return Err(bad()),
        None => (v.as_str(), "00".to_owned()),
    };
    if units.is_empty() || units.len() > 7 || !units.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let minor = units.parse::<i64>().map_err(|_| bad())? * 100 + cents.parse::<i64>().map_err(|_| bad())?;
    if minor <= 0 {
        return Err(field(name, format!("{label} must be more than zero.")));
    }
    if minor > 1_000_000_00 {
        return Err(field(name, format!("{label} can be at most €1,000,000.00.")));
    }
    Ok(Money::eur(minor))
}

/// A SKU as typed: upper-cased, then 3..=64 of A-Z, 0-9 and hyphens, starting with a letter or digit.
pub fn parse_sku(value: &str, name: &str) -> Result<String, AppError> {
    let v = value.trim().to_ascii_uppercase();
    let ok = (3..=64).contains(&v.len())
        && v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(v)
    } else {
        Err(field(name, "A SKU is 3 to 64 letters, digits and hyphens, like RING-18K-7."))
    }
}

/// A stock level or threshold as typed: a whole number from 0 to 100,000.
pub fn parse_count(value: &str, name: &str, label: &str) -> Result<i32, AppError> {
    match value.trim().parse::<i32>() {
        Ok(n) if (0..=100_000).contains(&n) => Ok(n),
        _ => Err(field(name, format!("{label}: a whole number from 0 to 100000."))),
    }
}

/// An option value as typed (a platform, an edition, a metal, a ring size): 1..=40 characters; a
/// jewelry ring size is a whole US size from 3 to 15.
pub fn parse_option_value(department: Department, axis: u8, value: &str) -> Result<String, AppError> {
    let label = option_axis_label(department, axis);
    let v = text(value, "value", label, 1, 40, false)?;
    if department == Department::Jewelry && axis == 1 && !matches!(v.parse::<i16>(), Ok(3..=15)) {
        return Err(field("value", "A ring size is a whole US size from 3 to 15."));
    }
    Ok(v)
}

/// The name of a department's option axis: 0 is rows, 1 is columns of the variant matrix.
pub fn option_axis_label(department: Department, axis: u8) -> &'static str {
    match (department, axis) {
        (Department::Games, 0) => "Platform",
        (Department::Games, _) => "Edition",
        (Department::Jewelry, 0) => "Metal",
        (Department::Jewelry, _) => "Ring size",
    }
}

fn carat(value: &str) -> Result<Option<i32>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || field("carat", "Carat: a weight like 1.25 (at most two decimals, up to 100).");
    let (units, hundredths) = match v.split_once(['.', ',']) {
        Some((u, c)) if (1..=2).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => {
            (u, if c.len() == 1 { format!("{c}0") } else { c.to_owned() })
        }
        Some(_) => return Err(bad()),
        None => (v, "00".to_owned()),
    };
    let u: i32 = if units.is_empty() { 0 } else { units.parse().map_err(|_| bad())? };
    let total = u.checked_mul(100).and_then(|x| x.checked_add(hundredths.parse().ok()?)).ok_or_else(bad)?;
    if total <= 0 || total > 10_000 {
        return Err(bad());
    }
    Ok(Some(total))
}

/// Checks every field of a product form; the first failing field is the error (a field error the
/// form shows beside it). `department` of an existing product cannot change (its attributes and
/// variants belong to it), so the caller passes the stored one.
pub fn validate(draft: &ProductDraft, department: Option<Department>) -> Result<ProductInput, AppError> {
    let name = text(&draft.name, "name", "Name", 1, 200, false)?;
    let slug_text = if draft.slug.trim().is_empty() { slug_from_name(&name) } else { draft.slug.trim().to_owned() };
    let slug = Slug::parse(&slug_text)
        .filter(|_| slug_text.len() <= 80)
        .ok_or_else(|| field("slug", "The address is lower-case letters, digits and single hyphens, at most 80 characters (like gold-ring-7)."))?;
    let department = match department {
        Some(d) => d,
        None => Department::parse(draft.department.trim()).ok_or_else(|| field("department", "Choose Games or Jewelry."))?,
    };
    let category_id = draft.category_id.trim().parse::<i64>().map_err(|_| field("category_id", "Choose a category."))?;
    let summary = text(&draft.summary, "summary", "Summary", 0, 300, false)?;
    let description = text(&draft.description, "description", "Description", 0, 10_000, true)?;
    let keywords = text(&draft.keywords, "keywords", "Search keywords", 0, 500, false)?;
    let max_per_order = match draft.max_per_order.trim() {
        "" => 10,
        v => v.parse::<i32>().ok().filter(|n| (1..=99).contains(n)).ok_or_else(|| field("max_per_order", "Most per order: a whole number from 1 to 99."))?,
    };
    let launch_at = match draft.launch_at.trim() {
        "" => None,
        v => {
            let t = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
                .map_err(|_| field("launch_at", "Launch: a date and time like 2027-03-01T18:00 (UTC)."))?;
            Some(t.and_utc())
        }
    };
    let featured = matches!(draft.featured.trim(), "on" | "true" | "1");
    let details = match department {
        Department::Games => {
            let release_date = chrono::NaiveDate::parse_from_str(draft.release_date.trim(), "%Y-%m-%d")
                .map_err(|_| field("release_date", "Release date: a date like 2026-11-20."))?;
            let age_rating = draft.age_rating.trim();
            if !AGE_RATINGS.contains(&age_rating) {
                return Err(field("age_rating", "Choose an age rating."));
            }
            Details::Game {
                genre: text(&draft.genre, "genre", "Genre", 1, 60, false)?,
                publisher: text(&draft.publisher, "publisher", "Publisher", 1, 100, false)?,
                release_date,
                age_rating: age_rating.to_owned(),
                system_requirements: text(&draft.system_requirements, "system_requirements", "System requirements", 0, 2000, true)?,
            }
        }
        Department::Jewelry => {
            let stone = optional(&draft.stone, "stone", "Stone", 60)?;
            let carat_hundredths = carat(&draft.carat)?;
            if stone.is_none() && carat_hundredths.is_some() {
                return Err(field("carat", "A carat weight needs a stone."));
            }
            let lab = optional(&draft.cert_lab, "cert_lab", "Certificate lab", 60)?;
            let number = optional(&draft.cert_number, "cert_number", "Certificate number", 60)?;
            let grade = optional(&draft.cert_grade, "cert_grade", "Certificate grade", 40)?;
            let certificate = match (lab, number) {
                (Some(l), Some(n)) => Some((l, n, grade)),
                (None, None) if grade.is_none() => None,
                (None, _) => return Err(field("cert_lab", "A certificate needs its lab.")),
                (_, None) => return Err(field("cert_number", "A certificate needs its number.")),
            };
            Details::Jewelry { stone, carat_hundredths, finish: text(&draft.finish, "finish", "Finish", 1, 60, false)?, certificate }
        }
    };
    Ok(ProductInput {
        name,
        slug,
        department,
        category_id,
        summary,
        description,
        keywords,
        max_per_order,
        launch_at,
        featured,
        details,
    })
}

/// One field someone else changed since the editor opened the product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub label: String,
    /// The value when you opened the product.
    pub was: String,
    /// The value they saved.
    pub theirs: String,
    /// What you typed, when you changed the field too (a clash: yours is kept in the form).
    pub yours: Option<String>,
}

/// The three-way merge of a refused save: the form to show again (their value in each field you
/// did not touch, yours where you did) and the list of what they changed.
pub fn merge(opened: &ProductDraft, mine: &ProductDraft, theirs: &ProductDraft) -> (ProductDraft, Vec<FieldChange>) {
    let (o, m, t) = (opened.to_map(), mine.to_map(), theirs.to_map());
    let mut merged = BTreeMap::new();
    let mut changes = Vec::new();
    for (key, label) in FIELD_LABELS {
        let (Some(ov), Some(mv), Some(tv)) = (o.get(key), m.get(key), t.get(key)) else { continue };
        let i_changed = mv.trim() != ov.trim();
        let they_changed = tv.trim() != ov.trim();
        merged.insert(key.to_owned(), if i_changed { mv.clone() } else { tv.clone() });
        if they_changed {
            changes.push(FieldChange {
                label: label.to_owned(),
                was: ov.clone(),
                theirs: tv.clone(),
                yours: (i_changed && mv.trim() != tv.trim()).then(|| mv.clone()),
            });
        }
    }
    (ProductDraft::from_map(merged), changes)
}

/// Joins keyword phrases and attribute values into a product's `search_text`, dropping words
/// already in the name (indexed with a higher weight) and repeated phrases. Phrases stay whole
/// ("Rose gold"), so substring (trigram) search finds them too.
pub fn search_text(name: &str, phrases: &[&str]) -> String {
    fn norm(w: &str) -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
    }
    let in_name: Vec<String> = name.split_whitespace().map(norm).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for phrase in phrases {
        let kept: Vec<&str> = phrase
            .split_whitespace()
            .filter(|w| {
                let key = norm(w);
                !key.is_empty() && !in_name.contains(&key)
            })
            .collect();
        let kept = kept.join(" ");
        let key = kept.to_lowercase();
        if !kept.is_empty() && !seen.contains(&key) {
            seen.push(key);
            out.push(kept);
        }
    }
    out.join(" ")
}

/// The staff product list's filters, as in its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFilter {
    /// Part of a name, slug or SKU.
    pub q: String,
    /// "games", "jewelry" or empty.
    pub department: String,
    /// A category id or empty.
    pub category: String,
    /// "draft", "active", "archived" or empty.
    pub status: String,
    /// Only products with a variant at or below its low-stock threshold.
    pub low_stock: bool,
    pub page: u32,
}

pub const STAFF_PER_PAGE: u32 = 50;

impl StaffFilter {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = StaffFilter { page: 1, ..Default::default() };
        for (k, v) in pairs {
            match k.as_str() {
                "q" => f.q = v.trim().chars().take(100).collect(),
                "department" => f.department = v.clone(),
                "category" => f.category = v.clone(),
                "status" => f.status = v.clone(),
                "low_stock" => f.low_stock = matches!(v.as_str(), "1" | "on" | "true"),
                "page" => f.page = v.parse().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or(1),
                _ => {}
            }
        }
        f
    }

    /// The list's address with these filters on `page`.
    pub fn href(&self, page: u32) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("q", &self.q), ("department", &self.department), ("category", &self.category), ("status", &self.status)] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if self.low_stock {
            q.append_pair("low_stock", "1");
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        let q = q.finish();
        if q.is_empty() { "/admin/products".to_owned() } else { format!("/admin/products?{q}") }
    }
}

/// One row of the staff product list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProductRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub department: Department,
    pub category: String,
    pub status: ProductStatus,
    /// Variants on sale (not archived).
    pub variants: i64,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    pub stock: i64,
    /// Variants at or below their low-stock threshold.
    pub low_stock: i64,
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProductList {
    pub rows: Vec<StaffProductRow>,
    pub total: i64,
}

/// A category as staff pick and manage it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub department: Department,
    pub parent_id: Option<i64>,
    /// "Jewelry › Rings".
    pub path: String,
    pub products: i64,
}

/// One filled cell of the variant matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub variant_id: i64,
    pub row: String,
    /// None: the product has no second option (a necklace without sizes).
    pub col: Option<String>,
    pub sku: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock: i32,
    pub low_stock_threshold: i32,
    /// Its stock is its pool of licence keys (managed on the keys page).
    pub keyed: bool,
    pub archived: bool,
}

/// A cell as a form or the editable grid sends it: text as typed, checked on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellEdit {
    pub row: String,
    /// Empty or None: the product has no second option.
    pub col: Option<String>,
    pub sku: String,
    pub price: String,
    pub compare_at: String,
    pub low_stock_threshold: String,
    /// A new cell's opening stock (empty: 0).
    pub stock: Option<String>,
}

/// The page anchor of a matrix cell's form (the grid's cells link to it).
pub fn cell_anchor(row: &str, col: Option<&str>) -> String {
    format!("cell-{}", slug_from_name(&format!("{row}|{}", col.unwrap_or_default())))
}

/// A product's variants as a sparse matrix: rows are axis 0 (platform, metal), columns axis 1
/// (edition, ring size). A pair with no cell is "not made".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    pub row_label: String,
    pub col_label: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// The live or archived cell at (row, col).
    pub fn cell(&self, row: &str, col: Option<&str>) -> Option<&Cell> {
        self.cells.iter().find(|c| c.row == row && c.col.as_deref() == col)
    }
    /// The columns to draw: the axis-1 values, or one unnamed column when there are none.
    pub fn columns(&self) -> Vec<Option<String>> {
        if self.cols.is_empty() { vec![None] } else { self.cols.iter().cloned().map(Some).collect() }
    }
}

/// One stock movement as staff read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub at: String,
    pub sku: String,
    pub delta: i32,
    pub reason: String,
    /// Staff e-mail, or the order number it came from.
    pub by: String,
    pub note: String,
}

/// The reason codes staff give a stock adjustment, with their labels.
pub const ADJUST_REASONS: [(&str, &str); 5] = [
    ("received", "Received (delivery)"),
    ("correction", "Correction"),
    ("damaged", "Damaged"),
    ("shrinkage", "Shrinkage (lost or stolen)"),
    ("cycle_count", "Cycle count"),
];

/// A photo as its product's editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPhoto {
    pub id: i64,
    pub alt: String,
    /// The smallest rendition, once there is one.
    pub thumb: Option<String>,
    /// pending, processing, ready or failed.
    pub status: String,
    pub option_value: Option<String>,
    pub progress: i32,
    pub error: Option<String>,
}

/// One uploaded file's outcome, as the upload route answers it (JSON for the page's script).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileOutcome {
    pub file: String,
    /// The photo's id when accepted.
    pub id: Option<i64>,
    pub error: Option<String>,
}

/// A photo's preparation, as the editor polls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoProgress {
    pub id: i64,
    pub status: String,
    pub progress: i32,
}

impl PhotoProgress {
    pub fn busy(&self) -> bool {
        self.status == "pending" || self.status == "processing"
    }
}

/// A product as its editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProduct {
    pub id: i64,
    pub version: i32,
    pub status: ProductStatus,
    pub department: Department,
    /// The address shoppers use today.
    pub slug: String,
    pub draft: ProductDraft,
    pub matrix: Matrix,
    pub ledger: Vec<LedgerEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game() -> ProductDraft {
        ProductDraft {
            name: "Star Forge".into(),
            department: "games".into(),
            category_id: "3".into(),
            genre: "Strategy".into(),
            publisher: "Nebula".into(),
            release_date: "2026-11-20".into(),
            age_rating: "PEGI 12".into(),
            ..Default::default()
        }
    }

    fn ring() -> ProductDraft {
        ProductDraft {
            name: "Rosé Solitaire Ring".into(),
            department: "jewelry".into(),
            category_id: "7".into(),
            finish: "Polished".into(),
            stone: "Diamond".into(),
            carat: "0.5".into(),
            ..Default::default()
        }
    }

    fn field_of(e: AppError) -> String {
        match e {
            AppError::Field { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn slugs_are_derived_from_names_and_checked_when_typed() {
        assert_eq!(slug_from_name("Rosé Gold Ring — 18k"), "rose-gold-ring-18k");
        assert_eq!(slug_from_name("  Ærø Straße  "), "aero-strasse");
        assert_eq!(slug_from_name("!!!"), "");
        assert!(slug_from_name(&"word ".repeat(40)).len() <= 80);
        let input = validate(&ring(), None).unwrap();
        assert_eq!(input.slug.as_str(), "rose-solitaire-ring");
        for bad in ["Upper-Case", "two--hyphens", "-lead", "a/b", &"x".repeat(81)] {
            let d = ProductDraft { slug: bad.into(), ..ring() };
            assert_eq!(field_of(validate(&d, None).unwrap_err()), "slug", "{bad}");
        }
        // A name with no letters gives no slug: the error is on the slug, not a 500.
        let d = ProductDraft { name: "???".into(), ..ring() };
        assert_eq!(field_of(validate(&d, None).unwrap_err()), "slug");
    }

    #[test]
    fn prices_are_whole_minor_units_and_refused_when_ambiguous() {
        let p = |s: &str| parse_price(s, "price", "Price").map(|m| m.minor);
        assert_eq!(p("1299").unwrap(), 129_900);
        assert_eq!(p("1299.5").unwrap(), 129_950);
        assert_eq!(p("1299,50").unwrap(), 129_950);
        assert_eq!(p("€ 12.05").unwrap(), 1205);
        assert_eq!(p("0.01").unwrap(), 1);
        for bad in ["", "0", "0.00", "-5", "1,234.50", "12.345", "1e3", "12.", "abc", "99999999"] {
            assert!(p(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(p("1000000.01"), Err(AppError::Field { .. })));
        assert_eq!(p("1000000").unwrap(), 100_000_000);
    }

    #[test]
    fn skus_and_counts_and_option_values_follow_their_rules() {
        assert_eq!(parse_sku(" ring-18k-7 ", "sku").unwrap(), "RING-18K-7");
        for bad in ["", "AB", "-ABC", "RING 7", "RING_7", "Ä-123", &"A".repeat(65)] {
            assert!(parse_sku(bad, "sku").is_err(), "{bad:?}");
        }
        assert_eq!(parse_count("0", "stock", "Stock").unwrap(), 0);
        assert!(parse_count("-1", "stock", "Stock").is_err());
        assert!(parse_count("1.5", "stock", "Stock").is_err());
        assert_eq!(parse_option_value(Department::Jewelry, 1, " 9 ").unwrap(), "9");
        assert!(parse_option_value(Department::Jewelry, 1, "9.5").is_err());
        assert!(parse_option_value(Department::Jewelry, 1, "16").is_err());
        assert_eq!(parse_option_value(Department::Jewelry, 0, "Platinum").unwrap(), "Platinum");
        assert!(parse_option_value(Department::Games, 0, "").is_err());
        assert!(parse_option_value(Department::Games, 1, &"x".repeat(41)).is_err());
    }

    #[test]
    fn each_vertical_checks_its_own_attributes() {
        let g = validate(&game(), None).unwrap();
        assert!(matches!(g.details, Details::Game { ref age_rating, .. } if age_rating == "PEGI 12"));
        assert_eq!(g.max_per_order, 10);
        for (bad, f) in [
            (ProductDraft { age_rating: "PEGI 21".into(), ..game() }, "age_rating"),
            (ProductDraft { release_date: "20/11/2026".into(), ..game() }, "release_date"),
            (ProductDraft { genre: " ".into(), ..game() }, "genre"),
            (ProductDraft { max_per_order: "100".into(), ..game() }, "max_per_order"),
            (ProductDraft { launch_at: "tomorrow".into(), ..game() }, "launch_at"),
            (ProductDraft { name: "a\u{0}b".into(), ..game() }, "name"),
            (ProductDraft { category_id: "x".into(), ..game() }, "category_id"),
            (ProductDraft { department: "shoes".into(), ..game() }, "department"),
        ] {
            assert_eq!(field_of(validate(&bad, None).unwrap_err()), f);
        }
        let launch = validate(&ProductDraft { launch_at: "2027-03-01T18:00".into(), ..game() }, None).unwrap();
        assert_eq!(launch.launch_at.unwrap().to_rfc3339(), "2027-03-01T18:00:00+00:00");

        let r = validate(&ring(), None).unwrap();
        assert!(matches!(r.details, Details::Jewelry { carat_hundredths: Some(50), certificate: None, .. }));
        for (bad, f) in [
            (ProductDraft { stone: "".into(), ..ring() }, "carat"),
            (ProductDraft { carat: "0.555".into(), ..ring() }, "carat"),
            (ProductDraft { carat: "0".into(), ..ring() }, "carat"),
            (ProductDraft { cert_lab: "GIA".into(), ..ring() }, "cert_number"),
            (ProductDraft { cert_number: "123".into(), ..ring() }, "cert_lab"),
            (ProductDraft { finish: "".into(), ..ring() }, "finish"),
        ] {
            assert_eq!(field_of(validate(&bad, None).unwrap_err()), f);
        }
        // The stored department wins over a tampered form field.
        let d = validate(&ProductDraft { department: "games".into(), ..ring() }, Some(Department::Jewelry)).unwrap();
        assert_eq!(d.department, Department::Jewelry);
    }

    #[test]
    fn search_text_complements_the_name_and_keeps_phrases_whole() {
        let text = search_text("Rose Gold Halo Ring", &["ring", "Rose gold", "engagement", "Sapphire", "sapphire", "Halo"]);
        assert_eq!(text, "engagement Sapphire", "words of the name and repeats are dropped");
        assert_eq!(search_text("Star Forge", &["Deluxe Edition", "PC", "Star"]), "Deluxe Edition PC");
    }

    #[test]
    fn a_refused_save_keeps_my_changes_takes_theirs_elsewhere_and_lists_theirs() {
        let opened = ProductDraft { summary: "Old".into(), ..game() };
        let mine = ProductDraft { name: "Star Forge II".into(), summary: "Mine".into(), ..opened.clone() };
        let theirs = ProductDraft { publisher: "Nova".into(), summary: "Theirs".into(), ..opened.clone() };
        let (merged, changes) = merge(&opened, &mine, &theirs);
        assert_eq!(merged.name, "Star Forge II", "my change is kept");
        assert_eq!(merged.publisher, "Nova", "their change is taken where I changed nothing");
        assert_eq!(merged.summary, "Mine", "a clash keeps mine in the form");
        assert_eq!(
            changes,
            vec![
                FieldChange { label: "Summary".into(), was: "Old".into(), theirs: "Theirs".into(), yours: Some("Mine".into()) },
                FieldChange { label: "Publisher".into(), was: "Nebula".into(), theirs: "Nova".into(), yours: None },
            ]
        );
        let (_, none) = merge(&opened, &mine, &opened);
        assert!(none.is_empty());
    }
}
