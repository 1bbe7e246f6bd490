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
use crate::seed::hash;
use crate::seed::jewelry::Style;

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

// ---------------------------------------------------------------------------------------------
// Shaded primitives (design coordinates)
// ---------------------------------------------------------------------------------------------

impl Ctx {
    /// Paints a shape given by `f(u, v) -> Some((signed distance, colour))` in design units.
    /// `f` may return None for points clearly outside.
    fn paint(
        &self,
        cv: &mut Canvas,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        f: impl Fn(f32, f32) -> Option<(f32, Rgb)>,
    ) {
        let (px0, py0) = self.v.p(x0, y0);
        let (px1, py1) = self.v.p(x1, y1);
        let v = self.v;
        cv.paint(px0 - 1.0, py0 - 1.0, px1 + 1.0, py1 + 1.0, |x, y| {
            let (u, w) = v.inv(x, y);
            match f(u, w) {
                Some((d, c)) => (aa(d * v.s), c),
                None => (0.0, BLACK),
            }
        });
    }

    /// Half a design pixel: anything further out than this is invisible.
    fn px(&self) -> f32 {
        1.0 / self.v.s
    }

    fn shadow(&self, cv: &mut Canvas, cx: f32, cy: f32, rx: f32, ry: f32, strength: f32) {
        let (x, y) = self.v.p(cx, cy);
        cv.shadow(x, y, rx * self.v.s, ry * self.v.s, strength);
    }

    fn sparkle(&self, cv: &mut Canvas, cx: f32, cy: f32, size: f32, alpha: f32) {
        let (x, y) = self.v.p(cx, cy);
        cv.sparkle(x, y, size * self.v.s, alpha);
    }

    /// Metal colour for a surface normal at design point (u, v).
    fn metal_at(&self, n: V3, u: f32, v: f32) -> Rgb {
        let (shininess, ks, tex, n) = match self.finish {
            Finish::Polished => (48.0, 0.95, 1.0, n),
            Finish::Brushed => {
                let row = (v * 1.7).floor() as i32;
                let streak = ihashf(row, (u * 0.04).floor() as i32);
                (14.0, 0.45, 0.9 + 0.2 * streak, n)
            }
            Finish::Hammered => {
                // Dents around jittered points: the normal leans towards the nearest one.
                let cell = 19.0;
                let (gu, gv) = (u / cell, v / cell);
                let (iu, iv) = (gu.floor() as i32, gv.floor() as i32);
                let mut best = (f32::MAX, 0.0, 0.0);
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        let h = ihash(iu + dx, iv + dy);
                        let px = (iu + dx) as f32 + 0.15 + 0.7 * (h & 0xFF) as f32 / 255.0;
                        let py = (iv + dy) as f32 + 0.15 + 0.7 * ((h >> 8) & 0xFF) as f32 / 255.0;
                        let (ox, oy) = (gu - px, gv - py);
                        let d2 = ox * ox + oy * oy;
                        if d2 < best.0 {
                            best = (d2, ox, oy);
                        }
                    }
                }
                (
                    30.0,
                    0.8,
                    1.0,
                    norm3([n[0] - best.1 * 0.8, n[1] - best.2 * 0.8, n[2]]),
                )
            }
            Finish::Matte => (6.0, 0.14, 0.95 + 0.1 * ihashf(u as i32, v as i32), n),
        };
        let diff = dot3(n, LIGHT).max(0.0);
        let spec = dot3(n, HALF).max(0.0).powf(shininess) * ks;
        let env = (0.5 - 0.5 * n[1]).clamp(0.0, 1.0);
        let rim = (1.0 - n[2].max(0.0)).powi(2) * 0.3;
        let k = (0.2 + 0.5 * diff + 0.5 * env * env - rim).max(0.04) * tex;
        add(scale(self.metal, k), spec)
    }

    /// A round tube bent into an ellipse (ring band, hoop, chain link): centre-line radius
    /// `r_mid`, tube half-width `half` (both before squashing by sx, sy), rotated by `rot`.
    #[allow(clippy::too_many_arguments)]
    fn band(
        &self,
        cv: &mut Canvas,
        cx: f32,
        cy: f32,
        r_mid: f32,
        half: f32,
        sx: f32,
        sy: f32,
        rot: f32,
        dim: f32,
        part: Part,
    ) {
        let ext = (r_mid + half) * sx.max(sy) + 2.0;
        let (sn, cs) = rot.sin_cos();
        let px = self.px();
        self.paint(cv, cx - ext, cy - ext, cx + ext, cy + ext, |u, v| {
            let (dx, dy) = (u - cx, v - cy);
            // Into the band's own frame.
            let (lx, ly) = (dx * cs + dy * sn, -dx * sn + dy * cs);
            let (qx, qy) = (lx / sx, ly / sy);
            let r = len(qx, qy).max(1e-4);
            let (dirx, diry) = (qx / r, qy / r);
            let k = len(dirx * sx, diry * sy);
            let d = ((r - r_mid).abs() - half) * k;
            if d > px {
                return None;
            }
            if let Part::Gap(a) = part {
                let ang = diry.atan2(dirx);
                if (ang + PI / 2.0).abs() < a {
                    return None;
                }
            }
            let t = ((r - r_mid) / half).clamp(-1.0, 1.0);
            // Back to screen orientation for lighting.
            let (nx, ny) = (dirx * t, diry * t);
            let (sx_, sy_) = (nx * cs - ny * sn, nx * sn + ny * cs);
            let n = norm3([sx_, sy_, (1.0 - t * t).max(0.0).sqrt()]);
            Some((d, scale(self.metal_at(n, u, v), dim)))
        });
    }

    /// A metal ball.
    fn bead(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32) {
        let px = self.px();
        self.paint(cv, cx - r, cy - r, cx + r, cy + r, |u, v| {
            let (dx, dy) = ((u - cx) / r, (v - cy) / r);
            let rr = len(dx, dy);
            let d = (rr - 1.0) * r;
            if d > px {
                return None;
            }
            let n = norm3([dx, dy, (1.0 - rr * rr).max(0.0).sqrt()]);
            Some((d, self.metal_at(n, u, v)))
        });
    }

    fn pearl(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32) {
        let px = self.px();
        let seed = self.seed;
        self.shadow(cv, cx + r * 0.15, cy + r * 0.9, r * 0.9, r * 0.3, 0.25);
        self.paint(cv, cx - r, cy - r, cx + r, cy + r, |u, v| {
            let (dx, dy) = ((u - cx) / r, (v - cy) / r);
            let rr = len(dx, dy);
            let d = (rr - 1.0) * r;
            if d > px {
                return None;
            }
            let n = norm3([dx, dy, (1.0 - rr * rr).max(0.0).sqrt()]);
            let diff = dot3(n, LIGHT).max(0.0);
            let spec = dot3(n, HALF).max(0.0).powf(30.0) * 0.7;
            let sheen = (seed % 7) as f32 * 0.02;
            let body = mix(
                Stone::Pearl.color(),
                [0.96, 0.82, 0.86],
                rr * rr * (0.45 + sheen),
            );
            Some((d, add(scale(body, 0.5 + 0.55 * diff), spec)))
        });
    }

    /// Faceted stone seen from above (ry < rx tilts it away from the viewer).
    fn gem(&self, cv: &mut Canvas, cx: f32, cy: f32, rx: f32, ry: f32, salt: i32) {
        let Some(stone) = self.stone else {
            self.bead(cv, cx, cy, rx);
            return;
        };
        if stone == Stone::Pearl {
            self.pearl(cv, cx, cy, rx);
            return;
        }
        let px = self.px();
        let seed = self.seed as i32 ^ salt.wrapping_mul(7919);
        self.paint(cv, cx - rx, cy - ry, cx + rx, cy + ry, |u, v| {
            let d = sd_ellipse(u - cx, v - cy, rx, ry);
            if d > px {
                return None;
            }
            Some((d, facet(stone, (u - cx) / rx, (v - cy) / ry, seed)))
        });
        if rx * self.v.s > 14.0 {
            self.sparkle(cv, cx - rx * 0.3, cy - ry * 0.35, rx * 0.55, 0.85);
        }
    }

    /// Pear-shaped stone hanging from its tip: round end centred on (cx, cy), tip `h` above.
    fn gem_drop(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32, h: f32) {
        let Some(stone) = self.stone else {
            return;
        };
        if stone == Stone::Pearl {
            self.pearl(cv, cx, cy, r);
            return;
        }
        let px = self.px();
        let seed = self.seed as i32;
        self.paint(cv, cx - r, cy - h - r, cx + r, cy + r, |u, v| {
            let d = sd_drop(u - cx, cy - v, r, r * 0.1, h);
            if d > px {
                return None;
            }
            let ly = ((v - cy + h * 0.35) / (r + h * 0.35)).clamp(-1.0, 1.0);
            Some((d, facet(stone, (u - cx) / r * 0.9, ly, seed)))
        });
        if r * self.v.s > 12.0 {
            self.sparkle(cv, cx - r * 0.3, cy - r * 0.2, r * 0.6, 0.85);
        }
    }

    /// A stone seen from the side: crown above the girdle line `gy`, pavilion below.
    fn gem_profile(&self, cv: &mut Canvas, cx: f32, gy: f32, r: f32) {
        let Some(stone) = self.stone else {
            return;
        };
        if stone == Stone::Pearl {
            self.pearl(cv, cx, gy, r * 0.9);
            return;
        }
        let crown = Convex::new(&[
            (cx - r, gy),
            (cx + r, gy),
            (cx + r * 0.55, gy - r * 0.38),
            (cx - r * 0.55, gy - r * 0.38),
        ]);
        let pavilion = Convex::new(&[(cx - r, gy), (cx + r, gy), (cx, gy + r * 0.9)]);
        let px = self.px();
        let base = stone.color();
        let seed = self.seed as i32;
        self.paint(cv, cx - r, gy - r * 0.4, cx + r, gy + r * 0.92, |u, v| {
            let dc = crown.sd(u, v);
            let dp = pavilion.sd(u, v);
            let d = dc.min(dp);
            if d > px {
                return None;
            }
            let x = (u - cx) / r;
            let (facet_i, b0) = if dc < dp {
                (((x + 1.0) * 2.5) as i32, 0.75)
            } else {
                (10 + ((x + 1.0) * 3.0) as i32, 0.45)
            };
            let b = b0 + 0.55 * ihashf(facet_i, seed);
            let c = if stone == Stone::Diamond {
                scale(base, 0.3 + 0.85 * b)
            } else {
                scale(base, 0.35 + 0.8 * b)
            };
            Some((d, if b > 1.05 { mix(c, WHITE, b - 1.05) } else { c }))
        });
        self.sparkle(cv, cx - r * 0.25, gy - r * 0.25, r * 0.7, 0.9);
    }

    /// A round wire (prong, ear hook) from a to b.
    fn wire(&self, cv: &mut Canvas, ax: f32, ay: f32, bx: f32, by: f32, w: f32) {
        let half = w / 2.0;
        let px = self.px();
        let (ex, ey) = (bx - ax, by - ay);
        let l2 = (ex * ex + ey * ey).max(1e-6);
        self.paint(
            cv,
            ax.min(bx) - half,
            ay.min(by) - half,
            ax.max(bx) + half,
            ay.max(by) + half,
            |u, v| {
                let d = sd_segment(u, v, ax, ay, bx, by) - half;
                if d > px {
                    return None;
                }
                let t = (((u - ax) * ex + (v - ay) * ey) / l2).clamp(0.0, 1.0);
                let (ox, oy) = ((u - ax - ex * t) / half, (v - ay - ey * t) / half);
                let n = norm3([ox, oy, (1.0 - ox * ox - oy * oy).max(0.0).sqrt()]);
                Some((d, self.metal_at(n, u, v)))
            },
        );
    }

    /// A wire following a polyline.
    fn wire_path(&self, cv: &mut Canvas, pts: &[(f32, f32)], w: f32) {
        for pair in pts.windows(2) {
            self.wire(cv, pair[0].0, pair[0].1, pair[1].0, pair[1].1, w);
        }
    }

    /// A flat metal piece (disc, bar, heart, basket) with bevelled edges. `sdf` in design units.
    fn plate(
        &self,
        cv: &mut Canvas,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        bevel: f32,
        sdf: impl Fn(f32, f32) -> f32,
    ) {
        let px = self.px();
        self.paint(cv, x0, y0, x1, y1, |u, v| {
            let d = sdf(u, v);
            if d > px {
                return None;
            }
            let n = if d > -bevel {
                let e = 0.75;
                let gx = sdf(u + e, v) - sdf(u - e, v);
                let gy = sdf(u, v + e) - sdf(u, v - e);
                let g = len(gx, gy).max(1e-6);
                let t = smoothstep(-bevel, 0.0, d) * 1.6;
                norm3([gx / g * t, gy / g * t, 1.0])
            } else {
                // A slight dome so large plates are not one flat colour.
                norm3([
                    (u - (x0 + x1) / 2.0) / (x1 - x0) * 0.5,
                    (v - (y0 + y1) / 2.0) / (y1 - y0) * 0.5,
                    1.0,
                ])
            };
            Some((d, self.metal_at(n, u, v)))
        });
    }

    /// A metal collet holding a round stone, with four claw tips.
    fn set_stone(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32, salt: i32) {
        self.bead(cv, cx, cy, r * 1.18 + 2.0);
        self.gem(cv, cx, cy, r, r, salt);
        if self.stone.is_some_and(|s| s != Stone::Pearl) && r * self.v.s > 10.0 {
            for k in 0..4 {
                let a = PI / 4.0 + k as f32 * PI / 2.0;
                self.bead(
                    cv,
                    cx + a.cos() * r * 0.98,
                    cy + a.sin() * r * 0.98,
                    (r * 0.14).max(2.0),
                );
            }
        }
    }
}

/// Colour of a faceted stone at unit-disc coordinates (lx, ly).
fn facet(stone: Stone, lx: f32, ly: f32, seed: i32) -> Rgb {
    let rr = len(lx, ly);
    let a = ly.atan2(lx) / TAU + 0.5;
    let (zone, sectors, offset) = if rr < 0.5 {
        (0, 8.0, 0.0625)
    } else if rr < 0.8 {
        (1, 8.0, 0.0)
    } else {
        (2, 16.0, 0.0)
    };
    let sp = (a + offset) * sectors;
    let sector = sp.floor() as i32;
    let fr = sp - sp.floor();
    let hv = ihash(sector + zone * 100, seed);
    let mut b = 0.35 + 0.85 * ((hv & 1023) as f32 / 1023.0);
    if zone == 0 {
        // The table: a broad window, brighter towards the light.
        b = 0.85 + 0.3 * (-(lx + ly) * 0.6).clamp(-1.0, 1.0);
    } else if !(0.05..=0.95).contains(&fr) {
        b *= 0.72;
    }
    if (rr - 0.5).abs() < 0.02 || (rr - 0.8).abs() < 0.015 {
        b *= 0.75;
    }
    if rr > 0.93 {
        b *= 0.6;
    }
    let base = stone.color();
    let mut c = if stone == Stone::Diamond {
        let tint = if zone > 0 && hv % 6 == 0 {
            hsl((hv >> 8) as f32 % 360.0, 0.9, 0.65)
        } else {
            WHITE
        };
        scale(mix(base, tint, 0.4), 0.22 + 0.9 * b)
    } else {
        let c = scale(base, 0.28 + 0.95 * b);
        if b > 0.95 {
            mix(c, WHITE, (b - 0.95) * 0.9)
        } else {
            c
        }
    };
    let glint = (1.0 - len(lx + 0.3, ly + 0.35) / 0.22).max(0.0);
    c = add(c, glint * glint * 0.9);
    c
}

// ---------------------------------------------------------------------------------------------
// Rings
// ---------------------------------------------------------------------------------------------

const RING_CY: f32 = 540.0;
const RING_R: f32 = 205.0;

fn band_half(style: Style) -> f32 {
    match style {
        Style::RingBand => 30.0,
        Style::RingEternity => 22.0,
        _ => 16.0,
    }
}

fn ring_front(cv: &mut Canvas, c: &Ctx, style: Style) {
    let (cx, cy) = (600.0, RING_CY);
    let half = band_half(style);
    let r_mid = RING_R - half;
    let sx = 0.9;
    c.shadow(cv, cx, cy + RING_R + 20.0, RING_R * 0.95, 26.0, 0.35);
    c.band(cv, cx, cy, r_mid, half, sx, 1.0, 0.0, 1.0, Part::All);
    match style {
        Style::RingBand => {}
        Style::RingEternity => {
            for i in -5..=5 {
                let a = -PI / 2.0 + i as f32 * 0.2;
                let (x, y) = (cx + a.cos() * r_mid * sx, cy + a.sin() * r_mid);
                c.set_stone(cv, x, y, half * 0.74, i);
            }
        }
        _ => ring_head(cv, c, cx, cy - RING_R + 4.0, style),
    }
}

/// The setting on top of a ring; `base_y` is where it meets the band.
fn ring_head(cv: &mut Canvas, c: &Ctx, x: f32, base_y: f32, style: Style) {
    let g = c.gem_r;
    let gy = base_y - g * 0.72;
    let pearl = c.stone == Some(Stone::Pearl);
    if style == Style::RingTrilogy {
        for side in [-1.0, 1.0] {
            let (sx, sy, sg) = (x + side * g * 1.3, gy + g * 0.32, g * 0.68);
            c.wire(cv, x + side * g * 0.5, base_y + 4.0, sx, sy + sg * 0.4, 9.0);
            c.gem(cv, sx, sy, sg, sg * 0.62, 11 + side as i32);
            for k in [-1.0, 1.0] {
                c.bead(cv, sx + k * sg * 0.85, sy + sg * 0.12, 5.0);
            }
        }
    }
    if style == Style::RingHalo {
        let (hx, hy) = (g * 1.5, g * 1.5 * 0.62);
        c.plate(cv, x - hx, gy - hy, x + hx, gy + hy, 6.0, |u, v| {
            sd_ellipse(u - x, v - gy, hx, hy)
        });
        for i in 0..16 {
            let a = i as f32 * TAU / 16.0;
            let (px, py) = (x + a.cos() * g * 1.25, gy + a.sin() * g * 1.25 * 0.62);
            c.gem(cv, px, py, g * 0.16, g * 0.13, 40 + i);
        }
    }
    // Basket.
    let basket = [
        (x - g * 0.55, gy + g * 0.2),
        (x + g * 0.55, gy + g * 0.2),
        (x + g * 0.24, base_y + 6.0),
        (x - g * 0.24, base_y + 6.0),
    ];
    let (bx0, by0, bx1, by1) = bounds(&basket);
    let basket = Convex::new(&basket);
    c.plate(cv, bx0, by0, bx1, by1, 5.0, |u, v| basket.sd(u, v));
    if pearl {
        c.pearl(cv, x, gy - g * 0.25, g * 0.95);
        return;
    }
    for side in [-1.0, 1.0] {
        c.wire(
            cv,
            x + side * g * 0.2,
            base_y,
            x + side * g * 0.5,
            gy - g * 0.5,
            7.0,
        );
    }
    c.gem(cv, x, gy, g, g * 0.62, 0);
    for side in [-1.0, 1.0] {
        let (tx, ty) = (x + side * g * 0.9, gy + g * 0.05);
        c.wire(cv, x + side * g * 0.32, base_y + 2.0, tx, ty, 8.0);
        c.bead(cv, tx, ty - 2.0, 6.5);
    }
}

fn ring_side(cv: &mut Canvas, c: &Ctx, style: Style) {
    let (cx, cy) = (560.0, RING_CY + 20.0);
    let half = band_half(style);
    let r_mid = RING_R - half;
    let sx = 0.42;
    let depth = half * 2.6;
    c.shadow(
        cv,
        cx + depth / 2.0,
        cy + RING_R + 18.0,
        RING_R * 0.7,
        24.0,
        0.35,
    );
    // Stack of rims from the back edge to the front edge makes a solid band.
    let steps = 8;
    for k in 0..=steps {
        let t = k as f32 / steps as f32;
        let dim = 0.68 + 0.32 * t;
        c.band(
            cv,
            cx + depth * (1.0 - t),
            cy,
            r_mid,
            half,
            sx,
            1.0,
            0.0,
            dim,
            Part::All,
        );
    }
    let hx = cx + depth * 0.5;
    match style {
        Style::RingBand => {}
        Style::RingEternity => {
            for i in -4..=4 {
                let a = -PI / 2.0 + i as f32 * 0.22;
                let (x, y) = (cx + a.cos() * r_mid * sx, cy + a.sin() * r_mid);
                c.bead(cv, x, y, half * 0.8);
                c.gem(cv, x, y, half * 0.42, half * 0.66, i);
            }
        }
        _ => {
            let g = c.gem_r;
            let top = cy - RING_R + 6.0;
            let gy = top - g * 0.75;
            if style == Style::RingHalo {
                c.plate(
                    cv,
                    hx - g * 1.45,
                    gy - 12.0,
                    hx + g * 1.45,
                    gy + 18.0,
                    5.0,
                    |u, v| sd_box(u - hx, v - gy - 3.0, g * 1.45, 14.0, 10.0),
                );
            }
            if style == Style::RingTrilogy {
                for side in [-1.0, 1.0] {
                    let sxp = hx + side * g * 1.3;
                    c.wire(cv, hx + side * g * 0.4, top + 4.0, sxp, gy + g * 0.35, 8.0);
                    c.gem_profile(cv, sxp, gy + g * 0.3, g * 0.62);
                }
            }
            if c.stone == Some(Stone::Pearl) {
                let cup = Convex::new(&[
                    (hx - g * 0.5, gy + g * 0.45),
                    (hx + g * 0.5, gy + g * 0.45),
                    (hx + g * 0.2, top + 6.0),
                    (hx - g * 0.2, top + 6.0),
                ]);
                c.plate(
                    cv,
                    hx - g * 0.5,
                    gy + g * 0.3,
                    hx + g * 0.5,
                    top + 6.0,
                    5.0,
                    |u, v| cup.sd(u, v),
                );
                c.pearl(cv, hx, gy - g * 0.2, g * 0.95);
            } else {
                for side in [-1.0, 1.0] {
                    c.wire(
                        cv,
                        hx + side * g * 0.25,
                        top + 4.0,
                        hx + side * g * 0.95,
                        gy - g * 0.12,
                        7.0,
                    );
                }
                c.gem_profile(cv, hx, gy, g);
                for side in [-1.0, 1.0] {
                    c.bead(cv, hx + side * g * 0.92, gy - g * 0.1, 6.0);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Necklaces
// ---------------------------------------------------------------------------------------------

/// Evenly spaced points along a curve `path(t)`, t in [t0, t1]: (x, y, tangent angle, t).
fn along(
    path: &dyn Fn(f32) -> (f32, f32),
    t0: f32,
    t1: f32,
    spacing: &dyn Fn(f32) -> f32,
) -> Vec<(f32, f32, f32, f32)> {
    let steps = 1200;
    let mut out = Vec::new();
    let mut prev = path(t0);
    let mut travelled = 0.0;
    let mut next = 0.0;
    for i in 1..=steps {
        let t = t0 + (t1 - t0) * i as f32 / steps as f32;
        let p = path(t);
        let seg = len(p.0 - prev.0, p.1 - prev.1);
        travelled += seg;
        if travelled >= next {
            let angle = (p.1 - prev.1).atan2(p.0 - prev.0);
            out.push((p.0, p.1, angle, t));
            next = travelled + spacing(t);
        }
        prev = p;
    }
    out
}

fn necklace(cv: &mut Canvas, c: &Ctx, style: Style, flat: bool, carat_hundredths: i32) {
    // Front: hanging from the top edge; flat: a loop lying on the table.
    let (ax, ay) = if flat { (600.0, 660.0) } else { (600.0, 560.0) };
    let path = move |t: f32| -> (f32, f32) {
        if flat {
            let a = PI / 2.0 + TAU * t;
            (600.0 + 330.0 * a.cos(), 410.0 + 250.0 * a.sin())
        } else {
            let x = 120.0 + 960.0 * t;
            let u = (x - 600.0) / 480.0;
            (x, -40.0 + 600.0 * (1.0 - u * u))
        }
    };
    // 0 at the ends, 1 at the bottom of the curve.
    let centrality = move |t: f32| {
        let from_middle = 2.0 * (t - 0.5).abs();
        if flat { from_middle } else { 1.0 - from_middle }
    };
    let has_pendant = !matches!(style, Style::NeckStrand | Style::NeckChain);
    if !flat {
        c.shadow(cv, ax + 20.0, ay + 160.0, 220.0, 50.0, 0.18);
    }
    match style {
        Style::NeckStrand => {
            let size = move |t: f32| 8.0 + 11.0 * centrality(t).powf(1.5);
            let items = along(&path, 0.0, 1.0, &|t| 2.0 * size(t) + 3.0);
            for (i, &(x, y, _, t)) in items.iter().enumerate() {
                let r = size(t);
                if c.stone == Some(Stone::Pearl) {
                    c.pearl(cv, x, y, r);
                } else {
                    c.set_stone(cv, x, y, r * 0.85, i as i32);
                }
            }
        }
        Style::NeckChain => {
            let items = along(&path, 0.0, 1.0, &|_| 21.0);
            for (i, &(x, y, angle, _)) in items.iter().enumerate() {
                let long = i % 4 == 0;
                let (sx, sy) = if long { (17.0, 7.5) } else { (10.0, 7.5) };
                c.band(cv, x, y, 1.0, 0.32, sx, sy, angle, 1.0, Part::All);
            }
        }
        _ => {
            let items = along(&path, 0.0, 1.0, &|_| 8.0);
            for (i, &(x, y, _, _)) in items.iter().enumerate() {
                // Leave a little space where the bail sits.
                if has_pendant && len(x - ax, y - ay) < 9.0 {
                    continue;
                }
                c.bead(cv, x, y, if i % 2 == 0 { 3.4 } else { 2.7 });
            }
        }
    }
    if !has_pendant {
        return;
    }
    let g = c.gem_r * 0.8;
    // Bail: a small vertical loop.
    c.band(cv, ax, ay + 12.0, 1.0, 0.3, 7.0, 12.0, 0.0, 1.0, Part::All);
    let top = ay + 24.0;
    match style {
        Style::NeckPendant => {
            let cy = top + g + 8.0;
            c.shadow(cv, cx_off(ax), cy + 22.0, g * 1.5, g * 1.2, 0.2);
            if carat_hundredths >= 200 {
                for i in 0..16 {
                    let a = i as f32 * TAU / 16.0;
                    let (r0, r1) = (g + 10.0, g + if i % 2 == 0 { 44.0 } else { 30.0 });
                    c.wire(
                        cv,
                        ax + a.cos() * r0,
                        cy + a.sin() * r0,
                        ax + a.cos() * r1,
                        cy + a.sin() * r1,
                        6.0,
                    );
                }
            }
            c.bead(cv, ax, cy, g + 9.0);
            c.gem(cv, ax, cy, g, g, 0);
        }
        Style::NeckDrop => {
            if c.stone == Some(Stone::Pearl) {
                c.pearl(cv, ax, top + g * 1.1, g * 1.1);
            } else {
                let h = g * 1.9;
                let cy = top + h;
                c.shadow(cv, cx_off(ax), cy + 26.0, g * 1.3, g * 1.1, 0.2);
                c.plate(
                    cv,
                    ax - g - 6.0,
                    top - 6.0,
                    ax + g + 6.0,
                    cy + g + 6.0,
                    4.0,
                    |u, v| sd_drop(u - ax, cy - v, g + 6.0, 6.0, h),
                );
                c.gem_drop(cv, ax, cy, g, h - 4.0);
            }
        }
        Style::NeckBar => {
            let (bx, by) = (ax, ay + 6.0);
            c.shadow(cv, bx + 14.0, by + 26.0, 130.0, 18.0, 0.2);
            c.plate(
                cv,
                bx - 118.0,
                by - 16.0,
                bx + 118.0,
                by + 16.0,
                5.0,
                |u, v| sd_box(u - bx, v - by, 115.0, 14.0, 10.0),
            );
            if c.stone.is_some() {
                c.bead(cv, bx, by, 15.0);
                c.gem(cv, bx, by, 11.0, 11.0, 0);
            }
        }
        Style::NeckDisc => {
            let (r, cy) = (78.0, top + 80.0);
            c.shadow(cv, cx_off(ax), cy + 24.0, r * 1.2, r * 0.9, 0.2);
            c.plate(cv, ax - r, cy - r, ax + r, cy + r, 6.0, |u, v| {
                len(u - ax, v - cy) - r
            });
        }
        Style::NeckHeart => {
            let s = 150.0;
            let tip = top + s * 1.08;
            c.shadow(cv, cx_off(ax), tip - 40.0, s * 0.8, s * 0.6, 0.2);
            c.plate(
                cv,
                ax - s * 0.65,
                top - 2.0,
                ax + s * 0.65,
                tip + 2.0,
                8.0,
                |u, v| sd_heart((u - ax) / s, (tip - v) / s) * s,
            );
            c.bead(cv, ax, tip - s * 0.6, 17.0);
            c.gem(cv, ax, tip - s * 0.6, 13.0, 13.0, 0);
        }
        _ => {}
    }
}

/// Pendant shadows fall slightly to the right (light from the upper left).
fn cx_off(x: f32) -> f32 {
    x + 18.0
}

// ---------------------------------------------------------------------------------------------
// Earrings
// ---------------------------------------------------------------------------------------------

fn earrings(cv: &mut Canvas, c: &Ctx, style: Style, card: bool) {
    let stud = style == Style::EarStud;
    let k = match (card, stud) {
        (true, _) => 0.8,
        (false, true) => 1.4,
        (false, false) => 1.25,
    };
    let anchors = if card {
        let y = if stud { 330.0 } else { 220.0 };
        let paper = [0.97, 0.96, 0.93];
        c.paint(cv, 330.0, 140.0, 870.0, 760.0, |u, v| {
            let d = sd_box(u - 600.0, v - 450.0, 265.0, 305.0, 18.0);
            let shade = 1.0 - 0.05 * ((v - 145.0) / 610.0);
            Some((d, scale(paper, shade)))
        });
        for x in [470.0, 730.0] {
            c.paint(cv, x - 8.0, y - 8.0, x + 8.0, y + 8.0, |u, v| {
                Some((len(u - x, v - y) - 4.0, [0.55, 0.53, 0.5]))
            });
        }
        [(470.0, y), (730.0, y)]
    } else if stud {
        [(380.0, 440.0), (820.0, 440.0)]
    } else {
        [(380.0, 200.0), (820.0, 200.0)]
    };
    for (i, (ax, ay)) in anchors.into_iter().enumerate() {
        earring(cv, c, style, ax, ay, k, i as i32);
    }
}

fn earring(cv: &mut Canvas, c: &Ctx, style: Style, ax: f32, ay: f32, k: f32, salt: i32) {
    let g = c.gem_r * 0.78 * k;
    match style {
        Style::EarStud => {
            c.shadow(cv, ax + 14.0 * k, ay + 16.0 * k, g * 1.5, g * 1.3, 0.25);
            if c.stone == Some(Stone::Pearl) {
                c.pearl(cv, ax, ay, g * 1.05);
                return;
            }
            let halo = c.stone.is_some_and(|s| s != Stone::Diamond);
            if halo {
                let hr = g * 1.6;
                c.plate(cv, ax - hr, ay - hr, ax + hr, ay + hr, 5.0, |u, v| {
                    len(u - ax, v - ay) - hr
                });
                let small = Ctx {
                    v: c.v,
                    metal: c.metal,
                    finish: c.finish,
                    stone: Some(Stone::Diamond),
                    seed: c.seed,
                    gem_r: c.gem_r,
                };
                for i in 0..14 {
                    let a = i as f32 * TAU / 14.0;
                    small.gem(
                        cv,
                        ax + a.cos() * g * 1.33,
                        ay + a.sin() * g * 1.33,
                        g * 0.19,
                        g * 0.19,
                        30 + i,
                    );
                }
            }
            c.set_stone(cv, ax, ay, g, salt);
        }
        Style::EarDrop => {
            // Ear wire: an arc over the top, then straight down to the drop.
            let (hx, hy, hr) = (ax - 26.0 * k, ay + 8.0 * k, 30.0 * k);
            let mut pts: Vec<(f32, f32)> = (0..=14)
                .map(|i| {
                    let a = PI * (0.85 + 1.15 * i as f32 / 14.0);
                    (hx + a.cos() * hr, hy + a.sin() * hr)
                })
                .collect();
            let (wx, wy) = (ax + 4.0 * k, ay + 78.0 * k);
            pts.push((wx, wy));
            c.wire_path(cv, &pts, 5.0 * k);
            c.bead(cv, wx, wy + 4.0 * k, 8.0 * k);
            let top = wy + 12.0 * k;
            if c.stone == Some(Stone::Pearl) {
                c.shadow(cv, wx + 16.0 * k, top + g * 1.3, g * 1.2, g * 0.9, 0.22);
                c.bead(cv, wx, top + 2.0 * k, 7.0 * k);
                c.pearl(cv, wx, top + g * 1.15, g * 1.15);
            } else {
                let h = g * 2.0;
                let cy = top + h;
                c.shadow(cv, wx + 18.0 * k, cy + 20.0 * k, g * 1.3, g * 1.1, 0.22);
                c.plate(
                    cv,
                    wx - g - 5.0 * k,
                    top - 5.0 * k,
                    wx + g + 5.0 * k,
                    cy + g + 5.0 * k,
                    4.0 * k,
                    |u, v| sd_drop(u - wx, cy - v, g + 5.0 * k, 5.0 * k, h),
                );
                c.gem_drop(cv, wx, cy, g, h - 4.0 * k);
            }
        }
        Style::EarHoop => {
            let (r, half) = if c.finish == Finish::Brushed {
                (92.0 * k, 15.0 * k)
            } else {
                (108.0 * k, 9.0 * k)
            };
            c.shadow(
                cv,
                ax + 20.0 * k,
                ay + r * 2.0 + 10.0 * k,
                r * 0.9,
                18.0 * k,
                0.25,
            );
            c.band(cv, ax, ay + r, r, half, 0.8, 1.0, 0.0, 1.0, Part::All);
            c.bead(cv, ax, ay, 5.0 * k);
        }
        _ => {
            // Huggie: a small thick hoop with stones along its lower front.
            let (r, half) = (58.0 * k, 15.0 * k);
            let cy = ay + r;
            c.shadow(cv, ax + 16.0 * k, cy + r + 10.0 * k, r, 14.0 * k, 0.25);
            c.band(cv, ax, cy, r, half, 0.92, 1.0, 0.0, 1.0, Part::All);
            for i in 0..5 {
                let a = PI * (0.22 + 0.14 * i as f32);
                c.gem(
                    cv,
                    ax + a.cos() * r * 0.92,
                    cy + a.sin() * r,
                    half * 0.55,
                    half * 0.55,
                    i,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bracelets
// ---------------------------------------------------------------------------------------------

fn bracelet(cv: &mut Canvas, c: &Ctx, style: Style, top_view: bool, carat_hundredths: i32) {
    let (cx, cy, rx, ry) = if top_view {
        (600.0, 450.0, 255.0, 255.0)
    } else {
        (600.0, 430.0, 300.0, 135.0)
    };
    if style == Style::BraceCuff {
        if top_view {
            let half = 26.0;
            c.band(cv, cx, cy, rx, half, 1.0, 1.0, 0.0, 1.0, Part::Gap(0.24));
            for side in [-1.0f32, 1.0] {
                let a = -PI / 2.0 + side * 0.24;
                c.bead(cv, cx + a.cos() * rx, cy + a.sin() * rx, half);
            }
            if c.stone.is_some() {
                c.set_stone(cv, cx, cy + rx, 20.0, 0);
            }
        } else {
            cuff_front(cv, c, cx, cy, rx, ry, 70.0);
        }
        return;
    }
    if !top_view {
        c.shadow(cv, cx + 10.0, cy + ry + 40.0, rx * 1.05, 45.0, 0.3);
    }
    // Enough items around the ellipse that neighbours touch.
    let n = match style {
        Style::BraceTennis => 52,
        Style::BraceBeads => 44,
        _ => 50,
    };
    let mut items: Vec<(usize, f32, f32, f32, f32)> = (0..n)
        .map(|i| {
            let a = i as f32 * TAU / n as f32;
            let (x, y) = (cx + rx * a.cos(), cy + ry * a.sin());
            let tangent = (ry * a.cos()).atan2(-rx * a.sin());
            (i, x, y, a.sin(), tangent)
        })
        .collect();
    // Back first, so the near side overlaps it.
    items.sort_by(|a, b| a.3.total_cmp(&b.3));
    let stations = carat_hundredths >= 300;
    for (i, x, y, depth, tangent) in items {
        let f = if top_view {
            1.0
        } else {
            0.8 + 0.3 * (depth + 1.0) / 2.0
        };
        match style {
            Style::BraceTennis => {
                c.bead(cv, x, y, 15.0 * f);
                let squash = if top_view { 1.0 } else { 0.75 };
                c.gem(cv, x, y, 12.0 * f, 12.0 * f * squash, i as i32);
            }
            Style::BraceBeads => {
                if c.stone == Some(Stone::Pearl) && i % 2 == 0 {
                    c.pearl(cv, x, y, 20.0 * f);
                } else if c.stone == Some(Stone::Pearl) {
                    c.bead(cv, x, y, 11.0 * f);
                } else {
                    c.bead(cv, x, y, 17.0 * f);
                }
            }
            _ => {
                if c.stone.is_some() && stations && i % 10 == 4 {
                    c.set_stone(cv, x, y, 15.0 * f, i as i32);
                    continue;
                }
                let twist = if c.stone.is_none() {
                    if i % 2 == 0 { 0.45 } else { -0.45 }
                } else {
                    0.0
                };
                c.band(
                    cv,
                    x,
                    y,
                    1.0,
                    0.3,
                    15.0 * f,
                    8.5 * f,
                    tangent + twist,
                    1.0,
                    Part::All,
                );
                if c.stone.is_some() && !stations && i % 7 == 3 {
                    let r = 11.0 * f;
                    c.wire(cv, x, y + 6.0 * f, x, y + 14.0 * f, 3.0 * f);
                    c.gem_drop(cv, x, y + 14.0 * f + r * 2.0, r, r * 2.0);
                }
            }
        }
    }
}

/// An open cuff or bangle seen from the front and slightly above: a short metal cylinder.
fn cuff_front(cv: &mut Canvas, c: &Ctx, cx: f32, cy: f32, rx: f32, ry: f32, h: f32) {
    let bangle = c.stone.is_some();
    c.shadow(cv, cx + 10.0, cy + ry + h + 20.0, rx * 1.05, 40.0, 0.32);
    let px = c.px();
    c.paint(
        cv,
        cx - rx - 2.0,
        cy - ry - 2.0,
        cx + rx + 2.0,
        cy + ry + h + 2.0,
        |u, v| {
            let dx = (u - cx) / rx;
            let side = dx.abs() * rx - rx;
            if side > px {
                return None;
            }
            let ax = dx.clamp(-1.0, 1.0);
            let e = (1.0 - ax * ax).max(0.0).sqrt();
            // Outer front surface.
            let yf = cy + ry * e;
            let df = side.max(yf - v).max(v - yf - h);
            if df < px {
                let t = (v - yf) / h;
                let n = norm3([ax, -0.35 + 0.5 * t, e.max(0.05)]);
                let mut col = c.metal_at(n, u, v);
                if v - yf < 3.0 {
                    col = mix(col, WHITE, 0.25);
                }
                return Some((df, col));
            }
            // Inner back surface (with the cuff's opening in the middle).
            if !bangle && ax.abs() < 0.16 {
                return None;
            }
            let yb = cy - ry * e;
            let db = side.max(yb - v).max(v - yb - h);
            if db < px {
                let n = norm3([-ax * 0.6, 0.25, 0.75]);
                return Some((db, scale(c.metal_at(n, u, v), 0.6)));
            }
            None
        },
    );
    if bangle {
        c.set_stone(cv, cx, cy + ry + h * 0.5, 20.0, 0);
    }
}
