//! Rings: seen from the front (band and head) and from the side.

use super::*;

// ---------------------------------------------------------------------------------------------
// Rings
// ---------------------------------------------------------------------------------------------

pub(super) const RING_CY: f32 = 540.0;
pub(super) const RING_R: f32 = 205.0;

pub(super) fn band_half(style: Style) -> f32 {
    match style {
        Style::RingBand => 30.0,
        Style::RingEternity => 22.0,
        _ => 16.0,
    }
}

pub(super) fn ring_front(cv: &mut Canvas, c: &Ctx, style: Style) {
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
pub(super) fn ring_head(cv: &mut Canvas, c: &Ctx, x: f32, base_y: f32, style: Style) {
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

pub(super) fn ring_side(cv: &mut Canvas, c: &Ctx, style: Style) {
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
