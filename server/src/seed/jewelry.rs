//! Jewelry department: physical pieces with metal (and, for rings, size) variants.

use chrono::{DateTime, Duration, Utc};

use super::images::{Art, JewelShot, spread_hue};
use super::{Details, ImagePlan, JEWELRY, ProductPlan, VariantPlan, hash, search_text, shop_price};

/// How a piece is built; decides its category and how its pictures are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
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

pub(crate) struct Jewel {
    pub slug: &'static str,
    pub name: &'static str,
    /// Middle part of every SKU: `JW-<code>-<metal>[-<size>]`.
    pub code: &'static str,
    pub style: Style,
    pub stone: Option<&'static str>,
    pub carat_hundredths: Option<i32>,
    pub finish: &'static str,
    /// (lab, number, grade)
    pub cert: Option<(&'static str, &'static str, &'static str)>,
    /// Which combinations exist. Rings: `metal:min-max` groups (the sizes made in that metal);
    /// other pieces: metal tokens. Metals: yg, wg, rg, pt, ag.
    pub variants: &'static str,
    /// Price in gold, minor units; platinum and silver are derived from it.
    pub price: i64,
    pub featured: bool,
    pub summary: &'static str,
    pub description: &'static str,
    pub keywords: &'static str,
}

pub(crate) const METALS: &[(&str, &str, &str)] = &[
    // (spec token, stored option value, SKU code)
    ("yg", "Yellow gold", "YG"),
    ("wg", "White gold", "WG"),
    ("rg", "Rose gold", "RG"),
    ("pt", "Platinum", "PT"),
    ("ag", "Sterling silver", "AG"),
];

/// Pieces with nothing left in any metal or size.
pub(crate) const SOLD_OUT: &[&str] = &["ruby-heart-locket"];
/// Variants with exactly one piece left ("last one!" badges).
pub(crate) const LAST_ONE: &[&str] = &["JW-SAPPH-RING-PT-7"];

fn metal_price(token: &str, gold: i64) -> i64 {
    match token {
        "pt" => shop_price(gold * 135 / 100),
        "ag" => shop_price(gold / 5).clamp(4900, 19900),
        _ => gold,
    }
}

pub(crate) fn plan(now: DateTime<Utc>) -> Vec<ProductPlan> {
    CATALOG
        .iter()
        .enumerate()
        .map(|(i, j)| plan_piece(j, i, now))
        .collect()
}

fn plan_piece(j: &Jewel, index: usize, now: DateTime<Utc>) -> ProductPlan {
    let h = hash(j.slug);
    let sold_out = SOLD_OUT.contains(&j.slug);
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
        let &(_, metal, metal_code) = METALS
            .iter()
            .find(|(t, _, _)| *t == token)
            .unwrap_or_else(|| panic!("unknown metal {token:?} for {}", j.slug));
        for size in sizes {
            let sku = match size {
                Some(s) => format!("JW-{}-{metal_code}-{s}", j.code),
                None => format!("JW-{}-{metal_code}", j.code),
            };
            let k = hash(&sku);
            let stock = if sold_out {
                0
            } else if LAST_ONE.contains(&sku.as_str()) {
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
                metal: Some(metal),
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
    if let Some(stone) = j.stone {
        phrases.push(stone);
        phrases.push("gemstone");
    }
    phrases.push(j.finish);
    if let Some((lab, _, _)) = j.cert {
        phrases.push(lab);
        phrases.push("certified");
    }
    let metal_lower = first_metal.to_lowercase();

    let image_count = if j.featured || h % 3 == 1 { 3 } else { 2 };
    let close_up = match j.stone {
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
    let images = [
        (
            JewelShot::Front,
            format!("{} in {metal_lower}, front view", j.name),
        ),
        (JewelShot::CloseUp, close_up),
        (
            JewelShot::Alternate,
            format!("{} in {metal_lower}, {}", j.name, j.style.alternate_view()),
        ),
    ]
    .into_iter()
    .take(image_count)
    .enumerate()
    .map(|(i, (shot, alt))| ImagePlan {
        n: i as i32 + 1,
        alt,
        art: Art::Jewel {
            slug: j.slug,
            hue: spread_hue(index, h),
            style: j.style,
            metal: first_metal,
            stone: j.stone,
            finish: j.finish,
            carat_hundredths: j.carat_hundredths.unwrap_or(0),
            shot,
        },
    })
    .collect();

    ProductPlan {
        slug: j.slug,
        name: j.name,
        department: JEWELRY,
        category: j.style.category(),
        summary: j.summary,
        description: j.description,
        featured: j.featured,
        created_at,
        search_text: search_text(j.name, &phrases),
        details: Details::Jewelry {
            stone: j.stone,
            carat_hundredths: j.carat_hundredths,
            finish: j.finish,
            cert_lab: j.cert.map(|c| c.0),
            cert_number: j.cert.map(|c| c.1),
            cert_grade: j.cert.map(|c| c.2),
        },
        variants,
        images,
    }
}

pub(crate) const CATALOG: &[Jewel] = &[
    // --- Rings -----------------------------------------------------------------------------
    Jewel {
        slug: "ceylon-sapphire-solitaire-ring",
        name: "Ceylon Sapphire Solitaire Ring",
        code: "SAPPH-RING",
        style: Style::RingSolitaire,
        stone: Some("Sapphire"),
        carat_hundredths: Some(120),
        finish: "Polished",
        cert: Some(("GIA", "GIA-2214587331", "AAA")),
        variants: "pt:6-8 wg:5-9",
        price: 219900,
        featured: true,
        summary: "A 1.20 ct cornflower-blue Ceylon sapphire held high in a classic four-claw setting.",
        description: "The round sapphire was selected for its even, velvety blue and lively brilliance, and comes with its own GIA colour report. It sits on a slim knife-edge band finished to a mirror polish. Each ring is made to order in our workshop and can be resized free of charge within 60 days.",
        keywords: "engagement solitaire blue claw setting proposal anniversary",
    },
    Jewel {
        slug: "aurora-diamond-solitaire-ring",
        name: "Aurora Diamond Solitaire Ring",
        code: "AURORA-RING",
        style: Style::RingSolitaire,
        stone: Some("Diamond"),
        carat_hundredths: Some(100),
        finish: "Polished",
        cert: Some(("GIA", "GIA-1198234470", "VS1 / G")),
        variants: "pt:5-8 yg:5-9 wg:5-9",
        price: 349900,
        featured: true,
        summary: "A one-carat round brilliant diamond on a whisper-thin band: the quintessential engagement ring.",
        description: "Our signature solitaire pairs a GIA-graded 1.00 ct diamond of VS1 clarity and G colour with a four-claw crown that lets light in from every side. The tapered band sits comfortably next to a wedding ring. Delivered in a walnut presentation box together with its grading report.",
        keywords: "engagement brilliant round proposal bridal",
    },
    Jewel {
        slug: "three-stone-ruby-trilogy-ring",
        name: "Three-Stone Ruby Trilogy Ring",
        code: "RUBY-TRIO",
        style: Style::RingTrilogy,
        stone: Some("Ruby"),
        carat_hundredths: Some(90),
        finish: "Polished",
        cert: Some(("IGI", "IGI-574839201", "AAA")),
        variants: "yg:5-8 rg:5-7",
        price: 159900,
        featured: false,
        summary: "Three glowing rubies for past, present and future, set side by side on a polished band.",
        description: "A 0.50 ct centre ruby is flanked by two matched 0.20 ct stones, 0.90 ct in total, all with a warm, saturated red. The stones are set low for everyday wear. Certified by IGI and finished by hand in our workshop.",
        keywords: "anniversary red trilogy engagement",
    },
    Jewel {
        slug: "verdant-emerald-halo-ring",
        name: "Verdant Emerald Halo Ring",
        code: "EMER-HALO",
        style: Style::RingHalo,
        stone: Some("Emerald"),
        carat_hundredths: Some(75),
        finish: "Polished",
        cert: Some(("HRD", "HRD-220419887", "AA")),
        variants: "yg:5-9 wg:6-8",
        price: 189900,
        featured: false,
        summary: "A vivid green emerald framed by a halo of tiny pavé diamonds.",
        description: "The 0.75 ct Colombian emerald has a saturated, grassy green with the gentle inclusions that prove its natural origin. A halo of accent diamonds amplifies its colour and makes it look larger. Comes with an HRD gemstone report.",
        keywords: "pave green cocktail statement engagement may birthstone",
    },
    Jewel {
        slug: "hammered-wedding-band",
        name: "Hammered Wedding Band",
        code: "BAND-HAM",
        style: Style::RingBand,
        stone: None,
        carat_hundredths: None,
        finish: "Hammered",
        cert: None,
        variants: "yg:4-12 rg:5-9 pt:6-10",
        price: 59900,
        featured: false,
        summary: "A 4 mm wedding band with a hand-hammered texture that catches the light like rippling water.",
        description: "Each band is shaped and textured by hand, so no two are exactly alike. The comfort-fit interior is polished smooth for all-day wear. Available in a wide range of sizes, with engraving on request.",
        keywords: "textured plain unisex mens womens",
    },
    Jewel {
        slug: "brushed-platinum-comfort-band",
        name: "Brushed Platinum Comfort Band",
        code: "BAND-PT",
        style: Style::RingBand,
        stone: None,
        carat_hundredths: None,
        finish: "Brushed",
        cert: None,
        variants: "pt:6-12",
        price: 89900,
        featured: false,
        summary: "A substantial 6 mm platinum band with a soft brushed finish and a comfort-fit profile.",
        description: "Platinum is naturally white, dense and hypoallergenic, so this band never needs replating. The satin-brushed surface develops a beautiful patina over the years. Ideal as a wedding ring for anyone who prefers understated weight.",
        keywords: "wedding mens plain heavy",
    },
    Jewel {
        slug: "stackable-amethyst-petal-ring",
        name: "Stackable Amethyst Petal Ring",
        code: "AMETH-STACK",
        style: Style::RingHalo,
        stone: Some("Amethyst"),
        carat_hundredths: Some(30),
        finish: "Polished",
        cert: None,
        variants: "ag:5-9 rg:5-8",
        price: 49900,
        featured: false,
        summary: "A slender stacking ring with a small amethyst surrounded by tiny metal petals.",
        description: "Designed to be worn in stacks, this delicate ring features a 0.30 ct purple amethyst in a flower-shaped setting. Mix metals for a relaxed, layered look. As February's birthstone it makes a thoughtful birthday gift.",
        keywords: "stacking purple february birthstone flower dainty",
    },
    Jewel {
        slug: "morning-pearl-cocktail-ring",
        name: "Morning Pearl Cocktail Ring",
        code: "PEARL-RING",
        style: Style::RingSolitaire,
        stone: Some("Pearl"),
        carat_hundredths: Some(250),
        finish: "Polished",
        cert: None,
        variants: "yg:5-8 ag:5-9",
        price: 69900,
        featured: false,
        summary: "A lustrous 10 mm freshwater pearl perched on a sculpted cocktail setting.",
        description: "The near-round freshwater pearl shows a creamy body colour with soft rose overtones. A low, sculptural mount keeps it secure while leaving its lustre on full display. Wear it alone or as a bold counterpoint to fine stacking rings.",
        keywords: "statement white freshwater june birthstone",
    },
    Jewel {
        slug: "eternity-diamond-band",
        name: "Eternity Diamond Band",
        code: "ETERNITY",
        style: Style::RingEternity,
        stone: Some("Diamond"),
        carat_hundredths: Some(150),
        finish: "Polished",
        cert: Some(("IGI", "IGI-618204557", "VS2 / F")),
        variants: "pt:5-8 wg:5-8",
        price: 279900,
        featured: false,
        summary: "A continuous row of brilliant diamonds totalling 1.50 ct, for a band that sparkles from every angle.",
        description: "Twenty-two matched round diamonds are set in a fine shared-claw setting all the way around the finger. Because the stones circle the whole band, eternity rings are made to size and cannot be resized later. Certified by IGI for colour and clarity.",
        keywords: "wedding anniversary diamonds full",
    },
    Jewel {
        slug: "heritage-signet-ring",
        name: "Heritage Signet Ring",
        code: "SIGNET",
        style: Style::RingBand,
        stone: None,
        carat_hundredths: None,
        finish: "Matte",
        cert: None,
        variants: "ag:7-13 yg:8-12",
        price: 79900,
        featured: false,
        summary: "A classic oval signet ring with a soft matte face, ready for engraving.",
        description: "Inspired by family seal rings, this signet has a generous flat face that can be hand-engraved with initials or a crest. The matte finish gives it a modern, understated look. Solid and substantial, it is built to be handed down.",
        keywords: "mens engraving initials pinky heirloom",
    },
    Jewel {
        slug: "london-blue-topaz-cushion-ring",
        name: "London Blue Topaz Cushion Ring",
        code: "TOPAZ-CUSH",
        style: Style::RingSolitaire,
        stone: Some("Topaz"),
        carat_hundredths: Some(300),
        finish: "Polished",
        cert: None,
        variants: "ag:5-9 wg:6-8",
        price: 59900,
        featured: false,
        summary: "A deep teal-blue 3.00 ct topaz in a cushion cut, raised in an open claw basket.",
        description: "London blue is the darkest and most sophisticated shade of topaz, with inky blue-green depths. The generous stone sits in a four-claw basket that lets in plenty of light. A striking cocktail ring at an accessible price.",
        keywords: "cocktail december birthstone statement",
    },
    Jewel {
        slug: "twilight-sapphire-half-eternity-ring",
        name: "Twilight Sapphire Half-Eternity Ring",
        code: "SAPPH-HALF",
        style: Style::RingEternity,
        stone: Some("Sapphire"),
        carat_hundredths: Some(80),
        finish: "Polished",
        cert: Some(("IGI", "IGI-590117342", "AAA")),
        variants: "wg:5-8 pt:6-7",
        price: 169900,
        featured: false,
        summary: "Eleven deep blue sapphires channel-set across the top of a slim band.",
        description: "The royal-blue sapphires, 0.80 ct in total, are precisely matched for colour and held in a secure channel that is smooth to the touch. A half-eternity design means the ring can still be resized. Lovely as a wedding band or an anniversary gift.",
        keywords: "wedding band anniversary channel set september birthstone",
    },
    Jewel {
        slug: "crimson-ruby-bezel-ring",
        name: "Crimson Ruby Bezel Ring",
        code: "RUBY-BEZEL",
        style: Style::RingSolitaire,
        stone: Some("Ruby"),
        carat_hundredths: Some(50),
        finish: "Brushed",
        cert: None,
        variants: "yg:5-8",
        price: 99900,
        featured: false,
        summary: "A half-carat ruby wrapped in a smooth bezel on a brushed gold band.",
        description: "A modern take on the solitaire: the bezel protects the stone's edges, which makes it perfect for active hands. The brushed band contrasts with the polished rim around the ruby. July's birthstone in its most wearable form.",
        keywords: "red july birthstone everyday modern",
    },
    Jewel {
        slug: "twisted-rope-ring",
        name: "Twisted Rope Ring",
        code: "TWIST",
        style: Style::RingBand,
        stone: None,
        carat_hundredths: None,
        finish: "Polished",
        cert: None,
        variants: "rg:4-9 ag:5-10",
        price: 39900,
        featured: false,
        summary: "Two strands of polished metal twisted together into a slim, rope-like band.",
        description: "A timeless design that works as a stacking ring or on its own. The twisted profile throws off little flashes of light as you move. Lightweight and comfortable for everyday wear.",
        keywords: "stacking twist everyday dainty band gift",
    },
    // --- Necklaces -------------------------------------------------------------------------
    Jewel {
        slug: "sapphire-teardrop-pendant-necklace",
        name: "Sapphire Teardrop Pendant Necklace",
        code: "SAPPH-DROP",
        style: Style::NeckDrop,
        stone: Some("Sapphire"),
        carat_hundredths: Some(150),
        finish: "Polished",
        cert: Some(("GIA", "GIA-3307261984", "AAA")),
        variants: "wg pt",
        price: 249900,
        featured: true,
        summary: "A 1.50 ct pear-shaped sapphire suspended from a fine cable chain.",
        description: "The teardrop sapphire shows a rich cornflower blue and is held in a delicate three-claw setting that lets it swing freely. The 45 cm chain has an extra ring at 42 cm. Supplied with a GIA colour report.",
        keywords: "pear blue gift september birthstone",
    },
    Jewel {
        slug: "solitaire-diamond-pendant",
        name: "Solitaire Diamond Pendant",
        code: "DIA-PEND",
        style: Style::NeckPendant,
        stone: Some("Diamond"),
        carat_hundredths: Some(50),
        finish: "Polished",
        cert: Some(("IGI", "IGI-604431775", "SI1 / H")),
        variants: "yg wg rg pt",
        price: 119900,
        featured: false,
        summary: "A half-carat round diamond floating on a fine 42 cm chain.",
        description: "A wardrobe essential: the bezel-set diamond sits close to the collarbone and layers effortlessly. The stone is IGI-certified, and the chain closes with a secure lobster clasp. Available in four metals to match your other pieces.",
        keywords: "everyday classic gift",
    },
    Jewel {
        slug: "baroque-pearl-strand-necklace",
        name: "Baroque Pearl Strand Necklace",
        code: "PEARL-STRAND",
        style: Style::NeckStrand,
        stone: Some("Pearl"),
        carat_hundredths: Some(2400),
        finish: "Polished",
        cert: None,
        variants: "yg ag",
        price: 89900,
        featured: false,
        summary: "A hand-knotted strand of organically shaped baroque pearls with a polished clasp.",
        description: "No two baroque pearls are alike, and that is exactly their charm: each one catches the light in its own way. The pearls are individually knotted on silk to protect them and prevent loss. Finished with a box clasp in your choice of metal.",
        keywords: "pearls freshwater knotted june birthstone bridal",
    },
    Jewel {
        slug: "emerald-bar-necklace",
        name: "Emerald Bar Necklace",
        code: "EMER-BAR",
        style: Style::NeckBar,
        stone: Some("Emerald"),
        carat_hundredths: Some(40),
        finish: "Brushed",
        cert: None,
        variants: "yg rg",
        price: 79900,
        featured: false,
        summary: "A slim brushed bar set with a single emerald, hung horizontally on a fine chain.",
        description: "Minimal and modern, this bar necklace frames a bright green 0.40 ct emerald in a flush setting. The brushed finish gives the bar a soft, satin glow. Perfect for everyday layering.",
        keywords: "pendant minimalist green may birthstone layering",
    },
    Jewel {
        slug: "hammered-disc-necklace",
        name: "Hammered Disc Necklace",
        code: "DISC",
        style: Style::NeckDisc,
        stone: None,
        carat_hundredths: None,
        finish: "Hammered",
        cert: None,
        variants: "ag yg rg",
        price: 39900,
        featured: false,
        summary: "A hand-hammered metal disc on a delicate chain, glinting with every movement.",
        description: "The 20 mm disc is textured by hand with a small round-faced hammer, creating dozens of tiny reflective facets. It hangs on an adjustable 40 to 45 cm chain. Engraving is available on the reverse.",
        keywords: "coin pendant minimalist textured layering everyday",
    },
    Jewel {
        slug: "ruby-heart-locket",
        name: "Ruby Heart Locket",
        code: "LOCKET",
        style: Style::NeckHeart,
        stone: Some("Ruby"),
        carat_hundredths: Some(20),
        finish: "Polished",
        cert: None,
        variants: "yg ag",
        price: 64900,
        featured: false,
        summary: "A polished heart locket that opens to hold two tiny photographs, set with a single ruby.",
        description: "A romantic keepsake with a small ruby at its centre and a smooth hinge that closes with a satisfying click. The locket measures 18 mm and hangs from a 45 cm curb chain. A gift made to be treasured for decades.",
        keywords: "necklace photo keepsake romantic gift red",
    },
    Jewel {
        slug: "amethyst-lariat-necklace",
        name: "Amethyst Lariat Necklace",
        code: "LARIAT",
        style: Style::NeckDrop,
        stone: Some("Amethyst"),
        carat_hundredths: Some(350),
        finish: "Polished",
        cert: None,
        variants: "ag rg",
        price: 54900,
        featured: false,
        summary: "An adjustable Y-shaped lariat ending in a faceted amethyst drop.",
        description: "Slide the lariat to adjust its length from choker to long drop. The 3.50 ct amethyst sways gently as you move. A versatile piece for both evening and daytime.",
        keywords: "y-necklace drop purple february birthstone",
    },
    Jewel {
        slug: "figaro-chain-necklace",
        name: "Figaro Chain Necklace",
        code: "FIGARO",
        style: Style::NeckChain,
        stone: None,
        carat_hundredths: None,
        finish: "Polished",
        cert: None,
        variants: "ag yg wg",
        price: 44900,
        featured: false,
        summary: "A classic Italian-style chain with alternating long and short links.",
        description: "Polished flat links reflect the light beautifully and make this 50 cm chain a statement on its own. It is also sturdy enough to carry a pendant. Finished with a lobster clasp.",
        keywords: "mens womens italian links unisex",
    },
    Jewel {
        slug: "sky-topaz-sunburst-pendant",
        name: "Sky Topaz Sunburst Pendant",
        code: "SUNBURST",
        style: Style::NeckPendant,
        stone: Some("Topaz"),
        carat_hundredths: Some(220),
        finish: "Polished",
        cert: Some(("IGI", "IGI-571190286", "AAA")),
        variants: "yg",
        price: 69900,
        featured: false,
        summary: "A bright sky-blue topaz at the heart of a radiant sunburst pendant.",
        description: "Fine polished rays surround the 2.20 ct round topaz like the morning sun. The pendant is 22 mm across and hangs on a 45 cm chain. Its cheerful colour pairs beautifully with yellow gold.",
        keywords: "necklace blue december birthstone sun statement",
    },
    Jewel {
        slug: "starlit-diamond-riviera-necklace",
        name: "Starlit Diamond Riviera Necklace",
        code: "RIVIERA",
        style: Style::NeckStrand,
        stone: Some("Diamond"),
        carat_hundredths: Some(500),
        finish: "Polished",
        cert: Some(("GIA", "GIA-5170643392", "VS2 / G")),
        variants: "wg pt",
        price: 349900,
        featured: true,
        summary: "A graduated line of brilliant diamonds totalling 5.00 ct, made for the grandest occasions.",
        description: "Forty-one round diamonds graduate in size towards the centre, each held in its own collet. The articulated links let the riviera drape fluidly around the neck. Supplied with a GIA report for the centre stone and a velvet presentation case.",
        keywords: "tennis bridal evening luxury diamonds",
    },
    Jewel {
        slug: "minimal-matte-bar-necklace",
        name: "Minimal Matte Bar Necklace",
        code: "BAR-MATTE",
        style: Style::NeckBar,
        stone: None,
        carat_hundredths: None,
        finish: "Matte",
        cert: None,
        variants: "ag yg",
        price: 34900,
        featured: false,
        summary: "A clean matte-finished bar on a fine chain, designed to be personalised.",
        description: "The 30 mm bar has a soft, sandblasted surface that resists fingerprints and takes engraving beautifully. Wear it alone or layer it with longer chains. Adjustable from 40 to 45 cm.",
        keywords: "pendant minimalist engraving personalised layering",
    },
    // --- Earrings --------------------------------------------------------------------------
    Jewel {
        slug: "classic-diamond-stud-earrings",
        name: "Classic Diamond Stud Earrings",
        code: "DIA-STUD",
        style: Style::EarStud,
        stone: Some("Diamond"),
        carat_hundredths: Some(100),
        finish: "Polished",
        cert: Some(("GIA", "GIA-6125509871", "VS1 / F")),
        variants: "yg wg pt rg",
        price: 299900,
        featured: true,
        summary: "A perfectly matched pair of round brilliant diamonds, 1.00 ct in total.",
        description: "Each 0.50 ct diamond sits in a four-claw basket designed to sit close to the ear. The pair is matched for size, colour and sparkle and comes with GIA reports. Secure screw backs make them ideal for everyday wear.",
        keywords: "studs diamonds classic everyday",
    },
    Jewel {
        slug: "freshwater-pearl-drop-earrings",
        name: "Freshwater Pearl Drop Earrings",
        code: "PEARL-DROP",
        style: Style::EarDrop,
        stone: Some("Pearl"),
        carat_hundredths: Some(600),
        finish: "Polished",
        cert: None,
        variants: "ag yg",
        price: 34900,
        featured: false,
        summary: "Lustrous freshwater pearls dangling from fine hook earwires.",
        description: "Two 9 mm near-round pearls are matched for lustre and colour and hang just below the lobe. Light, elegant and easy to wear from office to evening. A classic bridal choice.",
        keywords: "dangle pearls bridal june birthstone hooks",
    },
    Jewel {
        slug: "emerald-cascade-earrings",
        name: "Emerald Cascade Earrings",
        code: "EMER-CASC",
        style: Style::EarDrop,
        stone: Some("Emerald"),
        carat_hundredths: Some(120),
        finish: "Polished",
        cert: Some(("HRD", "HRD-230871164", "AAA")),
        variants: "yg wg",
        price: 229900,
        featured: false,
        summary: "Pear-shaped emeralds that fall like drops of green water.",
        description: "Each earring features a 0.60 ct pear-cut emerald suspended beneath a small bead, 1.20 ct in total. The vivid green stones are paired for a harmonious look. Certified by HRD.",
        keywords: "drop dangle green may birthstone evening",
    },
    Jewel {
        slug: "hammered-hoop-earrings",
        name: "Hammered Hoop Earrings",
        code: "HOOP-HAM",
        style: Style::EarHoop,
        stone: None,
        carat_hundredths: None,
        finish: "Hammered",
        cert: None,
        variants: "ag yg rg",
        price: 29900,
        featured: false,
        summary: "Medium 30 mm hoops with a hand-hammered texture that flickers in the light.",
        description: "Lightweight hollow hoops with a secure click closure. The hammered surface adds subtle sparkle without any stones. An everyday staple.",
        keywords: "hoops textured everyday lightweight",
    },
    Jewel {
        slug: "amethyst-briolette-earrings",
        name: "Amethyst Briolette Earrings",
        code: "AMETH-BRIO",
        style: Style::EarDrop,
        stone: Some("Amethyst"),
        carat_hundredths: Some(400),
        finish: "Polished",
        cert: None,
        variants: "ag rg",
        price: 39900,
        featured: false,
        summary: "Faceted amethyst briolettes in a rich grape purple, hung from slender wires.",
        description: "The teardrop-shaped briolettes are faceted all over, so they sparkle from every angle. At 4.00 ct in total they add a pop of colour to any outfit. Nickel-free and hypoallergenic.",
        keywords: "drop dangle purple february birthstone",
    },
    Jewel {
        slug: "ruby-huggie-earrings",
        name: "Ruby Huggie Earrings",
        code: "RUBY-HUG",
        style: Style::EarHuggie,
        stone: Some("Ruby"),
        carat_hundredths: Some(30),
        finish: "Polished",
        cert: Some(("IGI", "IGI-588302719", "AAA")),
        variants: "yg rg",
        price: 89900,
        featured: false,
        summary: "Small hinged hoops that hug the lobe, set with a row of tiny rubies.",
        description: "Five micro-set rubies per earring add a flash of red to a sleek huggie hoop. The hinged closure is easy to open and close. Pretty on their own or paired with studs in a second piercing.",
        keywords: "huggies hoops red july birthstone second piercing",
    },
    Jewel {
        slug: "blue-topaz-halo-studs",
        name: "Blue Topaz Halo Studs",
        code: "TOPAZ-HALO",
        style: Style::EarStud,
        stone: Some("Topaz"),
        carat_hundredths: Some(180),
        finish: "Polished",
        cert: None,
        variants: "ag wg",
        price: 44900,
        featured: false,
        summary: "Sky-blue topaz studs wrapped in a sparkling halo.",
        description: "Each 0.90 ct topaz is circled by a halo of tiny accents for extra brilliance. The bright, clear blue is cheerful and easy to wear. Butterfly backs are included.",
        keywords: "earrings december birthstone",
    },
    Jewel {
        slug: "brushed-half-moon-hoops",
        name: "Brushed Half-Moon Hoops",
        code: "HALF-MOON",
        style: Style::EarHoop,
        stone: None,
        carat_hundredths: None,
        finish: "Brushed",
        cert: None,
        variants: "ag yg pt",
        price: 34900,
        featured: false,
        summary: "Chunky half-moon hoops with a soft brushed finish.",
        description: "A contemporary take on the hoop, with a flattened profile that looks bold yet feels light. The brushed surface has a satin glow. Hinged posts give a secure fit.",
        keywords: "earrings modern bold statement minimalist",
    },
    Jewel {
        slug: "art-deco-diamond-drops",
        name: "Art Deco Diamond Drops",
        code: "DECO-DROP",
        style: Style::EarDrop,
        stone: Some("Diamond"),
        carat_hundredths: Some(80),
        finish: "Polished",
        cert: Some(("HRD", "HRD-240156620", "VVS2 / E")),
        variants: "pt wg",
        price: 329900,
        featured: false,
        summary: "Geometric drop earrings inspired by the 1920s, each ending in a pear-shaped diamond.",
        description: "Architectural lines lead the eye down to a brilliant 0.40 ct pear diamond on each earring. The exceptionally clear stones are certified by HRD. A showpiece for weddings and galas.",
        keywords: "earrings vintage dangle bridal evening luxury",
    },
    Jewel {
        slug: "akoya-pearl-studs",
        name: "Akoya Pearl Studs",
        code: "AKOYA",
        style: Style::EarStud,
        stone: Some("Pearl"),
        carat_hundredths: Some(350),
        finish: "Polished",
        cert: None,
        variants: "yg wg",
        price: 49900,
        featured: false,
        summary: "Classic 7 mm Akoya pearl studs with a mirror-like lustre.",
        description: "Akoya pearls are prized for their round shape and sharp, bright lustre. This pair is matched by hand and mounted on solid gold posts. A timeless first pearl.",
        keywords: "earrings pearls classic bridal june birthstone",
    },
    // --- Bracelets -------------------------------------------------------------------------
    Jewel {
        slug: "diamond-tennis-bracelet",
        name: "Diamond Tennis Bracelet",
        code: "TENNIS",
        style: Style::BraceTennis,
        stone: Some("Diamond"),
        carat_hundredths: Some(300),
        finish: "Polished",
        cert: Some(("GIA", "GIA-7218840563", "VS2 / H")),
        variants: "wg yg pt",
        price: 349900,
        featured: true,
        summary: "A flexible line of round brilliant diamonds totalling 3.00 ct.",
        description: "Forty-four diamonds are set in individual four-claw links that move fluidly with the wrist. A hidden box clasp with a double safety catch keeps it secure. Certified by GIA.",
        keywords: "line luxury evening bridal",
    },
    Jewel {
        slug: "hammered-cuff-bracelet",
        name: "Hammered Cuff Bracelet",
        code: "CUFF-HAM",
        style: Style::BraceCuff,
        stone: None,
        carat_hundredths: None,
        finish: "Hammered",
        cert: None,
        variants: "ag yg",
        price: 49900,
        featured: false,
        summary: "A bold open cuff, hand-hammered and gently adjustable to the wrist.",
        description: "Forged from a single heavy sheet and textured by hand, this cuff has real presence. It can be gently squeezed to fit most wrists. Each one is unique.",
        keywords: "bangle bold textured adjustable statement",
    },
    Jewel {
        slug: "emerald-line-bracelet",
        name: "Emerald Line Bracelet",
        code: "EMER-LINE",
        style: Style::BraceTennis,
        stone: Some("Emerald"),
        carat_hundredths: Some(250),
        finish: "Polished",
        cert: Some(("IGI", "IGI-626048813", "AAA")),
        variants: "yg wg",
        price: 299900,
        featured: false,
        summary: "A line of vivid emeralds, 2.50 ct in total, in a supple gold setting.",
        description: "Thirty matched emeralds alternate with polished collets to create a continuous ribbon of green. The bracelet closes with a secure box clasp and safety catch. Certified by IGI.",
        keywords: "tennis green may birthstone evening",
    },
    Jewel {
        slug: "pearl-and-gold-bead-bracelet",
        name: "Pearl and Gold Bead Bracelet",
        code: "PEARL-BEAD",
        style: Style::BraceBeads,
        stone: Some("Pearl"),
        carat_hundredths: Some(800),
        finish: "Polished",
        cert: None,
        variants: "yg rg",
        price: 59900,
        featured: false,
        summary: "Alternating freshwater pearls and polished gold beads strung on strong silk cord.",
        description: "Creamy 6 mm pearls alternate with small polished beads for a playful, luxurious look. The bracelet closes with a spring-ring clasp. It layers beautifully with watches and chain bracelets.",
        keywords: "beaded pearls stacking layering june birthstone",
    },
    Jewel {
        slug: "amethyst-charm-bracelet",
        name: "Amethyst Charm Bracelet",
        code: "AMETH-CHARM",
        style: Style::BraceChain,
        stone: Some("Amethyst"),
        carat_hundredths: Some(150),
        finish: "Polished",
        cert: None,
        variants: "ag",
        price: 29900,
        featured: false,
        summary: "A fine chain bracelet with little amethyst drops dangling from its links.",
        description: "Seven faceted amethyst charms swing from a fine cable chain, catching the light with every movement. Adjustable from 16 to 19 cm. A pretty birthday gift for February.",
        keywords: "chain purple february birthstone dainty",
    },
    Jewel {
        slug: "ruby-accent-bangle",
        name: "Ruby Accent Bangle",
        code: "RUBY-BANG",
        style: Style::BraceCuff,
        stone: Some("Ruby"),
        carat_hundredths: Some(45),
        finish: "Polished",
        cert: Some(("HRD", "HRD-210637482", "AAA")),
        variants: "yg rg",
        price: 139900,
        featured: false,
        summary: "A sleek, polished bangle with a single ruby set flush into its surface.",
        description: "The oval bangle follows the natural shape of the wrist and opens with a discreet hinge. A 0.45 ct ruby adds a quiet flash of colour. Stack it or wear it alone.",
        keywords: "bracelet hinged red july birthstone stacking",
    },
    Jewel {
        slug: "brushed-rope-chain-bracelet",
        name: "Brushed Rope Chain Bracelet",
        code: "ROPE",
        style: Style::BraceChain,
        stone: None,
        carat_hundredths: None,
        finish: "Brushed",
        cert: None,
        variants: "ag yg wg",
        price: 39900,
        featured: false,
        summary: "A sturdy rope-twist chain bracelet with a soft brushed sheen.",
        description: "Tightly twisted links give the chain a rich, textured look that suits every style. The brushed finish tones down the shine for a relaxed feel. 19 cm long with a lobster clasp.",
        keywords: "mens womens unisex everyday twist",
    },
    Jewel {
        slug: "topaz-link-bracelet",
        name: "Topaz Link Bracelet",
        code: "TOPAZ-LINK",
        style: Style::BraceChain,
        stone: Some("Topaz"),
        carat_hundredths: Some(500),
        finish: "Polished",
        cert: None,
        variants: "ag",
        price: 39900,
        featured: false,
        summary: "Oval links joined by bright blue topaz stations.",
        description: "Five sky-blue topaz stones, 5.00 ct in total, punctuate a chain of polished oval links. The cheerful colour brightens summer outfits. An extension chain is included.",
        keywords: "chain blue december birthstone",
    },
    Jewel {
        slug: "satin-bead-bracelet",
        name: "Satin Bead Bracelet",
        code: "BEAD-MATTE",
        style: Style::BraceBeads,
        stone: None,
        carat_hundredths: None,
        finish: "Matte",
        cert: None,
        variants: "rg ag",
        price: 44900,
        featured: false,
        summary: "Round satin-finished beads strung on a fine chain for a soft, tactile bracelet.",
        description: "The matte beads have a warm glow rather than a shine, which makes this an easy everyday piece. It slides to adjust between 15 and 20 cm. Perfect for stacking.",
        keywords: "beaded stacking everyday minimalist adjustable",
    },
];
