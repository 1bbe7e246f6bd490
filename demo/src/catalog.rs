//! The demo catalog's data files (`demo/data/*.toml`), embedded at build time and parsed once.
//! A mistake in a file fails this crate's tests (they plan the whole catalog), not a shop start.

use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::jewelry::Style;

/// One category; department roots come first in the file, before their children.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub department: String,
    /// `None` for a department root.
    pub parent: Option<String>,
    pub description: String,
    pub position: i32,
}

/// A platform, edition or metal: the token the `variants` specs use, the stored option value,
/// its SKU code and (platforms) the short names shoppers type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionValue {
    pub token: String,
    pub value: String,
    pub sku: String,
    #[serde(default)]
    pub aliases: String,
}

/// A game title; the file's header says what each field means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Game {
    pub slug: String,
    pub name: String,
    pub code: String,
    pub category: String,
    pub genre: String,
    pub publisher: String,
    pub release: String,
    pub age_rating: String,
    pub system_requirements: String,
    pub variants: String,
    pub price: i64,
    pub featured: bool,
    pub summary: String,
    pub description: String,
    pub keywords: String,
}

/// A piece of jewelry; the file's header says what each field means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jewel {
    pub slug: String,
    pub name: String,
    pub code: String,
    pub style: Style,
    pub stone: Option<String>,
    pub carat_hundredths: Option<i32>,
    pub finish: String,
    /// (lab, number, grade)
    pub cert: Option<(String, String, String)>,
    pub variants: String,
    pub price: i64,
    pub featured: bool,
    pub summary: String,
    pub description: String,
    pub keywords: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Games {
    /// Games whose every key is sold out.
    pub sold_out: Vec<String>,
    pub platform: Vec<OptionValue>,
    pub edition: Vec<OptionValue>,
    pub game: Vec<Game>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jewelry {
    /// Pieces with nothing left in any metal or size.
    pub sold_out: Vec<String>,
    /// Variants (SKUs) with exactly one piece left ("last one!" badges).
    pub last_one: Vec<String>,
    pub metal: Vec<OptionValue>,
    pub jewel: Vec<Jewel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Categories {
    category: Vec<Category>,
}

pub fn categories() -> &'static [Category] {
    static DATA: LazyLock<Categories> =
        LazyLock::new(|| parse("categories.toml", include_str!("../data/categories.toml")));
    &DATA.category
}

pub fn games() -> &'static Games {
    static DATA: LazyLock<Games> = LazyLock::new(|| parse("games.toml", include_str!("../data/games.toml")));
    &DATA
}

pub fn jewelry() -> &'static Jewelry {
    static DATA: LazyLock<Jewelry> =
        LazyLock::new(|| parse("jewelry.toml", include_str!("../data/jewelry.toml")));
    &DATA
}

/// The files are part of the build, so a bad one is a bug in this crate: panic with its name.
fn parse<T: DeserializeOwned>(file: &str, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("demo/data/{file}: {e}"))
}
