//! Scenes under an open sky: mountains at dusk, a rune circle, a hex map, isometric blocks.

use super::*;

pub(super) fn landscape(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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

pub(super) fn mystic(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
            (crate::images::aa(d), moon)
        },
    );
    let ground = Ridge::new(rng, cv.h as f32 * 0.93, 40.0, false);
    draw_ridges(cv, &[(ground, scale(pal.dark, 0.6), BLACK)]);
}

pub(super) fn hex_map(cv: &mut Canvas, pal: &Palette, rng: &mut Rng) {
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
        let line = crate::images::aa(edge.abs() - 1.2) * 0.55;
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

pub(super) fn blocks(cv: &mut Canvas, pal: &Palette, rng: &mut Rng, cover: bool) {
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
