//! Procedurally drawn product pictures. The demo has no photographs (and cannot download any), so
//! every picture is painted pixel by pixel from the product's own data: a palette from the slug's
//! hash, a scene from the game's genre, the piece's shape, metal and stone for jewelry.
//!
//! Shapes are signed-distance functions evaluated only inside their bounding boxes, which gives
//! cheap anti-aliasing (coverage = 0.5 - distance) and keeps rendering fast even unoptimised.

mod canvas;
mod cover;
mod paint;
mod studio;

pub(crate) use canvas::*;
pub(crate) use paint::*;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, anyhow};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, RgbImage};

use crate::jewelry::Style;

/// Every picture is stored at these widths, 4:3.
pub const WIDTHS: [u32; 3] = [400, 800, 1200];
/// Intrinsic size of the largest file.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 900;
const JPEG_QUALITY: u8 = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameShot {
    Cover,
    Screenshot,
    KeyArt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JewelShot {
    Front,
    CloseUp,
    Alternate,
}

/// What to draw.
#[derive(Clone, Debug)]
pub enum Art {
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
pub struct Job {
    pub stem: String,
    pub art: Art,
}

/// Renders and writes every job, split across two threads. Blocking: call from `spawn_blocking`.
pub fn write_all(dir: &Path, jobs: &[Job]) -> Result<()> {
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
pub fn render(art: &Art) -> RgbImage {
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
