//! Procedurally drawn product pictures. The demo has no photographs (and cannot download any), so
//! every picture is painted pixel by pixel from the product's own data: a palette from the slug's
//! hash, a scene from the game's genre, the piece's shape, metal and stone for jewelry.
//!
//! Shapes are signed-distance functions evaluated only inside their bounding boxes, which gives
//! cheap anti-aliasing (coverage = 0.5 - distance) and keeps rendering fast even unoptimised.

mod cover;
mod studio;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, anyhow};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, RgbImage};

use super::jewelry::Style;

/// Every picture is stored at these widths, 4:3.
pub(crate) const WIDTHS: [u32; 3] = [400, 800, 1200];
/// Intrinsic size of the largest file.
pub(crate) const WIDTH: u32 = 1200;
pub(crate) const HEIGHT: u32 = 900;
const JPEG_QUALITY: u8 = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GameShot {
    Cover,
    Screenshot,
    KeyArt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JewelShot {
    Front,
    CloseUp,
    Alternate,
}

/// What to draw.
#[derive(Clone, Debug)]
pub(crate) enum Art {
    Game {
        slug: &'static str,
        /// Base hue of the palette, degrees.
        hue: f32,
        title: &'static str,
        genre: &'static str,
        age_rating: &'static str,
        shot: GameShot,
    },
    Jewel {
        slug: &'static str,
        /// Tint of the studio backdrop, degrees.
        hue: f32,
        style: Style,
        metal: &'static str,
        stone: Option<&'static str>,
        finish: &'static str,
        carat_hundredths: i32,
        shot: JewelShot,
    },
}

/// One picture: written as `<stem>-<width>.jpg` for every width.
pub(crate) struct Job {
    pub stem: String,
    pub art: Art,
}

/// Renders and writes every job, split across two threads. Blocking: call from `spawn_blocking`.
pub(crate) fn write_all(dir: &Path, jobs: &[Job]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|k| {
                scope.spawn(move || -> Result<()> {
                    for job in jobs.iter().skip(k).step_by(2) {
                        write_job(dir, job)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow!("image worker panicked"))??;
        }
        Ok(())
    })
}

fn write_job(dir: &Path, job: &Job) -> Result<()> {
    // Every smaller size is scaled down from the full-size picture. `DynamicImage`'s methods are
    // not generic, so they run compiled at the `image` crate's own (optimised) level even in a
    // debug build of this crate, whereas the generic `imageops::resize` would be instantiated
    // here, unoptimised, and take ~10x longer. `thumbnail_exact` averages whole source areas,
    // which is the right filter for these 1.5x and 3x reductions, and is the fastest.
    let full = DynamicImage::ImageRgb8(render(&job.art));
    for &w in &WIDTHS {
        let path = dir.join(format!("{}-{w}.jpg", job.stem));
        if w == WIDTH {
            save_jpeg(full.as_rgb8().context("RGB picture")?, &path)?;
        } else {
            let small = full.thumbnail_exact(w, w * HEIGHT / WIDTH).into_rgb8();
            save_jpeg(&small, &path)?;
        }
    }
    Ok(())
}

/// Writes next to the target and renames, so a reader never sees half a file.
fn save_jpeg(img: &RgbImage, path: &Path) -> Result<()> {
    // Unique per writer: two processes may seed the same media directory at once.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("jpg.{}-{n}.part", std::process::id()));
    {
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut out = BufWriter::new(file);
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .encode(
                img.as_raw(),
                img.width(),
                img.height(),
                ExtendedColorType::Rgb8,
            )
            .with_context(|| format!("encoding {}", path.display()))?;
        out.flush()?;
    }
    fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Draws one picture at full size (WIDTH x HEIGHT).
pub(crate) fn render(art: &Art) -> RgbImage {
    match *art {
        Art::Game {
            slug,
            hue,
            title,
            genre,
            age_rating,
            shot,
        } => cover::render(slug, hue, title, genre, age_rating, shot),
        Art::Jewel {
            slug,
            hue,
            style,
            metal,
            stone,
            finish,
            carat_hundredths,
            shot,
        } => studio::render(
            slug,
            hue,
            style,
            metal,
            stone,
            finish,
            carat_hundredths,
            shot,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

/// Linear-ish RGB in 0..1.
pub(crate) type Rgb = [f32; 3];

pub(crate) const WHITE: Rgb = [1.0, 1.0, 1.0];
pub(crate) const BLACK: Rgb = [0.0, 0.0, 0.0];

pub(crate) fn hsl(h: f32, s: f32, l: f32) -> Rgb {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

pub(crate) fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

pub(crate) fn scale(a: Rgb, k: f32) -> Rgb {
    [a[0] * k, a[1] * k, a[2] * k]
}

pub(crate) fn add(a: Rgb, k: f32) -> Rgb {
    [a[0] + k, a[1] + k, a[2] + k]
}

// ---------------------------------------------------------------------------------------------
// Randomness and geometry helpers
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, deterministic, good enough for art.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % n as u64) as u32
    }
}

/// Palette hue for the `index`-th product of a department: successive products are a golden
/// angle apart (so neighbours in a grid never look alike), nudged by the slug's hash.
pub(crate) fn spread_hue(index: usize, slug_hash: u64) -> f32 {
    (index as f32 * 137.508 + (slug_hash % 29) as f32).rem_euclid(360.0)
}

/// Integer hash for per-pixel/per-cell noise.
pub(crate) fn ihash(a: i32, b: i32) -> u32 {
    let mut x = (a as u32).wrapping_mul(0x9E37_79B1) ^ (b as u32).wrapping_mul(0x85EB_CA77);
    x ^= x >> 15;
    x = x.wrapping_mul(0x2C1B_3C6D);
    x ^= x >> 12;
    x = x.wrapping_mul(0x297A_2D39);
    x ^= x >> 15;
    x
}

/// `ihash` mapped to [0, 1].
pub(crate) fn ihashf(a: i32, b: i32) -> f32 {
    (ihash(a, b) & 0xFFFF) as f32 / 65535.0
}

pub(crate) fn len(x: f32, y: f32) -> f32 {
    (x * x + y * y).sqrt()
}

/// Anti-aliased coverage of a pixel whose centre is `d` pixels outside a shape.
pub(crate) fn aa(d: f32) -> f32 {
    (0.5 - d).clamp(0.0, 1.0)
}

pub(crate) fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

pub(crate) type V3 = [f32; 3];

pub(crate) fn norm3(v: V3) -> V3 {
    let l = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt().max(1e-6);
    [v[0] / l, v[1] / l, v[2] / l]
}

pub(crate) fn dot3(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Key light: upper left, in front (x right, y down, z towards the viewer).
pub(crate) const LIGHT: V3 = [-0.451, -0.621, 0.641];
/// Half vector between LIGHT and the view direction (0, 0, 1).
pub(crate) const HALF: V3 = [-0.249, -0.343, 0.906];

// Signed distances (negative inside), in pixels.

pub(crate) fn sd_ellipse(dx: f32, dy: f32, rx: f32, ry: f32) -> f32 {
    let k0 = len(dx / rx, dy / ry);
    let k1 = len(dx / (rx * rx), dy / (ry * ry));
    if k1 < 1e-9 {
        return -rx.min(ry);
    }
    k0 * (k0 - 1.0) / k1
}

pub(crate) fn sd_box(dx: f32, dy: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let qx = dx.abs() - hw + r;
    let qy = dy.abs() - hh + r;
    len(qx.max(0.0), qy.max(0.0)) + qx.max(qy).min(0.0) - r
}

/// Distance to the segment a-b (unsigned).
pub(crate) fn sd_segment(px: f32, py: f32, ax: f32, ay: f32, bx: f32, by: f32) -> f32 {
    let (pax, pay, bax, bay) = (px - ax, py - ay, bx - ax, by - ay);
    let h = ((pax * bax + pay * bay) / (bax * bax + bay * bay).max(1e-6)).clamp(0.0, 1.0);
    len(pax - bax * h, pay - bay * h)
}

/// Convex polygon (any winding) with its edges' outward normals precomputed.
pub(crate) struct Convex {
    /// (x, y, nx, ny) per edge: a point on the edge and its unit outward normal.
    edges: Vec<[f32; 4]>,
}

impl Convex {
    pub fn new(pts: &[(f32, f32)]) -> Convex {
        let n = pts.len();
        let mut area = 0.0;
        for i in 0..n {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            area += a.0 * b.1 - b.0 * a.1;
        }
        let sign = if area >= 0.0 { 1.0 } else { -1.0 };
        let edges = (0..n)
            .map(|i| {
                let (a, b) = (pts[i], pts[(i + 1) % n]);
                let (ex, ey) = (b.0 - a.0, b.1 - a.1);
                let l = len(ex, ey).max(1e-6);
                [a.0, a.1, sign * ey / l, -sign * ex / l]
            })
            .collect();
        Convex { edges }
    }

    /// Signed distance (exact near the edges, which is all anti-aliasing needs).
    pub fn sd(&self, x: f32, y: f32) -> f32 {
        let mut d = f32::MIN;
        for e in &self.edges {
            d = d.max((x - e[0]) * e[2] + (y - e[1]) * e[3]);
        }
        d
    }
}

/// Star with `n` points and outer radius `r`, point up; `m` in [2, n] sets sharpness (2 = polygon).
pub(crate) fn sd_star(dx: f32, dy: f32, r: f32, n: u32, m: f32) -> f32 {
    let (x, y) = (dx, -dy);
    let an = std::f32::consts::PI / n as f32;
    let en = std::f32::consts::PI / m;
    let (acx, acy) = (an.cos(), an.sin());
    let (ecx, ecy) = (en.cos(), en.sin());
    let bn = x.atan2(y).rem_euclid(2.0 * an) - an;
    let l = len(x, y);
    let mut qx = l * bn.cos() - r * acx;
    let mut qy = l * bn.sin().abs() - r * acy;
    let t = (-(qx * ecx + qy * ecy)).clamp(0.0, r * acy / ecy);
    qx += ecx * t;
    qy += ecy * t;
    len(qx, qy) * qx.signum()
}

/// Teardrop: circle of radius `r1` at the origin, narrowing to radius `r2` at `h` above it
/// (`up` measured upwards).
pub(crate) fn sd_drop(dx: f32, up: f32, r1: f32, r2: f32, h: f32) -> f32 {
    let x = dx.abs();
    let b = (r1 - r2) / h;
    let a = (1.0 - b * b).max(0.0).sqrt();
    let k = -b * x + a * up;
    if k < 0.0 {
        len(x, up) - r1
    } else if k > a * h {
        len(x, up - h) - r2
    } else {
        x * a + up * b - r1
    }
}

/// Heart with its tip at the origin, about 1 unit tall (`up` measured upwards).
pub(crate) fn sd_heart(dx: f32, up: f32) -> f32 {
    let x = dx.abs();
    if up + x > 1.0 {
        len(x - 0.25, up - 0.75) - std::f32::consts::SQRT_2 / 4.0
    } else {
        let d1 = (x * x + (up - 1.0) * (up - 1.0)).sqrt();
        let t = 0.5 * (x + up).max(0.0);
        let d2 = len(x - t, up - t);
        d1.min(d2) * (x - up).signum()
    }
}

/// Hexagon with flat top and bottom, apothem `r`.
pub(crate) fn sd_hexagon(dx: f32, dy: f32, r: f32) -> f32 {
    const K: (f32, f32, f32) = (-0.866_025_4, 0.5, 0.577_350_3);
    let (mut x, mut y) = (dx.abs(), dy.abs());
    let d = (K.0 * x + K.1 * y).min(0.0);
    x -= 2.0 * d * K.0;
    y -= 2.0 * d * K.1;
    x -= x.clamp(-K.2 * r, K.2 * r);
    y -= r;
    len(x, y) * y.signum()
}

/// Corners of a rectangle centred on (cx, cy), rotated by `angle` radians.
pub(crate) fn rot_rect(cx: f32, cy: f32, hw: f32, hh: f32, angle: f32) -> [(f32, f32); 4] {
    let (s, c) = angle.sin_cos();
    let corner = |x: f32, y: f32| (cx + x * c - y * s, cy + x * s + y * c);
    [
        corner(-hw, -hh),
        corner(hw, -hh),
        corner(hw, hh),
        corner(-hw, hh),
    ]
}

// ---------------------------------------------------------------------------------------------
// Canvas
// ---------------------------------------------------------------------------------------------

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
