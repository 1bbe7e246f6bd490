//! Jewelry department: physical pieces with metal (and, for rings, size) variants, planned from
//! `data/jewelry.toml`.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::catalog::{self, Jewel};
use crate::images::{Art, JewelShot, spread_hue};
use crate::{Details, JEWELRY, ProductPlan, VariantPlan, hash, plan_images, shop_price};

/// How a piece is built; decides its category and how its pictures are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Style {
    RingSolitaire,
    RingTrilogy,
    RingHalo,
    RingBand,
    RingEternity,
    NeckPendant,
    NeckDrop,
    NeckStrand,
    NeckBar,
    NeckDisc,
    NeckHeart,
    NeckChain,
    EarStud,
    EarDrop,
    EarHoop,
    EarHuggie,
    BraceTennis,
    BraceBeads,
    BraceCuff,
    BraceChain,
}

impl Style {
    pub fn category(self) -> &'static str {
        use Style::*;
        match self {
            RingSolitaire | RingTrilogy | RingHalo | RingBand | RingEternity => "rings",
            NeckPendant | NeckDrop | NeckStrand | NeckBar | NeckDisc | NeckHeart | NeckChain => {
                "necklaces"
            }
            EarStud | EarDrop | EarHoop | EarHuggie => "earrings",
            BraceTennis | BraceBeads | BraceCuff | BraceChain => "bracelets",
        }
    }

    /// The word a shopper uses for the piece.
    fn category_words(self) -> &'static str {
        match self.category() {
            "rings" => "ring rings",
            "necklaces" => "necklace pendant chain",
            "earrings" => "earrings pair",
            _ => "bracelet wrist",
        }
    }

    /// Name of the third picture's point of view.
    fn alternate_view(self) -> &'static str {
        match self.category() {
            "rings" => "side view",
            "necklaces" => "laid flat",
            "earrings" => "on a display card",
            _ => "seen from above",
        }
    }
}

fn metal_price(token: &str, gold: i64) -> i64 {
    match token {
        "pt" => shop_price(gold * 135 / 100),
        "ag" => shop_price(gold / 5).clamp(4900, 19900),
        _ => gold,
    }
}

pub(crate) fn plan(now: DateTime<Utc>) -> Vec<ProductPlan> {
    catalog::jewelry()
        .jewel
        .iter()
        .enumerate()
        .map(|(i, j)| plan_piece(j, i, now))
        .collect()
}

fn plan_piece(j: &'static Jewel, index: usize, now: DateTime<Utc>) -> ProductPlan {
    let h = hash(&j.slug);
    let data = catalog::jewelry();
    let sold_out = data.sold_out.iter().any(|s| *s == j.slug);
    let mut variants = Vec::new();
    for group in j.variants.split_whitespace() {
        let (token, sizes) = match group.split_once(':') {
            Some((t, range)) => {
                let (lo, hi) = range
                    .split_once('-')
                    .unwrap_or_else(|| panic!("bad size range {range:?} for {}", j.slug));
                let lo: i16 = lo.parse().expect("ring size");
                let hi: i16 = hi.parse().expect("ring size");
                (t, (lo..=hi).map(Some).collect::<Vec<_>>())
            }
            None => (group, vec![None]),
        };
        let metal = data
            .metal
            .iter()
            .find(|m| m.token == token)
            .unwrap_or_else(|| panic!("unknown metal {token:?} for {}", j.slug));
        let metal_code = &metal.sku;
        for size in sizes {
            let sku = match size {
                Some(s) => format!("JW-{}-{metal_code}-{s}", j.code),
                None => format!("JW-{}-{metal_code}", j.code),
            };
            let k = hash(&sku);
            let stock = if sold_out {
                0
            } else if data.last_one.contains(&sku) {
                1
            } else if k % 4 == 0 {
                0
            } else {
                1 + (k / 4 % 8) as i32
            };
            variants.push(VariantPlan {
                sku,
                price_minor: metal_price(token, j.price),
                stock,
                platform: None,
                edition: None,
                metal: Some(metal.value.as_str()),
                ring_size: size,
            });
        }
    }

    let created_at =
        now - Duration::days(2 + (h % 720) as i64) - Duration::minutes((h >> 24) as i64 % 1440);

    let mut metals: Vec<&str> = Vec::new();
    for v in &variants {
        let m = v.metal.unwrap_or_default();
        if !metals.contains(&m) {
            metals.push(m);
        }
    }
    let first_metal = metals[0];
    // Loose words one by one (so repeats collapse), multi-word terms as phrases.
    let mut phrases: Vec<&str> = j.style.category_words().split_whitespace().collect();
    phrases.extend(j.keywords.split_whitespace());
    phrases.extend(metals.iter().copied());
    if metals.contains(&"Sterling silver") {
        phrases.push("925");
    }
    if let Some(stone) = j.stone.as_deref() {
        phrases.push(stone);
        phrases.push("gemstone");
    }
    phrases.push(&j.finish);
    if let Some((lab, _, _)) = &j.cert {
        phrases.push(lab.as_str());
        phrases.push("certified");
    }
    let metal_lower = first_metal.to_lowercase();

    let image_count = if j.featured || h % 3 == 1 { 3 } else { 2 };
    let close_up = match j.stone.as_deref() {
        Some(stone) => format!(
            "Close-up of the {} on the {} in {metal_lower}",
            stone.to_lowercase(),
            j.name
        ),
        None => format!(
            "Close-up of the {} {metal_lower} surface of the {}",
            j.finish.to_lowercase(),
            j.name
        ),
    };
    let shots = [
        (JewelShot::Front, format!("{} in {metal_lower}, front view", j.name)),
        (JewelShot::CloseUp, close_up),
        (JewelShot::Alternate, format!("{} in {metal_lower}, {}", j.name, j.style.alternate_view())),
    ];
    let images = plan_images(shots, image_count, |shot| Art::Jewel {
        slug: j.slug.as_str(),
        hue: spread_hue(index, h),
        style: j.style,
        metal: first_metal,
        stone: j.stone.as_deref(),
        finish: j.finish.as_str(),
        carat_hundredths: j.carat_hundredths.unwrap_or(0),
        shot,
    });

    ProductPlan {
        slug: j.slug.as_str(),
        name: j.name.as_str(),
        department: JEWELRY,
        category: j.style.category(),
        summary: j.summary.as_str(),
        description: j.description.as_str(),
        featured: j.featured,
        created_at,
        search_phrases: phrases,
        details: Details::Jewelry {
            stone: j.stone.as_deref(),
            carat_hundredths: j.carat_hundredths,
            finish: j.finish.as_str(),
            cert_lab: j.cert.as_ref().map(|c| c.0.as_str()),
            cert_number: j.cert.as_ref().map(|c| c.1.as_str()),
            cert_grade: j.cert.as_ref().map(|c| c.2.as_str()),
        },
        variants,
        images,
    }
}
