//! What sits over the scene: title scrim and block, age-rating badge, the screenshot HUD and the key-art emblem.

use super::*;

// ---------------------------------------------------------------------------------------------
// Cover furniture
// ---------------------------------------------------------------------------------------------

/// Darkens the top of the cover so the title reads on any scene.
pub(super) fn title_scrim(cv: &mut Canvas) {
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
pub(super) fn wrap(s: &str, max: usize) -> Vec<String> {
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

pub(super) fn title_block(cv: &mut Canvas, title: &str, pal: &Palette) {
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
pub(super) fn rating_badge(cv: &mut Canvas, age_rating: &str) {
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

pub(super) fn hud(cv: &mut Canvas, theme: Theme, pal: &Palette, rng: &mut Rng) {
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
                (if on { crate::images::aa(d) * 0.9 } else { 0.0 }, pal.accent)
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
                    (crate::images::aa(d) * 0.8, if i == 0 { pal.accent } else { WHITE })
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

pub(super) fn key_art(cv: &mut Canvas, theme: Theme, pal: &Palette, rng: &mut Rng, title: &str) {
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
    let (x0, y0, x1, y1) = crate::images::bounds(&outer);
    let outer_shape = Convex::new(&outer);
    cv.paint(x0 + 14.0, y0 + 22.0, x1 + 26.0, y1 + 30.0, |x, y| {
        (
            crate::images::aa(outer_shape.sd(x - 16.0, y - 22.0) - 6.0) * 0.45,
            BLACK,
        )
    });
    cv.poly(&outer, mix(pal.accent, WHITE, 0.2), 1.0);
    let (top_c, bottom_c) = (mix(pal.mid, pal.dark, 0.2), scale(pal.dark, 0.9));
    let (ix0, iy0, ix1, iy1) = crate::images::bounds(&inner);
    let inner_shape = Convex::new(&inner);
    cv.paint(ix0 - 1.0, iy0 - 1.0, ix1 + 1.0, iy1 + 1.0, |x, y| {
        let t = ((y - iy0) / (iy1 - iy0)).clamp(0.0, 1.0);
        (crate::images::aa(inner_shape.sd(x, y)), mix(top_c, bottom_c, t))
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
                    (crate::images::aa(d), icon)
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
