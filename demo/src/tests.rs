//! The demo plan's tests: the data files parse, every product satisfies the schema's rules, the
//! option grids and stock are what the shop's own tests expect, and every picture renders.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, Duration, Utc};

use super::images::{self, Art, GameShot, JewelShot};
use super::jewelry::Style;
use super::*;
use crate::catalog;

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Mirrors the CHECK `^[A-Z0-9][A-Z0-9-]{2,63}$`.
fn is_sku(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=64).contains(&b.len())
        && (b[0].is_ascii_uppercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
}

fn games(plan: &[ProductPlan]) -> Vec<&ProductPlan> {
    plan.iter().filter(|p| p.department == GAMES).collect()
}

fn pieces(plan: &[ProductPlan]) -> Vec<&ProductPlan> {
    plan.iter().filter(|p| p.department == JEWELRY).collect()
}

fn fully_sold_out(p: &ProductPlan) -> bool {
    p.variants.iter().all(|v| v.stock == 0)
}

// ---------------------------------------------------------------------------------------------
// The plan, without a database
// ---------------------------------------------------------------------------------------------

#[test]
fn plan_satisfies_schema_constraints() {
    let plan = plan_catalog(Utc::now());
    let mut slugs = HashSet::new();
    let mut skus = HashSet::new();
    let leaves: BTreeMap<&str, &str> = categories()
        .iter()
        .filter(|c| c.parent.is_some())
        .map(|c| (c.slug.as_str(), c.department.as_str()))
        .collect();
    for c in categories() {
        assert!(is_slug(&c.slug), "category slug {}", c.slug);
        if let Some(parent) = &c.parent {
            let root = categories()
                .iter()
                .find(|r| r.slug == *parent)
                .expect("parent exists");
            assert!(
                root.parent.is_none() && root.department == c.department,
                "{}",
                c.slug
            );
        }
    }
    for p in &plan {
        assert!(is_slug(p.slug), "slug {}", p.slug);
        assert!(slugs.insert(p.slug), "duplicate slug {}", p.slug);
        assert!(
            (1..=200).contains(&p.name.chars().count()),
            "name {}",
            p.name
        );
        assert_eq!(
            leaves.get(p.category),
            Some(&p.department),
            "{} is in a leaf of its department",
            p.slug
        );
        assert!(
            !p.summary.is_empty() && !p.description.is_empty(),
            "{} has copy",
            p.slug
        );
        assert!(!p.search_phrases.is_empty(), "{} has search words", p.slug);
        assert!(!p.variants.is_empty(), "{} has variants", p.slug);
        let mut combos = HashSet::new();
        for v in &p.variants {
            assert!(is_sku(&v.sku), "sku {}", v.sku);
            assert!(skus.insert(v.sku.clone()), "duplicate sku {}", v.sku);
            assert!(v.price_minor > 0 && v.stock >= 0, "{}", v.sku);
            assert!(
                v.ring_size.is_none_or(|s| (3..=15).contains(&s)),
                "{}",
                v.sku
            );
            assert!(
                combos.insert((v.platform, v.edition, v.metal, v.ring_size)),
                "duplicate option combination in {}",
                p.slug
            );
        }
        assert!(
            (2..=3).contains(&p.images.len()),
            "{} has 2-3 images",
            p.slug
        );
        for (i, img) in p.images.iter().enumerate() {
            assert_eq!(img.n, i as i32 + 1);
            assert!(img.alt.len() > 10, "{} alt text", p.slug);
        }
        match &p.details {
            Details::Game { age_rating, .. } => {
                assert_eq!(p.department, GAMES);
                assert!(["PEGI 3", "PEGI 7", "PEGI 12", "PEGI 16", "PEGI 18"].contains(age_rating));
            }
            Details::Jewelry {
                stone,
                carat_hundredths,
                cert_lab,
                cert_number,
                ..
            } => {
                assert_eq!(p.department, JEWELRY);
                assert_eq!(cert_lab.is_none(), cert_number.is_none(), "{}", p.slug);
                assert!(stone.is_some() || carat_hundredths.is_none(), "{}", p.slug);
                assert!(carat_hundredths.is_none_or(|c| c > 0), "{}", p.slug);
            }
        }
    }
}

#[test]
fn games_have_partial_option_grids_and_stock() {
    let plan = plan_catalog(Utc::now());
    let games = games(&plan);
    assert!(games.len() >= 42);
    let genres_by_category: &[(&str, &[&str])] = &[
        ("action-adventure", &["Action", "Adventure"]),
        ("role-playing", &["RPG"]),
        ("strategy", &["Strategy", "Simulation"]),
        ("racing-sports", &["Racing", "Sports"]),
        ("puzzle-indie", &["Puzzle", "Indie"]),
    ];
    let (mut zero, mut total, mut future) = (0, 0, 0);
    let today = Utc::now().date_naive();
    for g in &games {
        assert!(
            (2..=6).contains(&g.variants.len()),
            "{} has {} variants",
            g.slug,
            g.variants.len()
        );
        let Details::Game {
            genre,
            publisher,
            release_date,
            system_requirements,
            ..
        } = &g.details
        else {
            panic!("{} has game details", g.slug)
        };
        let allowed = genres_by_category
            .iter()
            .find(|(c, _)| *c == g.category)
            .expect("game category")
            .1;
        assert!(
            allowed.contains(genre),
            "{}: {genre} in {}",
            g.slug,
            g.category
        );
        assert!(!publisher.is_empty() && !system_requirements.is_empty());
        assert!(
            (2023..=2027).contains(&release_date.year()),
            "{} release",
            g.slug
        );
        if *release_date > today {
            future += 1;
        }
        for v in &g.variants {
            assert!(v.metal.is_none() && v.ring_size.is_none(), "{}", v.sku);
            let platform = v.platform.expect("platform");
            let edition = v.edition.expect("edition");
            assert!(
                catalog::games().platform.iter().any(|p| p.value == platform),
                "{}",
                v.sku
            );
            assert!(catalog::games().edition.iter().any(|e| e.value == edition), "{}", v.sku);
            assert!(
                v.stock == 0 || (20..=500).contains(&v.stock),
                "{} stock {}",
                v.sku,
                v.stock
            );
            total += 1;
            if v.stock == 0 {
                zero += 1;
            }
            let standard = g
                .variants
                .iter()
                .find(|s| s.platform == v.platform && s.edition == Some("Standard"));
            match (edition, standard) {
                ("Standard", _) => assert!((999..=6999).contains(&v.price_minor), "{}", v.sku),
                ("Deluxe", Some(s)) => {
                    assert!(
                        (1000..=3000).contains(&(v.price_minor - s.price_minor)),
                        "{}",
                        v.sku
                    )
                }
                (_, Some(s)) => assert!(v.price_minor > s.price_minor, "{}", v.sku),
                _ => {}
            }
        }
    }
    // Not every platform offers every edition.
    let incomplete = games
        .iter()
        .filter(|g| {
            let platforms: BTreeSet<_> = g.variants.iter().map(|v| v.platform).collect();
            let editions: BTreeSet<_> = g.variants.iter().map(|v| v.edition).collect();
            platforms.len() * editions.len() > g.variants.len()
        })
        .count();
    assert!(
        incomplete >= games.len() / 3,
        "only {incomplete} games have a partial option grid"
    );
    let share = zero as f64 / total as f64;
    assert!(
        (0.05..=0.25).contains(&share),
        "{zero} of {total} game variants sold out"
    );
    assert!(games.iter().filter(|g| fully_sold_out(g)).count() >= 2);
    assert!((1..=4).contains(&future), "{future} unreleased games");
}

#[test]
fn jewelry_has_real_metal_and_size_options() {
    let plan = plan_catalog(Utc::now());
    let pieces = pieces(&plan);
    assert!(pieces.len() >= 42);
    let metals: Vec<&str> = catalog::jewelry().metal.iter().map(|m| m.value.as_str()).collect();
    let (mut plain, mut stones, mut certified, mut zero, mut total) = (0, 0, 0, 0, 0);
    let mut last_one_ring = false;
    for p in &pieces {
        let Details::Jewelry {
            stone,
            carat_hundredths,
            cert_lab,
            cert_grade,
            finish,
            ..
        } = &p.details
        else {
            panic!("{} has jewelry details", p.slug)
        };
        assert!(["Polished", "Brushed", "Hammered", "Matte"].contains(finish));
        match stone {
            None => plain += 1,
            Some(s) => {
                stones += 1;
                assert!(
                    [
                        "Diamond", "Sapphire", "Ruby", "Emerald", "Pearl", "Topaz", "Amethyst"
                    ]
                    .contains(s),
                    "{s}"
                );
                assert!(carat_hundredths.is_some(), "{} carat", p.slug);
                if let Some(lab) = cert_lab {
                    certified += 1;
                    assert!(["GIA", "IGI", "HRD"].contains(lab));
                    assert!(cert_grade.is_some());
                }
            }
        }
        let ring = p.category == "rings";
        if !ring {
            assert!((1..=4).contains(&p.variants.len()), "{}", p.slug);
        }
        for v in &p.variants {
            assert!(v.platform.is_none() && v.edition.is_none(), "{}", v.sku);
            let metal = v.metal.expect("metal");
            assert!(metals.contains(&metal), "{}", v.sku);
            assert_eq!(v.ring_size.is_some(), ring, "{}", v.sku);
            assert!((0..=8).contains(&v.stock), "{}", v.sku);
            let price_ok = match metal {
                "Sterling silver" => (4900..=19900).contains(&v.price_minor),
                "Platinum" => v.price_minor > 29900,
                _ => (29900..=349900).contains(&v.price_minor),
            };
            assert!(price_ok, "{} costs {}", v.sku, v.price_minor);
            total += 1;
            if v.stock == 0 {
                zero += 1;
            }
            if ring && v.stock == 1 {
                last_one_ring = true;
            }
        }
    }
    let plain_share = plain as f64 / pieces.len() as f64;
    assert!((0.15..=0.35).contains(&plain_share), "{plain} plain pieces");
    let cert_share = certified as f64 / stones as f64;
    assert!(
        (0.35..=0.65).contains(&cert_share),
        "{certified} of {stones} certified"
    );
    assert!(
        zero * 10 >= total,
        "a fair number of sold-out variants ({zero} of {total})"
    );
    assert!(pieces.iter().any(|p| fully_sold_out(p)));
    assert!(
        last_one_ring,
        "some ring variant has exactly one piece left"
    );
}

#[test]
fn names_match_what_the_search_tests_expect() {
    let plan = plan_catalog(Utc::now());
    let zelda: Vec<_> = plan
        .iter()
        .filter(|p| p.name.to_lowercase().contains("zeld"))
        .collect();
    assert_eq!(zelda.len(), 1);
    assert_eq!(zelda[0].department, GAMES);
    assert!(zelda[0].name.contains("Zelda"));
    let sapphire: Vec<_> = plan
        .iter()
        .filter(|p| p.name.to_lowercase().contains("sapph"))
        .collect();
    assert!(sapphire.len() >= 2);
    assert!(
        sapphire
            .iter()
            .all(|p| p.department == JEWELRY && p.name.contains("Sapphire"))
    );
}

#[test]
fn featured_and_creation_dates_are_spread() {
    let now = Utc::now();
    let plan = plan_catalog(now);
    for dept in [games(&plan), pieces(&plan)] {
        let featured = dept.iter().filter(|p| p.featured).count();
        assert!((4..=8).contains(&featured), "{featured} featured");
        let days: BTreeSet<_> = dept.iter().map(|p| p.created_at.date_naive()).collect();
        assert!(
            days.len() * 10 >= dept.len() * 8,
            "created_at values are varied"
        );
        for p in &dept {
            assert!(
                p.created_at <= now && p.created_at >= now - Duration::days(731),
                "{}",
                p.slug
            );
        }
        let oldest = dept.iter().map(|p| p.created_at).min().expect("products");
        assert!(
            oldest < now - Duration::days(365),
            "the catalog spans more than a year"
        );
    }
}

#[test]
fn renders_full_size_pictures_for_every_shot() {
    let arts = [
        Art::Game {
            slug: "a",
            hue: 200.0,
            title: "Test: Subtitle",
            genre: "Racing",
            age_rating: "PEGI 18",
            shot: GameShot::Cover,
        },
        Art::Game {
            slug: "b",
            hue: 200.0,
            title: "Test",
            genre: "Strategy",
            age_rating: "PEGI 3",
            shot: GameShot::Screenshot,
        },
        Art::Jewel {
            slug: "c",
            hue: 200.0,
            style: Style::RingHalo,
            metal: "Rose gold",
            stone: Some("Emerald"),
            finish: "Polished",
            carat_hundredths: 75,
            shot: JewelShot::CloseUp,
        },
        Art::Jewel {
            slug: "d",
            hue: 200.0,
            style: Style::BraceCuff,
            metal: "Sterling silver",
            stone: None,
            finish: "Hammered",
            carat_hundredths: 0,
            shot: JewelShot::Alternate,
        },
    ];
    for art in &arts {
        let img = images::render(art);
        assert_eq!((img.width(), img.height()), (images::WIDTH, images::HEIGHT));
        // Something was drawn: the picture is not one flat colour.
        let first = *img.get_pixel(0, 0);
        assert!(
            img.pixels()
                .any(|p| p.0.iter().zip(first.0).any(|(a, b)| a.abs_diff(b) > 40))
        );
    }
}
