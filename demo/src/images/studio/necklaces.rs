//! Necklaces: a chain or strand along a curve, with its pendant, worn or laid flat.

use super::*;

// ---------------------------------------------------------------------------------------------
// Necklaces
// ---------------------------------------------------------------------------------------------

/// Evenly spaced points along a curve `path(t)`, t in [t0, t1]: (x, y, tangent angle, t).
pub(super) fn along(
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

pub(super) fn necklace(cv: &mut Canvas, c: &Ctx, style: Style, flat: bool, carat_hundredths: i32) {
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
pub(super) fn cx_off(x: f32) -> f32 {
    x + 18.0
}
