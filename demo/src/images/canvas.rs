//! The pixel buffer pictures are painted on, with anti-aliased fills and a 5x7 dot-matrix font for titles and HUDs.

use super::*;

pub(crate) struct Canvas {
    pub w: usize,
    pub h: usize,
    px: Vec<u8>,
}

impl Canvas {
    pub fn new() -> Self {
        let (w, h) = (WIDTH as usize, HEIGHT as usize);
        Canvas {
            w,
            h,
            px: vec![0; w * h * 3],
        }
    }

    pub fn into_image(self) -> RgbImage {
        RgbImage::from_raw(self.w as u32, self.h as u32, self.px).expect("buffer matches size")
    }

    #[inline]
    pub fn blend(&mut self, x: usize, y: usize, c: Rgb, a: f32) {
        let i = (y * self.w + x) * 3;
        let px = &mut self.px[i..i + 3];
        if a >= 1.0 {
            px[0] = (c[0].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            px[1] = (c[1].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            px[2] = (c[2].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            return;
        }
        for k in 0..3 {
            let d = px[k] as f32;
            let s = c[k].clamp(0.0, 1.0) * 255.0;
            px[k] = (d + (s - d) * a + 0.5) as u8;
        }
    }

    /// Sets every pixel from `f(x, y)` (pixel centres).
    pub fn fill(&mut self, f: impl Fn(f32, f32) -> Rgb) {
        let w = self.w;
        for y in 0..self.h {
            let fy = y as f32 + 0.5;
            let row = &mut self.px[y * w * 3..(y + 1) * w * 3];
            for x in 0..w {
                let c = f(x as f32 + 0.5, fy);
                row[x * 3] = (c[0].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                row[x * 3 + 1] = (c[1].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                row[x * 3 + 2] = (c[2].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            }
        }
    }

    /// Like `fill`, but evaluates `f` on a grid `k` times coarser and upscales the result: for
    /// smooth backgrounds (gradients, glows, soft shadows) this is indistinguishable and far
    /// cheaper. The upscale runs inside the `image` crate (optimised even in debug builds).
    pub fn fill_scaled(&mut self, k: usize, f: impl Fn(f32, f32) -> Rgb) {
        if k <= 1 {
            return self.fill(f);
        }
        let (sw, sh) = (self.w.div_ceil(k), self.h.div_ceil(k));
        let kf = k as f32;
        let mut small = vec![0u8; sw * sh * 3];
        for y in 0..sh {
            let fy = (y as f32 + 0.5) * kf;
            for x in 0..sw {
                let c = f((x as f32 + 0.5) * kf, fy);
                let i = (y * sw + x) * 3;
                small[i] = (c[0].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                small[i + 1] = (c[1].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                small[i + 2] = (c[2].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            }
        }
        let small = RgbImage::from_raw(sw as u32, sh as u32, small).expect("buffer matches size");
        let big = DynamicImage::ImageRgb8(small).resize_exact(
            self.w as u32,
            self.h as u32,
            FilterType::Triangle,
        );
        self.px = big.into_rgb8().into_raw();
    }

    /// Blends `f(x, y) = (alpha, colour)` over every pixel centre in the box.
    pub fn paint(
        &mut self,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        mut f: impl FnMut(f32, f32) -> (f32, Rgb),
    ) {
        let xa = x0.floor().max(0.0) as usize;
        let ya = y0.floor().max(0.0) as usize;
        let xb = (x1.ceil().max(0.0) as usize).min(self.w);
        let yb = (y1.ceil().max(0.0) as usize).min(self.h);
        for y in ya..yb {
            let fy = y as f32 + 0.5;
            for x in xa..xb {
                let (a, c) = f(x as f32 + 0.5, fy);
                if a > 0.002 {
                    self.blend(x, y, c, a);
                }
            }
        }
    }

    // --- flat-coloured shapes (pixel coordinates) --------------------------------------------

    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, c: Rgb, alpha: f32) {
        self.paint(
            cx - r - 1.0,
            cy - r - 1.0,
            cx + r + 1.0,
            cy + r + 1.0,
            |x, y| (aa(len(x - cx, y - cy) - r) * alpha, c),
        );
    }

    /// Circle outline of radius `r` and stroke width `w`. Only the pixels near the stroke are
    /// visited (per row: the outer circle's span minus the inner circle's).
    pub fn ring(&mut self, cx: f32, cy: f32, r: f32, w: f32, c: Rgb, alpha: f32) {
        let (ro, ri) = (r + w / 2.0 + 1.5, (r - w / 2.0 - 1.5).max(0.0));
        let y0 = (cy - ro).floor().max(0.0) as usize;
        let y1 = ((cy + ro).ceil().max(0.0) as usize).min(self.h);
        for y in y0..y1 {
            let dy = y as f32 + 0.5 - cy;
            let xo = (ro * ro - dy * dy).max(0.0).sqrt();
            let xi = (ri * ri - dy * dy).max(0.0).sqrt();
            for (a, b) in [(cx - xo, cx - xi), (cx + xi, cx + xo)] {
                let xa = a.floor().max(0.0) as usize;
                let xb = (b.ceil().max(0.0) as usize).min(self.w);
                for x in xa..xb {
                    let cov = aa((len(x as f32 + 0.5 - cx, dy) - r).abs() - w / 2.0) * alpha;
                    if cov > 0.002 {
                        self.blend(x, y, c, cov);
                    }
                }
            }
        }
    }

    pub fn rrect(&mut self, cx: f32, cy: f32, hw: f32, hh: f32, r: f32, c: Rgb, alpha: f32) {
        self.paint(
            cx - hw - 1.0,
            cy - hh - 1.0,
            cx + hw + 1.0,
            cy + hh + 1.0,
            |x, y| (aa(sd_box(x - cx, y - cy, hw, hh, r)) * alpha, c),
        );
    }

    pub fn poly(&mut self, pts: &[(f32, f32)], c: Rgb, alpha: f32) {
        let (x0, y0, x1, y1) = bounds(pts);
        let shape = Convex::new(pts);
        self.paint(x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0, |x, y| {
            (aa(shape.sd(x, y)) * alpha, c)
        });
    }

    /// Round-capped line of width `w`. Long diagonal lines only visit a band around the line
    /// rather than their whole bounding box.
    pub fn line(&mut self, ax: f32, ay: f32, bx: f32, by: f32, w: f32, c: Rgb, alpha: f32) {
        let o = w / 2.0 + 1.0;
        let (dx, dy) = (bx - ax, by - ay);
        let l = len(dx, dy);
        let mut eval = |x: usize, y: usize| {
            let d = sd_segment(x as f32 + 0.5, y as f32 + 0.5, ax, ay, bx, by) - w / 2.0;
            let cov = aa(d) * alpha;
            if cov > 0.002 {
                self.blend(x, y, c, cov);
            }
        };
        if dy.abs() >= dx.abs() && dy.abs() > 1.0 {
            // Mostly vertical: per row, a span around the line's x.
            let half = o * l / dy.abs() + 1.0;
            let y0 = (ay.min(by) - o).floor().max(0.0) as usize;
            let y1 = ((ay.max(by) + o).ceil().max(0.0) as usize).min(HEIGHT as usize);
            for y in y0..y1 {
                let t = ((y as f32 + 0.5 - ay) / dy).clamp(0.0, 1.0);
                let xc = ax + dx * t;
                let xa = (xc - half).floor().max(0.0) as usize;
                let xb = ((xc + half).ceil().max(0.0) as usize).min(WIDTH as usize);
                for x in xa..xb {
                    eval(x, y);
                }
            }
        } else if dx.abs() > 1.0 {
            // Mostly horizontal: per column, a span around the line's y.
            let half = o * l / dx.abs() + 1.0;
            let x0 = (ax.min(bx) - o).floor().max(0.0) as usize;
            let x1 = ((ax.max(bx) + o).ceil().max(0.0) as usize).min(WIDTH as usize);
            for x in x0..x1 {
                let t = ((x as f32 + 0.5 - ax) / dx).clamp(0.0, 1.0);
                let yc = ay + dy * t;
                let ya = (yc - half).floor().max(0.0) as usize;
                let yb = ((yc + half).ceil().max(0.0) as usize).min(HEIGHT as usize);
                for y in ya..yb {
                    eval(x, y);
                }
            }
        } else {
            self.disc(ax, ay, w / 2.0, c, alpha);
        }
    }

    pub fn star(&mut self, cx: f32, cy: f32, r: f32, n: u32, m: f32, c: Rgb, alpha: f32) {
        self.paint(
            cx - r - 1.0,
            cy - r - 1.0,
            cx + r + 1.0,
            cy + r + 1.0,
            |x, y| (aa(sd_star(x - cx, y - cy, r, n, m)) * alpha, c),
        );
    }

    /// Soft radial light: `strength` at the centre fading to nothing at `r`.
    pub fn glow(&mut self, cx: f32, cy: f32, r: f32, c: Rgb, strength: f32) {
        self.paint(cx - r, cy - r, cx + r, cy + r, |x, y| {
            let t = (1.0 - len(x - cx, y - cy) / r).max(0.0);
            (t * t * strength, c)
        });
    }

    /// Soft elliptical shadow.
    pub fn shadow(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, strength: f32) {
        self.paint(cx - rx, cy - ry, cx + rx, cy + ry, |x, y| {
            let e = len((x - cx) / rx, (y - cy) / ry);
            let t = (1.0 - e).max(0.0);
            (t * t * strength, BLACK)
        });
    }

    /// Four-pointed glint.
    pub fn sparkle(&mut self, cx: f32, cy: f32, size: f32, alpha: f32) {
        self.paint(cx - size, cy - size, cx + size, cy + size, |x, y| {
            let (dx, dy) = ((x - cx).abs() / size, (y - cy).abs() / size);
            let arm = (1.0 - dx - dy * 9.0)
                .max(0.0)
                .max((1.0 - dy - dx * 9.0).max(0.0));
            let core = (1.0 - len(dx, dy) * 3.0).max(0.0);
            ((arm + core).min(1.0) * alpha, WHITE)
        });
    }

    /// Centred pixel-font text; `top` is the top of the first row, `cell` the size of one dot.
    pub fn text(&mut self, s: &str, cx: f32, top: f32, cell: f32, c: Rgb, alpha: f32) {
        let chars: Vec<char> = s.chars().collect();
        let width = text_width(s, cell);
        let mut x = cx - width / 2.0;
        for ch in chars {
            let rows = glyph(ch);
            for (ry, bits) in rows.iter().enumerate() {
                for bx in 0..5 {
                    if bits & (0x10 >> bx) != 0 {
                        let px = x + (bx as f32 + 0.5) * cell;
                        let py = top + (ry as f32 + 0.5) * cell;
                        let half = cell * 0.48;
                        self.rrect(px, py, half, half, cell * 0.16, c, alpha);
                    }
                }
            }
            x += cell * 6.0;
        }
    }
}

pub(crate) fn bounds(pts: &[(f32, f32)]) -> (f32, f32, f32, f32) {
    pts.iter().fold(
        (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
        |(x0, y0, x1, y1), &(x, y)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
    )
}

pub(crate) fn text_width(s: &str, cell: f32) -> f32 {
    let n = s.chars().count() as f32;
    (n * 6.0 - 1.0).max(0.0) * cell
}

/// 5x7 dot-matrix glyphs, one byte per row, bit 4 = leftmost column.
fn glyph(c: char) -> [u8; 7] {
    match c.to_ascii_uppercase() {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '\'' => [0x0C, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00],
        '&' => [0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        ',' => [0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08],
        '!' => [0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04],
        '/' => [0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10],
        _ => [0; 7],
    }
}
