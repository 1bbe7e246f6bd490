//! Bracelets: tennis, beads, cuff and chain, from the front or above.

use super::*;

// ---------------------------------------------------------------------------------------------
// Bracelets
// ---------------------------------------------------------------------------------------------

pub(super) fn bracelet(cv: &mut Canvas, c: &Ctx, style: Style, top_view: bool, carat_hundredths: i32) {
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
pub(super) fn cuff_front(cv: &mut Canvas, c: &Ctx, cx: f32, cy: f32, rx: f32, ry: f32, h: f32) {
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
