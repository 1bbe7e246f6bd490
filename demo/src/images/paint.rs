//! Colour, a small deterministic random generator, vector maths and the signed-distance shapes every picture is drawn from.

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
