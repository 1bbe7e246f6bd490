//! Games department: fictional titles sold as licence keys, planned from `data/games.toml`.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::catalog::{self, Game};
use crate::images::{Art, GameShot, spread_hue};
use crate::{Details, GAMES, ProductPlan, VariantPlan, hash, plan_images};

pub(crate) fn plan(now: DateTime<Utc>) -> Vec<ProductPlan> {
    catalog::games()
        .game
        .iter()
        .enumerate()
        .map(|(i, g)| plan_game(g, i, now))
        .collect()
}

fn plan_game(g: &'static Game, index: usize, now: DateTime<Utc>) -> ProductPlan {
    let release_date = NaiveDate::parse_from_str(&g.release, "%Y-%m-%d")
        .unwrap_or_else(|e| panic!("bad release date for {}: {e}", g.slug));
    let h = hash(&g.slug);
    let data = catalog::games();
    let sold_out = data.sold_out.iter().any(|s| *s == g.slug);

    // Deluxe costs 10–30 € more, Collector's another 40 €.
    let deluxe_extra = [1000, 1500, 2000, 2500, 3000][(h % 5) as usize];
    let mut variants = Vec::new();
    for group in g.variants.split_whitespace() {
        let (token, editions) = group
            .split_once(':')
            .unwrap_or_else(|| panic!("bad variant group {group:?} for {}", g.slug));
        let platform = data
            .platform
            .iter()
            .find(|p| p.token == token)
            .unwrap_or_else(|| panic!("unknown platform {token:?} for {}", g.slug));
        let platform_code = &platform.sku;
        for letter in editions.chars() {
            let edition = data
                .edition
                .iter()
                .find(|e| e.token.chars().eq([letter]))
                .unwrap_or_else(|| panic!("unknown edition {letter:?} for {}", g.slug));
            let edition_code = &edition.sku;
            let sku = format!("GM-{}-{platform_code}-{edition_code}", g.code);
            let price_minor = match letter {
                's' => g.price,
                'd' => g.price + deluxe_extra,
                _ => g.price + deluxe_extra + 4000,
            };
            // About one variant in ten has no keys left.
            let k = hash(&sku);
            let stock = if sold_out || k % 10 == 3 {
                0
            } else {
                20 + (k / 10 % 481) as i32
            };
            variants.push(VariantPlan {
                sku,
                price_minor,
                stock,
                platform: Some(platform.value.as_str()),
                edition: Some(edition.value.as_str()),
                metal: None,
                ring_size: None,
            });
        }
    }

    // Listed in the shop some weeks before release (pre-orders); titles older than the shop
    // itself (two years) are spread over its first months.
    let lead = Duration::days(14 + (h % 77) as i64) + Duration::minutes((h >> 20) as i64 % 1440);
    let listed = release_date
        .and_hms_opt(9, 0, 0)
        .expect("valid time")
        .and_utc()
        - lead;
    let oldest = now - Duration::days(725);
    let created_at = if listed < oldest {
        oldest + Duration::days((h >> 8) as i64 % 200) + Duration::minutes((h >> 30) as i64 % 1440)
    } else {
        listed.min(now - Duration::hours(6 + (h % 40) as i64))
    };

    // Loose words one by one (so repeats collapse), multi-word terms as phrases.
    let mut phrases: Vec<&str> = g.keywords.split_whitespace().collect();
    phrases.extend([g.genre.as_str(), g.publisher.as_str(), "game"]);
    let mut platforms: Vec<&str> = Vec::new();
    let mut editions: Vec<&str> = Vec::new();
    for v in &variants {
        let (p, e) = (
            v.platform.unwrap_or_default(),
            v.edition.unwrap_or_default(),
        );
        if !platforms.contains(&p) {
            platforms.push(p);
        }
        if !editions.contains(&e) {
            editions.push(e);
        }
    }
    phrases.extend(platforms.iter().map(|p| platform_aliases(data, p)));
    phrases.extend(editions.iter().map(|e| match *e {
        "Standard" => "Standard Edition",
        "Deluxe" => "Deluxe Edition",
        _ => "Collector's Edition",
    }));

    let image_count = if g.featured || h % 3 == 0 { 3 } else { 2 };
    let scene = scene_words(&g.genre);
    let shots = [
        (GameShot::Cover, format!("{} cover art", g.name)),
        (GameShot::Screenshot, format!("{} gameplay screenshot: {scene}", g.name)),
        (GameShot::KeyArt, format!("{} key art emblem", g.name)),
    ];
    let images = plan_images(shots, image_count, |shot| Art::Game {
        slug: g.slug.as_str(),
        hue: spread_hue(index, h),
        title: g.name.as_str(),
        genre: g.genre.as_str(),
        age_rating: g.age_rating.as_str(),
        shot,
    });

    ProductPlan {
        slug: g.slug.as_str(),
        name: g.name.as_str(),
        department: GAMES,
        category: g.category.as_str(),
        summary: g.summary.as_str(),
        description: g.description.as_str(),
        featured: g.featured,
        created_at,
        search_phrases: phrases,
        details: Details::Game {
            genre: g.genre.as_str(),
            publisher: g.publisher.as_str(),
            release_date,
            age_rating: g.age_rating.as_str(),
            system_requirements: g.system_requirements.as_str(),
        },
        variants,
        images,
    }
}

/// What the generated screenshot of each genre shows, for its alt text.
fn scene_words(genre: &str) -> &'static str {
    match genre {
        "Action" | "Adventure" => "a mountain landscape at dusk with the game's HUD",
        "RPG" => "a glowing rune circle under a night sky with the game's HUD",
        "Strategy" => "a hex map with rival territories and banners",
        "Simulation" => "an isometric view of the player's buildings",
        "Racing" => "a highway stretching to a striped sunset",
        "Sports" => "a floodlit stadium with the ball in play",
        "Puzzle" => "a board of coloured tiles mid-puzzle",
        _ => "rolling hills with a small cottage under the moon",
    }
}

/// Short names shoppers type for a platform (its stored value).
fn platform_aliases(data: &'static catalog::Games, platform: &str) -> &'static str {
    data.platform.iter().find(|p| p.value == platform).map_or("", |p| p.aliases.as_str())
}
