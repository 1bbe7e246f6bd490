//! Photos processed per minute: a 4000 x 3000 JPEG decoded, turned upright and written at every
//! responsive width as WebP and JPEG (what the photo job does), against decoding alone (the
//! reference in the same run). Run with `bench/photos.sh`.
use app::catalog::ssr::photo_files::{decode_upright, render, widths_for};
use criterion::{criterion_group, criterion_main, Criterion};

/// A 4000 x 3000 camera-like JPEG: smooth gradients with fine noise, quality 90.
fn camera_jpeg() -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state & 15) as u32;
        image::Rgb([((x / 16 + n) % 256) as u8, ((y / 12 + n) % 256) as u8, (((x + y) / 28 + n) % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

fn photos(c: &mut Criterion) {
    let jpeg = camera_jpeg();
    let mut g = c.benchmark_group("photo-4000x3000");
    g.sample_size(10);
    g.bench_function("reference: decode only", |b| b.iter(|| decode_upright(&jpeg).unwrap()));
    g.bench_function("full: decode + every width as WebP and JPEG", |b| {
        b.iter(|| {
            let img = decode_upright(&jpeg).unwrap();
            for w in widths_for(img.width()) {
                render(&img, w).unwrap();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, photos);
criterion_main!(benches);
