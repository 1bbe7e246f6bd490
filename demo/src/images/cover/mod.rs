//! Game pictures: box-art style cover, an in-game "screenshot" with a HUD, and a key-art emblem.
//! The scene depends on the genre; the palette on the slug.

use std::f32::consts::{PI, TAU};

use image::RgbImage;

use super::{
    BLACK, Canvas, Convex, GameShot, Rgb, Rng, WHITE, add, hsl, ihashf, len, mix, rot_rect, scale,
    sd_box, sd_hexagon, text_width,
};
use crate::hash;

mod arena;
mod furniture;
mod outdoor;

use arena::*;
use furniture::*;
use outdoor::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Theme {
    /// Action / Adventure: mountains at dusk.
    Landscape,
    /// RPG: rune circle under a night sky.
    Mystic,
    /// Strategy: hex map with banners.
    Map,
    /// Simulation: isometric blocks.
    Blocks,
    /// Racing: road to a striped sun.
    Road,
    /// Sports: floodlit stadium.
    Stadium,
    /// Puzzle: tile board.
    Mosaic,
    /// Indie: cosy hills under the moon.
    Hills,
}

impl Theme {
    fn of(genre: &str) -> Theme {
        match genre {
            "Action" | "Adventure" => Theme::Landscape,
            "RPG" => Theme::Mystic,
            "Strategy" => Theme::Map,
            "Simulation" => Theme::Blocks,
            "Racing" => Theme::Road,
            "Sports" => Theme::Stadium,
            "Puzzle" => Theme::Mosaic,
            _ => Theme::Hills,
        }
    }
}

struct Palette {
    hue: f32,
    dark: Rgb,
    mid: Rgb,
    light: Rgb,
    accent: Rgb,
    accent2: Rgb,
}

impl Palette {
    fn new(seed: u64, hue: f32) -> Palette {
        let shift = 150.0 + ((seed >> 12) % 60) as f32;
        Palette {
            hue,
            dark: hsl(hue, 0.55, 0.11),
            mid: hsl(hue + 20.0, 0.55, 0.36),
            light: hsl(hue + 40.0, 0.6, 0.74),
            accent: hsl(hue + shift, 0.85, 0.58),
            accent2: hsl(hue - 40.0, 0.8, 0.62),
        }
    }
}

pub(super) fn render(
    slug: &str,
    hue: f32,
    title: &str,
    genre: &str,
    age_rating: &str,
    shot: GameShot,
) -> RgbImage {
    let seed = hash(slug);
    let pal = Palette::new(seed, hue);
    let theme = Theme::of(genre);
    let mut cv = Canvas::new();
    match shot {
        GameShot::Cover => {
            scene(&mut cv, theme, &pal, &mut Rng::new(seed), true);
            title_scrim(&mut cv);
            title_block(&mut cv, title, &pal);
            rating_badge(&mut cv, age_rating);
        }
        GameShot::Screenshot => {
            scene(
                &mut cv,
                theme,
                &pal,
                &mut Rng::new(seed ^ 0x5C5C_5C5C),
                false,
            );
            hud(&mut cv, theme, &pal, &mut Rng::new(seed ^ 0x4D0D));
        }
        GameShot::KeyArt => key_art(&mut cv, theme, &pal, &mut Rng::new(seed ^ 0x7E7), title),
    }
    cv.into_image()
}

fn scene(cv: &mut Canvas, theme: Theme, pal: &Palette, rng: &mut Rng, cover: bool) {
    match theme {
        Theme::Landscape => landscape(cv, pal, rng, cover),
        Theme::Mystic => mystic(cv, pal, rng, cover),
        Theme::Map => hex_map(cv, pal, rng),
        Theme::Blocks => blocks(cv, pal, rng, cover),
        Theme::Road => road(cv, pal, rng, cover),
        Theme::Stadium => stadium(cv, pal, rng, cover),
        Theme::Mosaic => mosaic(cv, pal, rng, cover),
        Theme::Hills => hills(cv, pal, rng, cover),
    }
}

// ---------------------------------------------------------------------------------------------
// Scene pieces
// ---------------------------------------------------------------------------------------------

/// A mountain or hill line across the whole width.
struct Ridge {
    base: f32,
    amp: f32,
    f: [f32; 3],
    p: [f32; 3],
    sharp: bool,
}

impl Ridge {
    fn new(rng: &mut Rng, base: f32, amp: f32, sharp: bool) -> Ridge {
        Ridge {
            base,
            amp,
            f: [
                rng.range(0.003, 0.006),
                rng.range(0.009, 0.016),
                rng.range(0.022, 0.036),
            ],
            p: [
                rng.range(0.0, TAU),
                rng.range(0.0, TAU),
                rng.range(0.0, TAU),
            ],
            sharp,
        }
    }

    fn y_at(&self, x: f32) -> f32 {
        let n0 = (x * self.f[0] + self.p[0]).sin();
        let n1 = (x * self.f[1] + self.p[1]).sin();
        let n2 = if self.sharp {
            1.0 - 2.0 * (x * self.f[2] + self.p[2]).sin().abs()
        } else {
            (x * self.f[2] + self.p[2]).sin() * 0.3
        };
        self.base - self.amp * (0.55 * n0 + 0.3 * n1 + 0.15 * n2)
    }
}

/// Fills below each ridge line (listed back to front), fading from its top to its bottom
/// colour. Rows hidden behind a nearer ridge are skipped, so each pixel is painted about once.
fn draw_ridges(cv: &mut Canvas, ridges: &[(Ridge, Rgb, Rgb)]) {
    let h = cv.h as f32;
    let mut tops = vec![0.0; ridges.len()];
    for x in 0..cv.w {
        let xf = x as f32 + 0.5;
        for (k, r) in ridges.iter().enumerate() {
            tops[k] = r.0.y_at(xf);
        }
        for (k, (_, top, bottom)) in ridges.iter().enumerate() {
            let ty = tops[k];
            let hidden = tops[k + 1..].iter().fold(h, |m, &t| m.min(t)) + 1.0;
            let y0 = ty.max(0.0).floor() as usize;
            let y1 = (hidden.max(0.0).ceil() as usize).min(cv.h);
            let span = (h - ty).max(1.0);
            for y in y0..y1 {
                let fy = y as f32 + 0.5;
                let a = (fy - ty + 0.5).clamp(0.0, 1.0);
                let t = ((fy - ty) / span).clamp(0.0, 1.0);
                cv.blend(x, y, mix(*top, *bottom, t), a);
            }
        }
    }
}

/// `c` lit by a soft glow of colour `g` and radius `r` at distance `d` from its centre (the same
/// falloff as `Canvas::glow`, for folding glows into low-resolution backgrounds).
fn glow_over(c: Rgb, g: Rgb, d: f32, r: f32, strength: f32) -> Rgb {
    let t = (1.0 - d / r).max(0.0);
    mix(c, g, (t * t * strength).min(1.0))
}

fn vertical_gradient(cv: &mut Canvas, top: Rgb, bottom: Rgb, tilt: f32) {
    let (w, h) = (cv.w as f32, cv.h as f32);
    cv.fill_scaled(4, |x, y| {
        let t = (y / h + (x / w - 0.5) * tilt).clamp(0.0, 1.0);
        mix(top, bottom, t)
    });
}

fn stars(cv: &mut Canvas, rng: &mut Rng, n: usize, max_y: f32) {
    for _ in 0..n {
        let (x, y) = (rng.range(0.0, cv.w as f32), rng.range(0.0, max_y));
        let r = rng.range(0.7, 2.2);
        let a = rng.range(0.25, 0.9);
        cv.disc(x, y, r, WHITE, a);
    }
}
