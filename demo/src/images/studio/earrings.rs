//! Earrings: a pair, worn or on a display card.

use super::*;

// ---------------------------------------------------------------------------------------------
// Earrings
// ---------------------------------------------------------------------------------------------

pub(super) fn earrings(cv: &mut Canvas, c: &Ctx, style: Style, card: bool) {
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

pub(super) fn earring(cv: &mut Canvas, c: &Ctx, style: Style, ax: f32, ay: f32, k: f32, salt: i32) {
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
