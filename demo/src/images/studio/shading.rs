//! Shaded primitives in design coordinates: metal, gems, prongs, beads and chains, and the facet pattern of a cut stone.

use super::*;

// ---------------------------------------------------------------------------------------------
// Shaded primitives (design coordinates)
// ---------------------------------------------------------------------------------------------

impl Ctx {
    /// Paints a shape given by `f(u, v) -> Some((signed distance, colour))` in design units.
    /// `f` may return None for points clearly outside.
    pub(super) fn paint(
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
    pub(super) fn px(&self) -> f32 {
        1.0 / self.v.s
    }

    pub(super) fn shadow(&self, cv: &mut Canvas, cx: f32, cy: f32, rx: f32, ry: f32, strength: f32) {
        let (x, y) = self.v.p(cx, cy);
        cv.shadow(x, y, rx * self.v.s, ry * self.v.s, strength);
    }

    pub(super) fn sparkle(&self, cv: &mut Canvas, cx: f32, cy: f32, size: f32, alpha: f32) {
        let (x, y) = self.v.p(cx, cy);
        cv.sparkle(x, y, size * self.v.s, alpha);
    }

    /// Metal colour for a surface normal at design point (u, v).
    pub(super) fn metal_at(&self, n: V3, u: f32, v: f32) -> Rgb {
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
    pub(super) fn band(
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
    pub(super) fn bead(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32) {
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

    pub(super) fn pearl(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32) {
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
    pub(super) fn gem(&self, cv: &mut Canvas, cx: f32, cy: f32, rx: f32, ry: f32, salt: i32) {
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
    pub(super) fn gem_drop(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32, h: f32) {
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
    pub(super) fn gem_profile(&self, cv: &mut Canvas, cx: f32, gy: f32, r: f32) {
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
    pub(super) fn wire(&self, cv: &mut Canvas, ax: f32, ay: f32, bx: f32, by: f32, w: f32) {
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
    pub(super) fn wire_path(&self, cv: &mut Canvas, pts: &[(f32, f32)], w: f32) {
        for pair in pts.windows(2) {
            self.wire(cv, pair[0].0, pair[0].1, pair[1].0, pair[1].1, w);
        }
    }

    /// A flat metal piece (disc, bar, heart, basket) with bevelled edges. `sdf` in design units.
    pub(super) fn plate(
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
    pub(super) fn set_stone(&self, cv: &mut Canvas, cx: f32, cy: f32, r: f32, salt: i32) {
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
pub(super) fn facet(stone: Stone, lx: f32, ly: f32, seed: i32) -> Rgb {
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
