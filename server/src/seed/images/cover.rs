//! Game pictures: box-art style cover, an in-game "screenshot" with a HUD, and a key-art emblem.
//! The scene depends on the genre; the palette on the slug.

use std::f32::consts::{PI, TAU};

use image::RgbImage;

use super::{
    BLACK, Canvas, Convex, GameShot, Rgb, Rng, WHITE, add, hsl, ihashf, len, mix, rot_rect, scale,
    sd_box, sd_hexagon, text_width,
};
use crate::seed::hash;

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

fn landscape(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let h = cv.h as f32;
    let horizon = if cover { 0.64 } else { 0.56 } * h;
    let sky_low = mix(pal.accent2, pal.light, 0.35);
    let (sx, sy) = (rng.range(300.0, 900.0), horizon - rng.range(0.16, 0.3) * h);
    let sr = rng.range(60.0, 100.0);
    cv.fill_scaled(4, |x, y| {
        let t = (y / horizon).min(1.0);
        let t = (t * t + (x / 1200.0 - 0.5) * 0.12).clamp(0.0, 1.0);
        glow_over(
            mix(pal.dark, sky_low, t),
            pal.accent,
            len(x - sx, y - sy),
            sr * 4.0,
            0.5,
        )
    });
    stars(cv, rng, 70, horizon * 0.45);
    cv.disc(sx, sy, sr, mix(pal.accent, WHITE, 0.45), 1.0);
    // Slashing light streaks across the sky.
    for _ in 0..3 {
        let (x0, y0) = (rng.range(-100.0, 700.0), rng.range(80.0, horizon * 0.7));
        let l = rng.range(300.0, 600.0);
        cv.line(
            x0,
            y0,
            x0 + l,
            y0 - l * 0.35,
            rng.range(2.0, 5.0),
            pal.light,
            0.35,
        );
    }
    let mut ridges = Vec::new();
    for k in 0..3 {
        let kf = k as f32;
        let r = Ridge::new(
            rng,
            horizon - 0.04 * h + kf * 0.1 * h,
            (0.17 - 0.04 * kf) * h,
            true,
        );
        let top = mix(mix(pal.mid, sky_low, 0.45 - 0.2 * kf), pal.dark, 0.25 * kf);
        ridges.push((r, top, mix(top, pal.dark, 0.7)));
    }
    draw_ridges(cv, &ridges);
    // A lone tower on the nearest ridge, with a lit window.
    let tx = rng.range(200.0, 1000.0);
    let ground = ridges[2].0.y_at(tx);
    let (tw, th) = (34.0, rng.range(150.0, 220.0));
    let tower = scale(pal.dark, 0.7);
    cv.poly(
        &[
            (tx - tw, ground + 10.0),
            (tx + tw, ground + 10.0),
            (tx + tw * 0.7, ground - th),
            (tx - tw * 0.7, ground - th),
        ],
        tower,
        1.0,
    );
    cv.poly(
        &[
            (tx - tw, ground - th),
            (tx + tw, ground - th),
            (tx, ground - th - 70.0),
        ],
        tower,
        1.0,
    );
    cv.glow(tx, ground - th + 30.0, 60.0, pal.accent, 0.6);
    cv.rrect(
        tx,
        ground - th + 30.0,
        7.0,
        12.0,
        3.0,
        mix(pal.accent, WHITE, 0.5),
        1.0,
    );
}

fn mystic(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let (cx, cy) = (600.0, if cover { 540.0 } else { 440.0 });
    let (inner, outer) = (mix(pal.mid, pal.accent, 0.15), scale(pal.dark, 0.8));
    let r = 230.0;
    cv.fill_scaled(4, |x, y| {
        let l = len(x - cx, y - cy);
        let d = (l / 800.0).min(1.0);
        glow_over(mix(inner, outer, d.sqrt()), pal.accent, l, r * 1.7, 0.45)
    });
    let h = cv.h as f32;
    stars(cv, rng, 160, h);
    cv.ring(cx, cy, r, 7.0, pal.accent, 0.95);
    cv.ring(cx, cy, r * 1.14, 2.5, pal.light, 0.6);
    cv.ring(cx, cy, r * 0.8, 3.0, pal.light, 0.75);
    let marks = 12 + rng.below(3) * 4;
    for i in 0..marks {
        let a = i as f32 * TAU / marks as f32;
        let (px, py) = (cx + a.cos() * r * 0.9, cy + a.sin() * r * 0.9);
        if i % 2 == 0 {
            cv.poly(&rot_rect(px, py, 7.0, 7.0, a + PI / 4.0), pal.light, 0.9);
        } else {
            cv.line(
                px - a.cos() * 10.0,
                py - a.sin() * 10.0,
                px + a.cos() * 10.0,
                py + a.sin() * 10.0,
                4.0,
                pal.accent,
                0.9,
            );
        }
    }
    let points = 5 + rng.below(4);
    cv.star(
        cx,
        cy,
        r * 0.66,
        points,
        points as f32 * 0.55 + 0.5,
        mix(pal.light, WHITE, 0.3),
        1.0,
    );
    cv.star(cx, cy, r * 0.36, points, 2.0, pal.accent, 0.9);
    cv.glow(cx, cy, r * 0.5, WHITE, 0.35);
    // Crescent moon.
    let (mx, my, mr) = (rng.range(150.0, 350.0), 130.0, 55.0);
    let moon = mix(pal.light, WHITE, 0.5);
    cv.paint(
        mx - mr - 1.0,
        my - mr - 1.0,
        mx + mr + 1.0,
        my + mr + 1.0,
        |x, y| {
            let d = (len(x - mx, y - my) - mr).max(mr * 0.85 - len(x - mx - 24.0, y - my + 10.0));
            (super::aa(d), moon)
        },
    );
    let ground = Ridge::new(rng, cv.h as f32 * 0.93, 40.0, false);
    draw_ridges(cv, &[(ground, scale(pal.dark, 0.6), BLACK)]);
}

fn hex_map(cv: &mut Canvas, pal: &Palette, rng: &mut Rng) {
    let r = 48.0; // apothem
    let big = r * 2.0 / 3f32.sqrt(); // circumradius
    let (p0, p1) = (rng.range(0.0, TAU), rng.range(0.0, TAU));
    let sea = mix(pal.dark, pal.mid, 0.45);
    let land = mix(pal.light, pal.mid, 0.35);
    let owners = [pal.accent, pal.accent2, hsl(pal.hue + 90.0, 0.7, 0.55)];
    let salt = rng.below(1000) as i32;
    cv.fill_scaled(2, |x, y| {
        // Nearest hex centre among the two candidate columns.
        let col0 = (x / (1.5 * big)).floor() as i32;
        let mut best = (f32::MAX, 0, 0, 0.0, 0.0);
        for col in col0..=col0 + 1 {
            let off = if col.rem_euclid(2) == 1 { r } else { 0.0 };
            let row = ((y - off) / (2.0 * r)).round() as i32;
            let (hx, hy) = (col as f32 * 1.5 * big, row as f32 * 2.0 * r + off);
            let d = len(x - hx, y - hy);
            if d < best.0 {
                best = (d, col, row, hx, hy);
            }
        }
        let (_, col, row, hx, hy) = best;
        let field = (hx * 0.004 + p0).sin() + (hy * 0.005 + p1).cos() + 0.4 * (hx * 0.011).sin();
        let mut c = if field > -0.3 { land } else { sea };
        if field > -0.3 {
            let owner = (ihashf(col / 3 + salt, row / 3) * 4.0) as usize;
            if owner < 3 {
                c = mix(c, owners[owner], 0.45);
            }
        }
        let edge = sd_hexagon(x - hx, y - hy, r);
        let line = super::aa(edge.abs() - 1.2) * 0.55;
        c = mix(c, scale(pal.dark, 0.6), line);
        let vignette = len(x / 1200.0 - 0.5, y / 900.0 - 0.5) * 0.9;
        scale(c, 1.0 - vignette * vignette)
    });
    for _ in 0..3 + rng.below(2) {
        let (fx, fy) = (rng.range(150.0, 1050.0), rng.range(380.0, 800.0));
        let c = owners[rng.below(3) as usize];
        cv.shadow(fx + 6.0, fy + 4.0, 30.0, 10.0, 0.4);
        cv.line(fx, fy, fx, fy - 130.0, 6.0, scale(pal.dark, 0.5), 1.0);
        cv.poly(
            &[
                (fx, fy - 130.0),
                (fx + 90.0, fy - 130.0),
                (fx + 90.0, fy - 75.0),
                (fx, fy - 75.0),
            ],
            c,
            1.0,
        );
        cv.poly(
            &[
                (fx + 90.0, fy - 130.0),
                (fx + 110.0, fy - 130.0),
                (fx + 92.0, fy - 102.0),
            ],
            c,
            1.0,
        );
        cv.poly(
            &[
                (fx + 92.0, fy - 102.0),
                (fx + 110.0, fy - 75.0),
                (fx + 90.0, fy - 75.0),
            ],
            c,
            1.0,
        );
        cv.disc(fx + 45.0, fy - 102.0, 12.0, mix(c, WHITE, 0.6), 0.9);
    }
}

fn blocks(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    vertical_gradient(cv, mix(pal.light, WHITE, 0.3), pal.mid, 0.1);
    let (cx, cy) = (600.0, if cover { 470.0 } else { 380.0 });
    let (tw, th, hz) = (128.0, 64.0, 58.0);
    let n = 6;
    let iso = |i: f32, j: f32, z: f32| (cx + (i - j) * tw / 2.0, cy + (i + j) * th / 2.0 - z * hz);
    // Platform.
    let nf = n as f32;
    let (a, b, c, d) = (
        iso(0.0, 0.0, 0.0),
        iso(nf, 0.0, 0.0),
        iso(nf, nf, 0.0),
        iso(0.0, nf, 0.0),
    );
    cv.poly(
        &[b, c, (c.0, c.1 + 40.0), (b.0, b.1 + 40.0)],
        scale(pal.mid, 0.55),
        1.0,
    );
    cv.poly(
        &[c, d, (d.0, d.1 + 40.0), (c.0, c.1 + 40.0)],
        scale(pal.mid, 0.75),
        1.0,
    );
    cv.poly(&[a, b, c, d], mix(pal.mid, pal.light, 0.35), 1.0);
    let hues = [
        pal.accent,
        pal.accent2,
        pal.light,
        hsl(pal.hue + 200.0, 0.5, 0.7),
    ];
    for s in 0..(2 * n - 1) {
        for i in 0..n {
            let j = s - i;
            if j < 0 || j >= n {
                continue;
            }
            let (fi, fj) = (i as f32 + 0.12, j as f32 + 0.12);
            let roll = rng.below(10);
            if roll < 3 {
                // A tree.
                let (x, y) = iso(fi + 0.38, fj + 0.38, 0.0);
                cv.line(x, y, x, y - 30.0, 6.0, scale(pal.dark, 0.8), 1.0);
                cv.disc(x, y - 42.0, 22.0, hsl(pal.hue + 110.0, 0.45, 0.42), 1.0);
                continue;
            }
            let height = 0.4 + rng.below(4) as f32 * 0.6;
            let base = hues[rng.below(4) as usize];
            let s = 0.76;
            let (p0, p1, p2, p3) = (
                iso(fi, fj, height),
                iso(fi + s, fj, height),
                iso(fi + s, fj + s, height),
                iso(fi, fj + s, height),
            );
            let (g1, g2, g3) = (
                iso(fi + s, fj, 0.0),
                iso(fi + s, fj + s, 0.0),
                iso(fi, fj + s, 0.0),
            );
            cv.poly(&[p1, p2, g2, g1], scale(base, 0.62), 1.0);
            cv.poly(&[p2, p3, g3, g2], scale(base, 0.8), 1.0);
            cv.poly(&[p0, p1, p2, p3], mix(base, WHITE, 0.25), 1.0);
            // Lit windows on the right face.
            let floors = (height / 0.6).round() as i32;
            for f in 0..floors {
                let t = (f as f32 + 0.5) / floors as f32;
                let (wx, wy) = iso(fi + s, fj + s * 0.5, height * (1.0 - t));
                cv.rrect(
                    wx - 2.0,
                    wy,
                    5.0,
                    7.0,
                    2.0,
                    mix(pal.accent, WHITE, 0.6),
                    0.85,
                );
            }
        }
    }
}

fn road(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let (w, h) = (cv.w as f32, cv.h as f32);
    let hz = if cover { 0.56 } else { 0.48 } * h;
    let vx = 600.0;
    let glow_col = mix(pal.accent2, pal.accent, 0.3);
    let ground = scale(pal.dark, 0.7);
    let sr = 150.0;
    cv.fill_scaled(2, |x, y| {
        let c = if y < hz {
            let t = y / hz;
            mix(pal.dark, glow_col, t * t)
        } else {
            let t = (y - hz) / (h - hz);
            mix(mix(pal.dark, glow_col, 0.25), ground, t.sqrt())
        };
        glow_over(c, pal.accent, len(x - vx, y - hz), sr * 2.6, 0.45)
    });
    // Striped sun sitting on the horizon.
    let sun_top = mix(pal.accent, WHITE, 0.35);
    cv.paint(vx - sr - 1.0, hz - sr - 1.0, vx + sr + 1.0, hz, |x, y| {
        let d = len(x - vx, y - hz) - sr;
        let t = (hz - y) / sr; // 1 at the top, 0 at the horizon
        let band = ((1.0 - t) * 7.0).fract();
        let gap = if t < 0.6 { (0.6 - t) * 0.9 } else { 0.0 };
        let a = if band < gap { 0.0 } else { super::aa(d) };
        (a, mix(pal.accent2, sun_top, t))
    });
    // Perspective grid on the ground.
    for k in -14..=14 {
        let x = vx + k as f32 * 150.0;
        cv.line(vx + k as f32 * 6.0, hz, x, h, 2.0, pal.accent, 0.35);
    }
    let mut y = hz + 6.0;
    let mut step = 6.0;
    while y < h {
        cv.line(0.0, y, w, y, 1.5 + step * 0.03, pal.accent, 0.3);
        step *= 1.35;
        y += step;
    }
    // Road.
    let asphalt = scale(pal.dark, 0.45);
    cv.poly(
        &[
            (vx - 10.0, hz),
            (vx + 10.0, hz),
            (w * 0.86, h),
            (w * 0.14, h),
        ],
        asphalt,
        1.0,
    );
    cv.line(vx - 10.0, hz, w * 0.14, h, 6.0, WHITE, 0.8);
    cv.line(vx + 10.0, hz, w * 0.86, h, 6.0, WHITE, 0.8);
    let mut t: f32 = 0.05;
    while t < 1.0 {
        let t1 = (t * 1.25).min(1.0);
        let (y0, y1) = (hz + (h - hz) * t, hz + (h - hz) * (t + (t1 - t) * 0.55));
        cv.line(
            vx,
            y0,
            vx,
            y1,
            2.0 + 12.0 * t,
            mix(pal.accent, WHITE, 0.5),
            0.9,
        );
        t = t1 + 0.02;
    }
    // Speed lines.
    for _ in 0..18 {
        let a = rng.range(PI * 1.05, PI * 1.95);
        let r0 = rng.range(180.0, 400.0);
        let r1 = r0 + rng.range(120.0, 320.0);
        cv.line(
            vx + a.cos() * r0,
            hz + a.sin() * r0 * 0.7,
            vx + a.cos() * r1,
            hz + a.sin() * r1 * 0.7,
            rng.range(1.5, 4.0),
            WHITE,
            0.35,
        );
    }
    // The player's car from behind.
    let (cx, cy) = (vx + rng.range(-60.0, 60.0), h - 120.0);
    cv.shadow(cx, cy + 70.0, 190.0, 26.0, 0.6);
    cv.poly(
        &[
            (cx - 105.0, cy - 40.0),
            (cx + 105.0, cy - 40.0),
            (cx + 70.0, cy - 95.0),
            (cx - 70.0, cy - 95.0),
        ],
        scale(pal.mid, 0.6),
        1.0,
    );
    cv.poly(
        &[
            (cx - 88.0, cy - 45.0),
            (cx + 88.0, cy - 45.0),
            (cx + 62.0, cy - 86.0),
            (cx - 62.0, cy - 86.0),
        ],
        mix(pal.light, pal.accent, 0.3),
        0.5,
    );
    cv.rrect(cx, cy, 165.0, 45.0, 22.0, pal.mid, 1.0);
    cv.rrect(
        cx,
        cy - 30.0,
        150.0,
        10.0,
        5.0,
        mix(pal.mid, WHITE, 0.3),
        0.6,
    );
    for side in [-1.0, 1.0] {
        cv.rrect(
            cx + side * 110.0,
            cy - 5.0,
            40.0,
            10.0,
            5.0,
            [1.0, 0.15, 0.2],
            1.0,
        );
        cv.glow(cx + side * 110.0, cy - 5.0, 70.0, [1.0, 0.2, 0.25], 0.4);
        cv.rrect(cx + side * 125.0, cy + 50.0, 30.0, 16.0, 6.0, BLACK, 0.9);
    }
}

fn stadium(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let (w, h) = (cv.w as f32, cv.h as f32);
    let pitch_top = if cover { 0.58 } else { 0.5 } * h;
    let grass = hsl(100.0 + (pal.hue % 40.0), 0.5, 0.36);
    let sky_low = mix(pal.mid, pal.accent, 0.2);
    let lights = [(110.0, 70.0), (1090.0, 70.0)];
    cv.fill_scaled(2, |x, y| {
        let c = if y < pitch_top {
            mix(scale(pal.dark, 0.7), sky_low, (y / pitch_top).powi(2))
        } else {
            let t = (y - pitch_top) / (h - pitch_top);
            // Mowing stripes, wider towards the viewer.
            let stripe = ((t.sqrt() * 9.0) as i32 + ((x - 600.0) / (120.0 + 400.0 * t)) as i32) % 2;
            let c = if stripe == 0 {
                grass
            } else {
                scale(grass, 0.85)
            };
            scale(c, 0.75 + 0.35 * t)
        };
        lights.iter().fold(c, |c, &(lx, ly)| {
            glow_over(c, WHITE, len(x - lx, y - ly), 170.0, 0.5)
        })
    });
    // Crowd in the stands.
    let stand_top = pitch_top - 0.22 * h;
    for _ in 0..900 {
        let (x, y) = (rng.range(0.0, w), rng.range(stand_top, pitch_top - 12.0));
        let c = match rng.below(4) {
            0 => pal.accent,
            1 => pal.light,
            2 => pal.accent2,
            _ => WHITE,
        };
        cv.disc(x, y, rng.range(2.0, 4.0), c, rng.range(0.35, 0.8));
    }
    cv.rrect(
        600.0,
        pitch_top - 6.0,
        620.0,
        6.0,
        0.0,
        scale(pal.dark, 0.6),
        1.0,
    );
    // Floodlights.
    for (lx, dir) in [(110.0, 1.0), (1090.0, -1.0)] {
        let ly = 70.0;
        cv.poly(
            &[
                (lx, ly),
                (lx + dir * 40.0, ly),
                (600.0 + dir * 120.0, h),
                (600.0 - dir * 260.0, h),
            ],
            WHITE,
            0.07,
        );
        cv.rrect(lx, ly, 48.0, 20.0, 6.0, scale(pal.dark, 0.5), 1.0);
        for k in 0..4 {
            cv.disc(lx - 33.0 + k as f32 * 22.0, ly, 8.0, WHITE, 1.0);
        }
    }
    // Pitch markings.
    let line_c = mix(WHITE, grass, 0.15);
    let mid_y = pitch_top + (h - pitch_top) * 0.45;
    cv.line(40.0, mid_y, w - 40.0, mid_y, 4.0, line_c, 0.8);
    cv.paint(300.0, mid_y - 80.0, 900.0, mid_y + 80.0, |x, y| {
        let d = super::sd_ellipse(x - 600.0, y - mid_y, 240.0, 62.0).abs() - 2.0;
        (super::aa(d) * 0.8, line_c)
    });
    // The ball, with a motion trail.
    let (bx, by, br) = (
        rng.range(380.0, 820.0),
        mid_y - rng.range(60.0, 160.0),
        62.0,
    );
    for k in 1..6 {
        let kf = k as f32;
        cv.disc(
            bx - kf * 38.0,
            by + kf * 14.0,
            br * (1.0 - kf * 0.12),
            WHITE,
            0.12,
        );
    }
    cv.shadow(bx + 30.0, mid_y + 40.0, 80.0, 16.0, 0.45);
    cv.paint(
        bx - br - 1.0,
        by - br - 1.0,
        bx + br + 1.0,
        by + br + 1.0,
        |x, y| {
            let (dx, dy) = ((x - bx) / br, (y - by) / br);
            let rr = len(dx, dy);
            let n = super::norm3([dx, dy, (1.0 - rr * rr).max(0.0).sqrt()]);
            let diff = super::dot3(n, super::LIGHT).max(0.0);
            let spec = super::dot3(n, super::HALF).max(0.0).powi(24) * 0.5;
            (
                super::aa((rr - 1.0) * br),
                add(scale(WHITE, 0.35 + 0.6 * diff), spec),
            )
        },
    );
    cv.star(bx, by, br * 0.38, 5, 2.0, scale(pal.dark, 0.8), 0.95);
    for i in 0..5 {
        let a = -PI / 2.0 + i as f32 * TAU / 5.0;
        cv.star(
            bx + a.cos() * br * 0.8,
            by + a.sin() * br * 0.8,
            br * 0.22,
            5,
            2.0,
            scale(pal.dark, 0.8),
            0.8,
        );
    }
}

fn mosaic(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let (inner, outer) = (mix(pal.dark, pal.mid, 0.5), scale(pal.dark, 0.7));
    cv.fill_scaled(4, |x, y| {
        mix(inner, outer, (len(x - 600.0, y - 500.0) / 800.0).min(1.0))
    });
    let (cols, rows, tile, gap) = if cover {
        (7, 5, 90.0, 12.0)
    } else {
        (7, 5, 112.0, 14.0)
    };
    let bw = cols as f32 * tile + (cols - 1) as f32 * gap;
    let bh = rows as f32 * tile + (rows - 1) as f32 * gap;
    let (ox, oy) = (
        600.0 - bw / 2.0,
        if cover { 868.0 - bh } else { 450.0 - bh / 2.0 },
    );
    cv.rrect(
        600.0,
        oy + bh / 2.0,
        bw / 2.0 + 22.0,
        bh / 2.0 + 22.0,
        26.0,
        scale(pal.dark, 0.6),
        0.8,
    );
    let colors = [pal.accent, pal.accent2, pal.light, mix(pal.mid, WHITE, 0.2)];
    for r in 0..rows {
        for c in 0..cols {
            let x = ox + c as f32 * (tile + gap) + tile / 2.0;
            let y = oy + r as f32 * (tile + gap) + tile / 2.0;
            let roll = rng.below(100);
            if roll < 10 {
                // An empty slot waiting for a piece.
                cv.paint(
                    x - tile / 2.0,
                    y - tile / 2.0,
                    x + tile / 2.0,
                    y + tile / 2.0,
                    |px, py| {
                        let d = sd_box(px - x, py - y, tile / 2.0 - 4.0, tile / 2.0 - 4.0, 14.0);
                        (super::aa(d.abs() - 2.0) * 0.5, pal.light)
                    },
                );
                continue;
            }
            let col = colors[rng.below(4) as usize];
            cv.rrect(x + 6.0, y + 9.0, tile / 2.0, tile / 2.0, 18.0, BLACK, 0.35);
            cv.rrect(x, y, tile / 2.0, tile / 2.0, 18.0, col, 1.0);
            cv.rrect(
                x,
                y - tile * 0.22,
                tile / 2.0 - 10.0,
                tile * 0.2,
                10.0,
                WHITE,
                0.18,
            );
            let mark = mix(col, WHITE, 0.55);
            match rng.below(4) {
                0 => cv.disc(x, y, tile * 0.2, mark, 0.9),
                1 => cv.poly(
                    &rot_rect(x, y, tile * 0.17, tile * 0.17, PI / 4.0),
                    mark,
                    0.9,
                ),
                2 => cv.poly(
                    &[
                        (x, y - tile * 0.22),
                        (x + tile * 0.22, y + tile * 0.16),
                        (x - tile * 0.22, y + tile * 0.16),
                    ],
                    mark,
                    0.9,
                ),
                _ => cv.ring(x, y, tile * 0.18, 8.0, mark, 0.9),
            }
        }
    }
    // One piece lifted off the board, mid-move.
    let (x, y) = (
        rng.range(ox + tile, ox + bw - tile),
        if cover { oy + tile * 0.3 } else { oy - 40.0 },
    );
    let col = colors[rng.below(4) as usize];
    cv.rrect(x + 18.0, y + 30.0, tile / 2.0, tile / 2.0, 18.0, BLACK, 0.3);
    cv.poly(&rot_rect(x, y, tile / 2.0, tile / 2.0, 0.2), col, 1.0);
    cv.disc(x, y, tile * 0.2, mix(col, WHITE, 0.55), 0.9);
}

fn hills(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
    let h = cv.h as f32;
    let top = hsl(pal.hue, 0.45, 0.3);
    let bottom = hsl(pal.hue + 30.0, 0.55, 0.8);
    let (mx, my) = (rng.range(750.0, 1000.0), if cover { 420.0 } else { 170.0 });
    cv.fill_scaled(4, |x, y| {
        let t = (y / h + (x / 1200.0 - 0.5) * 0.08).clamp(0.0, 1.0);
        glow_over(mix(top, bottom, t), WHITE, len(x - mx, y - my), 260.0, 0.35)
    });
    if !cover {
        stars(cv, rng, 50, h * 0.35);
    }
    cv.disc(mx, my, 70.0, mix(pal.light, WHITE, 0.7), 1.0);
    let cloud_band = if cover {
        (380.0, 470.0)
    } else {
        (120.0, 380.0)
    };
    for _ in 0..3 {
        let (x, y) = (
            rng.range(80.0, 1100.0),
            rng.range(cloud_band.0, cloud_band.1),
        );
        for k in 0..5 {
            let kf = k as f32;
            cv.disc(
                x + kf * 34.0,
                y - (kf - 2.0).abs() * -8.0 - 16.0 * (kf % 2.0),
                30.0,
                WHITE,
                0.55,
            );
        }
    }
    let base = if cover { 0.68 } else { 0.58 } * h;
    let greens = [
        hsl(pal.hue + 100.0, 0.35, 0.62),
        hsl(pal.hue + 110.0, 0.4, 0.48),
        hsl(pal.hue + 120.0, 0.45, 0.34),
    ];
    let ridges: Vec<(Ridge, Rgb, Rgb)> = greens
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let r = Ridge::new(
                rng,
                base + k as f32 * 0.1 * h,
                70.0 - k as f32 * 12.0,
                false,
            );
            (r, *g, scale(*g, 0.75))
        })
        .collect();
    draw_ridges(cv, &ridges);
    // Trees on the middle hill.
    for _ in 0..6 {
        let x = rng.range(40.0, 1160.0);
        let y = ridges[1].0.y_at(x);
        let s = rng.range(0.7, 1.2);
        cv.line(
            x,
            y + 5.0,
            x,
            y - 30.0 * s,
            7.0 * s,
            scale(pal.dark, 0.8),
            1.0,
        );
        cv.poly(
            &[
                (x - 26.0 * s, y - 20.0 * s),
                (x + 26.0 * s, y - 20.0 * s),
                (x, y - 95.0 * s),
            ],
            scale(greens[2], 0.8),
            1.0,
        );
    }
    // A cottage on the front hill with a warm window.
    let hx = rng.range(250.0, 950.0);
    let hy = ridges[2].0.y_at(hx) + 12.0;
    let wall = hsl(pal.hue + 20.0, 0.35, 0.78);
    let roof = hsl(pal.hue - 20.0, 0.55, 0.38);
    cv.poly(
        &[
            (hx - 70.0, hy),
            (hx + 70.0, hy),
            (hx + 70.0, hy - 90.0),
            (hx - 70.0, hy - 90.0),
        ],
        wall,
        1.0,
    );
    cv.poly(
        &[
            (hx - 90.0, hy - 85.0),
            (hx + 90.0, hy - 85.0),
            (hx, hy - 165.0),
        ],
        roof,
        1.0,
    );
    cv.glow(hx - 28.0, hy - 48.0, 70.0, [1.0, 0.8, 0.4], 0.5);
    cv.rrect(hx - 28.0, hy - 48.0, 16.0, 16.0, 3.0, [1.0, 0.85, 0.5], 1.0);
    cv.rrect(hx + 30.0, hy - 30.0, 16.0, 30.0, 4.0, scale(roof, 0.7), 1.0);
    // Birds.
    for _ in 0..4 {
        let (x, y) = (rng.range(100.0, 700.0), rng.range(120.0, 320.0));
        let s = rng.range(8.0, 14.0);
        cv.line(x - s, y - s * 0.5, x, y, 2.5, scale(pal.dark, 0.8), 0.8);
        cv.line(x, y, x + s, y - s * 0.5, 2.5, scale(pal.dark, 0.8), 0.8);
    }
}

// ---------------------------------------------------------------------------------------------
// Cover furniture
// ---------------------------------------------------------------------------------------------

/// Darkens the top of the cover so the title reads on any scene.
fn title_scrim(cv: &mut Canvas) {
    let h = cv.h as f32 * 0.4;
    let w = cv.w as f32;
    cv.paint(0.0, 0.0, w, h, |_, y| {
        let t = 1.0 - y / h;
        (t * t * 0.7, BLACK)
    });
    let hb = cv.h as f32;
    cv.paint(0.0, hb - 150.0, w, hb, |_, y| {
        let t = (y - (hb - 150.0)) / 150.0;
        (t * 0.45, BLACK)
    });
}

/// Greedy word wrap to at most `max` characters per line.
fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

fn title_block(cv: &mut Canvas, title: &str, pal: &Palette) {
    let upper = title.to_uppercase();
    let (main, sub) = match upper.split_once(':') {
        Some((m, s)) => (m.trim().to_string(), Some(s.trim().to_string())),
        None => (upper, None),
    };
    let lines = wrap(&main, 13);
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let cell = (1040.0 / (longest as f32 * 6.0 - 1.0)).min(17.0);
    let face = mix(pal.light, WHITE, 0.55);
    let mut top = 48.0;
    for line in &lines {
        cv.text(
            line,
            600.0 + cell * 0.4,
            top + cell * 0.45,
            cell,
            BLACK,
            0.55,
        );
        cv.text(line, 600.0, top, cell, face, 1.0);
        top += cell * 9.0;
    }
    if let Some(sub) = sub {
        let sub_cell = (1040.0 / (sub.chars().count() as f32 * 6.0 - 1.0)).min(cell * 0.5);
        let w = text_width(&sub, sub_cell);
        cv.rrect(
            600.0,
            top + sub_cell * 3.5,
            w / 2.0 + 20.0,
            sub_cell * 6.0,
            8.0,
            pal.accent,
            0.85,
        );
        cv.text(&sub, 600.0, top, sub_cell, scale(pal.dark, 0.5), 1.0);
    } else {
        cv.rrect(600.0, top + 4.0, 160.0, 5.0, 2.5, pal.accent, 0.9);
    }
}

/// Age-rating box in the bottom-left corner, coloured like the real labels.
fn rating_badge(cv: &mut Canvas, age_rating: &str) {
    let age = age_rating.trim_start_matches("PEGI ").trim();
    let color = match age {
        "3" | "7" => [0.36, 0.68, 0.2],
        "12" | "16" => [0.95, 0.6, 0.1],
        _ => [0.86, 0.12, 0.12],
    };
    let (x, y) = (95.0, 800.0);
    cv.rrect(x, y, 52.0, 62.0, 8.0, WHITE, 1.0);
    cv.rrect(x, y, 46.0, 56.0, 6.0, color, 1.0);
    let cell = if age.len() > 1 { 7.5 } else { 9.0 };
    cv.text(age, x, y - 48.0, cell, WHITE, 1.0);
    cv.rrect(x, y + 34.0, 38.0, 12.0, 3.0, WHITE, 0.9);
}

// ---------------------------------------------------------------------------------------------
// Screenshot HUD
// ---------------------------------------------------------------------------------------------

fn hud(cv: &mut Canvas, theme: Theme, pal: &Palette, rng: &mut Rng) {
    let panel = scale(BLACK, 1.0);
    match theme {
        Theme::Road => {
            cv.rrect(150.0, 70.0, 100.0, 40.0, 10.0, panel, 0.5);
            cv.text(
                &format!("P{}", 1 + rng.below(6)),
                150.0,
                44.0,
                7.5,
                WHITE,
                1.0,
            );
            cv.paint(950.0, 700.0, 1170.0, 880.0, |x, y| {
                let (dx, dy) = (x - 1060.0, y - 820.0);
                let d = (len(dx, dy) - 90.0).abs() - 6.0;
                let a = dy.atan2(dx);
                let on = a < -0.1 && a > -PI + 0.1;
                (if on { super::aa(d) * 0.9 } else { 0.0 }, pal.accent)
            });
            let speed = format!("{}", 180 + rng.below(140));
            cv.text(&speed, 1060.0, 770.0, 7.0, WHITE, 1.0);
            cv.text("KM/H", 1060.0, 835.0, 3.5, WHITE, 0.8);
        }
        Theme::Stadium => {
            cv.rrect(600.0, 60.0, 170.0, 34.0, 10.0, panel, 0.55);
            let score = format!("{} - {}", rng.below(4), rng.below(4));
            cv.text(&score, 600.0, 39.0, 6.0, WHITE, 1.0);
            cv.text(
                &format!("{}:{:02}", 10 + rng.below(80), rng.below(60)),
                600.0,
                110.0,
                3.5,
                WHITE,
                0.85,
            );
        }
        Theme::Mosaic => {
            cv.rrect(190.0, 60.0, 160.0, 32.0, 10.0, panel, 0.5);
            cv.text(
                &format!("SCORE {}", 1000 + rng.below(9000)),
                190.0,
                45.0,
                4.5,
                WHITE,
                1.0,
            );
            cv.rrect(1040.0, 60.0, 110.0, 32.0, 10.0, panel, 0.5);
            cv.text(
                &format!("LEVEL {}", 1 + rng.below(150)),
                1040.0,
                45.0,
                4.0,
                pal.light,
                1.0,
            );
        }
        Theme::Map | Theme::Blocks => {
            cv.rrect(600.0, 28.0, 600.0, 28.0, 0.0, panel, 0.55);
            for (i, c) in [pal.accent, pal.accent2, pal.light, WHITE]
                .iter()
                .enumerate()
            {
                let x = 120.0 + i as f32 * 260.0;
                cv.disc(x, 28.0, 12.0, *c, 1.0);
                cv.text(
                    &format!("{}", 100 + rng.below(9900)),
                    x + 80.0,
                    17.0,
                    3.2,
                    WHITE,
                    0.95,
                );
            }
            cv.rrect(1080.0, 820.0, 90.0, 50.0, 10.0, panel, 0.5);
            cv.text(
                &format!("TURN {}", 1 + rng.below(120)),
                1080.0,
                810.0,
                3.2,
                WHITE,
                1.0,
            );
        }
        _ => {
            // Health and energy bars.
            cv.rrect(200.0, 50.0, 150.0, 14.0, 7.0, panel, 0.5);
            let hp = rng.range(0.45, 0.95);
            cv.rrect(
                56.0 + 142.0 * hp,
                50.0,
                142.0 * hp,
                9.0,
                5.0,
                [0.85, 0.15, 0.2],
                1.0,
            );
            cv.rrect(170.0, 80.0, 120.0, 9.0, 5.0, panel, 0.5);
            let en = rng.range(0.3, 0.9);
            cv.rrect(
                54.0 + 114.0 * en,
                80.0,
                114.0 * en,
                5.0,
                3.0,
                pal.accent,
                1.0,
            );
            // Minimap.
            let (mx, my) = (1080.0, 120.0);
            cv.disc(mx, my, 84.0, panel, 0.5);
            cv.ring(mx, my, 84.0, 4.0, WHITE, 0.7);
            for _ in 0..6 {
                let a = rng.range(0.0, TAU);
                let r = rng.range(15.0, 70.0);
                cv.disc(mx + a.cos() * r, my + a.sin() * r, 5.0, pal.accent2, 0.9);
            }
            cv.poly(
                &[
                    (mx, my - 14.0),
                    (mx + 10.0, my + 10.0),
                    (mx - 10.0, my + 10.0),
                ],
                WHITE,
                1.0,
            );
            // Hotbar.
            for i in 0..5 {
                let x = 600.0 + (i as f32 - 2.0) * 84.0;
                cv.rrect(x, 840.0, 36.0, 36.0, 8.0, panel, 0.5);
                cv.paint(x - 40.0, 800.0, x + 40.0, 880.0, |px, py| {
                    let d = sd_box(px - x, py - 840.0, 36.0, 36.0, 8.0).abs() - 1.5;
                    (super::aa(d) * 0.8, if i == 0 { pal.accent } else { WHITE })
                });
                let c = [pal.accent, pal.accent2, pal.light, WHITE, pal.accent][i];
                cv.poly(&rot_rect(x, 840.0, 13.0, 13.0, PI / 4.0), c, 0.85);
            }
            if theme == Theme::Landscape {
                cv.ring(600.0, 450.0, 14.0, 2.5, WHITE, 0.8);
                cv.disc(600.0, 450.0, 2.5, WHITE, 0.9);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Key art
// ---------------------------------------------------------------------------------------------

fn key_art(cv: &mut Canvas, theme: Theme, pal: &Palette, rng: &mut Rng, title: &str) {
    let (cx, cy) = (600.0, 400.0);
    let rays = 14.0 + rng.below(8) as f32;
    let spin = rng.range(0.0, 1.0);
    cv.fill_scaled(2, |x, y| {
        let a = (y - cy).atan2(x - cx) / TAU + 0.5 + spin;
        let r = len(x - cx, y - cy);
        let d = (r / 750.0).min(1.0);
        let base = mix(
            mix(pal.mid, pal.accent, 0.15),
            scale(pal.dark, 0.8),
            d.sqrt(),
        );
        let c = if (a * rays).fract() < 0.5 {
            mix(base, pal.light, 0.08 * (1.0 - d))
        } else {
            base
        };
        glow_over(c, pal.accent, r, 420.0, 0.55)
    });

    // Shield.
    let s = 230.0;
    let shield = |k: f32| -> Vec<(f32, f32)> {
        let mut pts = vec![
            (cx - s * 0.8 * k, cy - s * k),
            (cx + s * 0.8 * k, cy - s * k),
        ];
        for i in 0..=8 {
            let u = i as f32 / 8.0;
            pts.push((
                cx + s * 0.8 * k * (1.0 - u).powf(0.6),
                cy - s * 0.05 * k + u * s * 1.15 * k,
            ));
        }
        for i in (0..8).rev() {
            let u = i as f32 / 8.0;
            pts.push((
                cx - s * 0.8 * k * (1.0 - u).powf(0.6),
                cy - s * 0.05 * k + u * s * 1.15 * k,
            ));
        }
        pts
    };
    let outer = shield(1.0);
    let inner = shield(0.9);
    let (x0, y0, x1, y1) = super::bounds(&outer);
    let outer_shape = Convex::new(&outer);
    cv.paint(x0 + 14.0, y0 + 22.0, x1 + 26.0, y1 + 30.0, |x, y| {
        (
            super::aa(outer_shape.sd(x - 16.0, y - 22.0) - 6.0) * 0.45,
            BLACK,
        )
    });
    cv.poly(&outer, mix(pal.accent, WHITE, 0.2), 1.0);
    let (top_c, bottom_c) = (mix(pal.mid, pal.dark, 0.2), scale(pal.dark, 0.9));
    let (ix0, iy0, ix1, iy1) = super::bounds(&inner);
    let inner_shape = Convex::new(&inner);
    cv.paint(ix0 - 1.0, iy0 - 1.0, ix1 + 1.0, iy1 + 1.0, |x, y| {
        let t = ((y - iy0) / (iy1 - iy0)).clamp(0.0, 1.0);
        (super::aa(inner_shape.sd(x, y)), mix(top_c, bottom_c, t))
    });

    let icon = mix(pal.light, WHITE, 0.35);
    let ic = (cx, cy + 10.0);
    match theme {
        Theme::Landscape => {
            for dir in [-1.0f32, 1.0] {
                let a = dir * 0.75;
                cv.poly(&rot_rect(ic.0, ic.1, 12.0, 150.0, a), icon, 1.0);
                let (ux, uy) = ((a).sin(), -(a).cos());
                let guard = (ic.0 - ux * 90.0, ic.1 - uy * 90.0);
                cv.poly(&rot_rect(guard.0, guard.1, 46.0, 9.0, a), pal.accent, 1.0);
                cv.disc(ic.0 - ux * 145.0, ic.1 - uy * 145.0, 15.0, pal.accent, 1.0);
            }
        }
        Theme::Mystic => {
            cv.glow(ic.0, ic.1, 170.0, pal.accent, 0.6);
            cv.star(ic.0, ic.1, 130.0, 8, 3.2, icon, 1.0);
            cv.disc(ic.0, ic.1, 30.0, pal.accent, 1.0);
        }
        Theme::Map => {
            let (tx, ty) = ic;
            cv.rrect(tx, ty + 30.0, 70.0, 100.0, 4.0, icon, 1.0);
            for k in -1..=1 {
                cv.rrect(tx + k as f32 * 50.0, ty - 80.0, 17.0, 20.0, 3.0, icon, 1.0);
            }
            cv.rrect(tx, ty + 95.0, 24.0, 36.0, 20.0, scale(pal.dark, 0.8), 1.0);
            cv.poly(
                &[
                    (tx - 4.0, ty - 200.0),
                    (tx + 70.0, ty - 180.0),
                    (tx - 4.0, ty - 160.0),
                ],
                pal.accent,
                1.0,
            );
            cv.line(tx - 4.0, ty - 205.0, tx - 4.0, ty - 95.0, 5.0, icon, 1.0);
        }
        Theme::Blocks => {
            cv.star(ic.0, ic.1, 130.0, 10, 2.6, icon, 1.0);
            cv.disc(ic.0, ic.1, 95.0, icon, 1.0);
            cv.disc(ic.0, ic.1, 42.0, pal.accent, 1.0);
        }
        Theme::Road => {
            for k in 0..3 {
                let y = ic.1 - 80.0 + k as f32 * 70.0;
                let c = if k == 1 { pal.accent } else { icon };
                cv.poly(
                    &[
                        (ic.0 - 110.0, y),
                        (ic.0 - 70.0, y),
                        (ic.0, y - 60.0),
                        (ic.0 - 40.0, y - 60.0),
                    ],
                    c,
                    1.0,
                );
                cv.poly(
                    &[
                        (ic.0 + 110.0, y),
                        (ic.0 + 70.0, y),
                        (ic.0, y - 60.0),
                        (ic.0 + 40.0, y - 60.0),
                    ],
                    c,
                    1.0,
                );
            }
        }
        Theme::Stadium => {
            cv.disc(ic.0, ic.1, 115.0, icon, 1.0);
            cv.star(ic.0, ic.1, 45.0, 5, 2.0, scale(pal.dark, 0.8), 1.0);
            for i in 0..5 {
                let a = -PI / 2.0 + i as f32 * TAU / 5.0;
                cv.star(
                    ic.0 + a.cos() * 92.0,
                    ic.1 + a.sin() * 92.0,
                    26.0,
                    5,
                    2.0,
                    scale(pal.dark, 0.8),
                    1.0,
                );
            }
        }
        Theme::Mosaic => {
            let colors = [pal.accent, icon, pal.accent2, icon];
            for (i, c) in colors.iter().enumerate() {
                let (dx, dy) = ([-1.0, 1.0, -1.0, 1.0][i], [-1.0, -1.0, 1.0, 1.0][i]);
                cv.poly(
                    &rot_rect(ic.0 + dx * 58.0, ic.1 + dy * 58.0, 50.0, 50.0, 0.0),
                    *c,
                    1.0,
                );
            }
        }
        Theme::Hills => {
            cv.paint(
                ic.0 - 130.0,
                ic.1 - 130.0,
                ic.0 + 130.0,
                ic.1 + 130.0,
                |x, y| {
                    let d = (len(x - ic.0, y - ic.1) - 120.0)
                        .max(95.0 - len(x - ic.0 - 55.0, y - ic.1 + 30.0));
                    (super::aa(d), icon)
                },
            );
            cv.star(ic.0 + 60.0, ic.1 - 40.0, 34.0, 4, 3.0, pal.accent, 1.0);
        }
    }
    cv.sparkle(cx - 150.0, cy - 210.0, 40.0, 0.9);

    let upper = title.to_uppercase();
    let main = upper
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let cell = (1000.0 / (main.chars().count() as f32 * 6.0 - 1.0)).min(10.0);
    cv.text(&main, cx + 4.0, 772.0, cell, BLACK, 0.5);
    cv.text(&main, cx, 768.0, cell, mix(pal.light, WHITE, 0.6), 1.0);
}
