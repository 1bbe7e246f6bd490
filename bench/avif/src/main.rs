//! The photo job's widths (320 to 1920) of a 4000 x 3000 camera-like picture, each encoded as WebP
//! (libwebp, the shop's quality) and as AVIF (ravif/rav1e at speeds 6, 8 and 10, quality 60, about
//! WebP 78's look), one after the other in the same run. Prints the time per photo and the bytes.
use std::time::Instant;

const WIDTHS: [u32; 5] = [320, 640, 960, 1280, 1920];

fn camera(w: u32, h: u32) -> image::RgbImage {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state & 15) as u32;
        image::Rgb([((x / 16 + n) % 256) as u8, ((y / 12 + n) % 256) as u8, (((x + y) / 28 + n) % 256) as u8])
    })
}

fn main() {
    let full = camera(4000, 3000);
    let sized: Vec<image::RgbImage> = WIDTHS
        .iter()
        .map(|&w| image::imageops::resize(&full, w, w * 3 / 4, image::imageops::FilterType::CatmullRom))
        .collect();
    let time = |label: &str, encode: &dyn Fn(&image::RgbImage) -> usize| {
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..3 {
            let start = Instant::now();
            bytes = sized.iter().map(encode).sum();
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{label:<28} {:>8.0} ms a photo (5 widths)  {:>9} bytes", best * 1000.0, bytes);
        best
    };
    let webp = time("WebP q78 (the shop's)", &|img| {
        webp::Encoder::from_rgb(img.as_raw(), img.width(), img.height()).encode(78.0).len()
    });
    for speed in [6u8, 8, 10] {
        let avif = time(&format!("AVIF q60 speed {speed}"), &|img| {
            let pixels: Vec<rgb::RGB8> = img.pixels().map(|p| rgb::RGB8::new(p[0], p[1], p[2])).collect();
            let view = ravif::Img::new(pixels.as_slice(), img.width() as usize, img.height() as usize);
            ravif::Encoder::new()
                .with_quality(60.0)
                .with_speed(speed)
                .with_num_threads(Some(1))
                .encode_rgb(view)
                .expect("encodes")
                .avif_file
                .len()
        });
        println!("{:<28} {:>8.1}x WebP's time", "", avif / webp);
    }
}
