//! Scenes with a vanishing point or a crowd: highway, stadium, tile mosaic, moonlit hills.

use super::*;

pub(super) fn road(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
        let a = if band < gap { 0.0 } else { crate::images::aa(d) };
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

pub(super) fn stadium(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
        let d = crate::images::sd_ellipse(x - 600.0, y - mid_y, 240.0, 62.0).abs() - 2.0;
        (crate::images::aa(d) * 0.8, line_c)
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
            let n = crate::images::norm3([dx, dy, (1.0 - rr * rr).max(0.0).sqrt()]);
            let diff = crate::images::dot3(n, crate::images::LIGHT).max(0.0);
            let spec = crate::images::dot3(n, crate::images::HALF).max(0.0).powi(24) * 0.5;
            (
                crate::images::aa((rr - 1.0) * br),
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

pub(super) fn mosaic(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
                        (crate::images::aa(d.abs() - 2.0) * 0.5, pal.light)
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

pub(super) fn hills(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
