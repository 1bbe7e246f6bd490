//! Jewelry pictures: the piece on a soft studio backdrop, lit from the upper left. Metal colour
//! comes from the piece's first variant, the gem colour from its stone, the surface texture from
//! its finish. Shots: front view, close-up of the stone (or surface), and an alternate angle.
//!
//! Everything here is laid out in "design" coordinates (a 1200x900 stage); a `View` maps them to
//! pixels, so the close-up is the same drawing seen through a zoomed view.

use std::f32::consts::{PI, TAU};

use image::RgbImage;

use super::{
    BLACK, Canvas, Convex, HALF, JewelShot, LIGHT, Rgb, V3, WHITE, aa, add, bounds, dot3, hsl,
    ihash, ihashf, len, mix, norm3, scale, sd_box, sd_drop, sd_ellipse, sd_heart, sd_segment,
    smoothstep,
};
use crate::hash;
use crate::jewelry::Style;

mod bracelets;
mod earrings;
mod necklaces;
mod rings;
mod shading;

use bracelets::*;
use earrings::*;
use necklaces::*;
use rings::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Finish {
    Polished,
    Brushed,
    Hammered,
    Matte,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stone {
    Diamond,
    Sapphire,
    Ruby,
    Emerald,
    Pearl,
    Topaz,
    Amethyst,
}

impl Stone {
    fn parse(s: &str) -> Stone {
        match s {
            "Diamond" => Stone::Diamond,
            "Sapphire" => Stone::Sapphire,
            "Ruby" => Stone::Ruby,
            "Emerald" => Stone::Emerald,
            "Pearl" => Stone::Pearl,
            "Topaz" => Stone::Topaz,
            _ => Stone::Amethyst,
        }
    }

    fn color(self) -> Rgb {
        match self {
            Stone::Diamond => [0.86, 0.9, 0.95],
            Stone::Sapphire => [0.1, 0.22, 0.74],
            Stone::Ruby => [0.8, 0.05, 0.16],
            Stone::Emerald => [0.04, 0.6, 0.32],
            Stone::Pearl => [0.96, 0.93, 0.87],
            Stone::Topaz => [0.36, 0.7, 0.92],
            Stone::Amethyst => [0.56, 0.28, 0.74],
        }
    }
}

fn metal_color(metal: &str) -> Rgb {
    match metal {
        "Yellow gold" => [0.92, 0.72, 0.33],
        "Rose gold" => [0.92, 0.62, 0.53],
        "White gold" => [0.86, 0.86, 0.84],
        "Platinum" => [0.82, 0.84, 0.88],
        _ => [0.8, 0.81, 0.83],
    }
}

/// Maps design coordinates to pixels.
#[derive(Clone, Copy)]
struct View {
    s: f32,
    ox: f32,
    oy: f32,
}

impl View {
    fn identity() -> View {
        View {
            s: 1.0,
            ox: 0.0,
            oy: 0.0,
        }
    }

    /// Magnifies by `s` around the design point (fx, fy), which lands in the picture's centre.
    fn zoom(fx: f32, fy: f32, s: f32) -> View {
        View {
            s,
            ox: 600.0 - fx * s,
            oy: 450.0 - fy * s,
        }
    }

    fn p(&self, x: f32, y: f32) -> (f32, f32) {
        (self.ox + x * self.s, self.oy + y * self.s)
    }

    fn inv(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.ox) / self.s, (y - self.oy) / self.s)
    }
}

/// Which part of a band to draw (for depth ordering).
#[derive(Clone, Copy, PartialEq)]
enum Part {
    All,
    /// Leave an opening of this half-angle (radians) at the top.
    Gap(f32),
}

struct Ctx {
    v: View,
    metal: Rgb,
    finish: Finish,
    stone: Option<Stone>,
    seed: u32,
    /// Radius of the main stone on the stage, from its carat weight.
    gem_r: f32,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn render(
    slug: &str,
    hue: f32,
    style: Style,
    metal: &str,
    stone: Option<&str>,
    finish: &str,
    carat_hundredths: i32,
    shot: JewelShot,
) -> RgbImage {
    let seed = hash(slug);
    let mut cv = Canvas::new();
    let finish = match finish {
        "Brushed" => Finish::Brushed,
        "Hammered" => Finish::Hammered,
        "Matte" => Finish::Matte,
        _ => Finish::Polished,
    };
    let carats = carat_hundredths.max(1) as f32 / 100.0;
    let mut ctx = Ctx {
        v: View::identity(),
        metal: metal_color(metal),
        finish,
        stone: stone.map(Stone::parse),
        seed: seed as u32,
        gem_r: (34.0 + 30.0 * carats.sqrt()).clamp(40.0, 80.0),
    };
    let alternate = shot == JewelShot::Alternate;
    if shot == JewelShot::CloseUp {
        let (fx, fy, zoom) = focus(style, &ctx);
        ctx.v = View::zoom(fx, fy, zoom);
    }
    let c = &ctx;
    backdrop(&mut cv, hue, shot, c.v, big_shadow(style, shot));
    match style.category() {
        "rings" if alternate => ring_side(&mut cv, c, style),
        "rings" => ring_front(&mut cv, c, style),
        "necklaces" => necklace(&mut cv, c, style, alternate, carat_hundredths),
        "earrings" => earrings(&mut cv, c, style, alternate),
        _ => bracelet(&mut cv, c, style, alternate, carat_hundredths),
    }
    cv.into_image()
}

/// Where the close-up looks, and how far it zooms.
fn focus(style: Style, c: &Ctx) -> (f32, f32, f32) {
    let g = c.gem_r;
    match style {
        Style::RingBand => (600.0 + 175.0 * 0.9 * 0.7, RING_CY - 175.0 * 0.7, 2.4),
        Style::RingEternity => (600.0, RING_CY - 183.0, 2.3),
        Style::RingSolitaire | Style::RingHalo | Style::RingTrilogy => {
            (600.0, RING_CY - RING_R - g * 0.55, 2.1)
        }
        Style::NeckStrand | Style::NeckChain => (600.0, 520.0, 2.3),
        Style::NeckBar => (600.0, 575.0, 2.3),
        Style::NeckPendant | Style::NeckDrop | Style::NeckDisc | Style::NeckHeart => {
            (600.0, 640.0, 2.1)
        }
        Style::EarStud => (380.0, 440.0, 1.9),
        Style::EarDrop => (390.0, 430.0, 1.6),
        Style::EarHoop | Style::EarHuggie => (380.0, 330.0, 1.7),
        Style::BraceCuff => (600.0, 600.0, 2.2),
        _ => (600.0, 565.0, 2.4),
    }
}

/// A soft shadow too large to paint cheaply at full resolution, folded into the low-resolution
/// backdrop instead: (cx, cy, rx, ry, strength, band) on the stage. `band` = 0 is a filled
/// ellipse; otherwise the shadow follows the ellipse's outline, `band` wide (relative).
type SoftShadow = (f32, f32, f32, f32, f32, f32);

fn big_shadow(style: Style, shot: JewelShot) -> Option<SoftShadow> {
    if shot != JewelShot::Alternate {
        return None;
    }
    match style.category() {
        "necklaces" => Some((614.0, 428.0, 330.0, 250.0, 0.22, 0.09)),
        "earrings" => Some((618.0, 470.0, 310.0, 340.0, 0.3, 0.0)),
        "bracelets" if style == Style::BraceCuff => Some((616.0, 470.0, 255.0, 255.0, 0.3, 0.17)),
        "bracelets" => Some((614.0, 468.0, 255.0, 255.0, 0.28, 0.12)),
        _ => None,
    }
}

fn backdrop(cv: &mut Canvas, hue: f32, shot: JewelShot, view: View, shadow: Option<SoftShadow>) {
    let hue = hue
        + if shot == JewelShot::Alternate {
            30.0
        } else {
            0.0
        };
    let light = hsl(hue, 0.25, 0.95);
    let dark = hsl(hue + 10.0, 0.2, 0.76);
    let floor = hsl(hue, 0.18, 0.88);
    cv.fill_scaled(4, |x, y| {
        let d = len((x - 600.0) / 900.0, (y - 330.0) / 700.0).min(1.0);
        let mut c = mix(light, dark, d * d.sqrt());
        // Where the paper sweep bends into the floor it catches a little more light.
        let sweep = (1.0 - ((y - 700.0) / 140.0).abs()).max(0.0);
        c = mix(c, floor, sweep * 0.35);
        if let Some((sx, sy, rx, ry, strength, band)) = shadow {
            let (u, v) = view.inv(x, y);
            let e = len((u - sx) / rx, (v - sy) / ry);
            let t = if band > 0.0 {
                1.0 - (e - 1.0).abs() / band
            } else {
                1.0 - e
            }
            .max(0.0);
            c = mix(c, BLACK, t * t * strength);
        }
        c
    });
}
