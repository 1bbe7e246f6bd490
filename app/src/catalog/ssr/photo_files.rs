//! What is done to an uploaded photo's bytes, with no database and no store: recognise it by its
//! content (JPEG, PNG or WebP only), refuse decompression bombs before decoding, decode it whole
//! (a cut-off file is refused), turn it upright by its EXIF orientation, and write it again at the
//! responsive widths as WebP and JPEG. Writing from pixels leaves every piece of metadata (GPS,
//! camera, EXIF) behind.
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::{BufRead, Cursor, Read, Seek};

/// The widths written for every photo (never wider than the original).
pub const WIDTHS: [u32; 5] = [320, 640, 960, 1280, 1920];
/// The largest photo accepted, before decoding: 50 megapixels, 12,000 pixels a side.
pub const MAX_PIXELS: u64 = 50_000_000;
pub const MAX_SIDE: u32 = 12_000;
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 78.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

/// Why a photo was refused: each message is one a member of staff can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("is not a JPEG, PNG or WebP image (SVG, HTML and other files are refused).")]
    NotAnImage,
    #[error("is {width} × {height} pixels: photos may be at most {MAX_SIDE} pixels a side and 50 megapixels.")]
    TooLarge { width: u32, height: u32 },
    #[error("is damaged or cut off and cannot be read.")]
    Damaged,
    #[error("is larger than {0} MB.")]
    FileTooBig(u64),
    #[error("could not be written: {0}")]
    Encode(String),
}

/// The file's kind from its first bytes (never from its name or the browser's content type).
pub fn sniff(head: &[u8]) -> Result<Kind, PhotoError> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Kind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(Kind::Png)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Ok(Kind::Webp)
    } else {
        Err(PhotoError::NotAnImage)
    }
}

fn format(kind: Kind) -> image::ImageFormat {
    match kind {
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Png => image::ImageFormat::Png,
        Kind::Webp => image::ImageFormat::WebP,
    }
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    // Four bytes a pixel and some room for the decoder.
    l.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    l
}

fn header_dimensions<R: BufRead + Seek>(r: R, kind: Kind) -> Result<(u32, u32), PhotoError> {
    let mut reader = ImageReader::with_format(r, format(kind));
    reader.no_limits();
    let (width, height) = reader.into_dimensions().map_err(|_| PhotoError::Damaged)?;
    if width == 0 || height == 0 {
        return Err(PhotoError::Damaged);
    }
    if width > MAX_SIDE || height > MAX_SIDE || width as u64 * height as u64 > MAX_PIXELS {
        return Err(PhotoError::TooLarge { width, height });
    }
    Ok((width, height))
}

/// Whether a JPEG ends its image: the last end-of-image marker comes after the last start-of-scan
/// (neither can occur inside entropy-coded data, and an EXIF thumbnail's pair comes first). The
/// decoder would fill a cut-off photo with grey instead of failing.
fn jpeg_complete<R: std::io::Read>(r: R) -> bool {
    let (mut prev, mut pos, mut last_sos, mut last_eoi) = (0u8, 0u64, None, None);
    for b in std::io::BufReader::new(r).bytes() {
        let Ok(b) = b else { return false };
        if prev == 0xFF && b == 0xDA {
            last_sos = Some(pos);
        } else if prev == 0xFF && b == 0xD9 {
            last_eoi = Some(pos);
        }
        prev = b;
        pos += 1;
    }
    matches!((last_sos, last_eoi), (Some(s), Some(e)) if e > s)
}

fn decode<R: BufRead + Seek>(r: R, kind: Kind) -> Result<DynamicImage, PhotoError> {
    let mut reader = ImageReader::with_format(r, format(kind));
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Damaged)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Damaged)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The photo's size from its header alone, refused when it is too large to decode safely.
pub fn dimensions(bytes: &[u8]) -> Result<(Kind, u32, u32), PhotoError> {
    let kind = sniff(bytes)?;
    let (w, h) = header_dimensions(Cursor::new(bytes), kind)?;
    Ok((kind, w, h))
}

/// Decodes the whole photo (within the limits) and turns it upright by its EXIF orientation.
pub fn decode_upright(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    let (kind, _, _) = dimensions(bytes)?;
    if kind == Kind::Jpeg && !jpeg_complete(bytes) {
        return Err(PhotoError::Damaged);
    }
    decode(Cursor::new(bytes), kind)
}

/// Checks an uploaded file on disk (read through a buffer, never whole): its kind, its header's
/// size, then a full decode. Returns the kind and the upright size.
pub fn check_file(path: &std::path::Path) -> Result<(Kind, u32, u32), PhotoError> {
    let open = || std::fs::File::open(path).map(std::io::BufReader::new).map_err(|_| PhotoError::Damaged);
    let mut head = [0u8; 12];
    let n = std::io::Read::read(&mut open()?, &mut head).map_err(|_| PhotoError::Damaged)?;
    let kind = sniff(&head[..n])?;
    header_dimensions(open()?, kind)?;
    if kind == Kind::Jpeg && !jpeg_complete(open()?) {
        return Err(PhotoError::Damaged);
    }
    let img = decode(open()?, kind)?;
    Ok((kind, img.width(), img.height()))
}

/// One written size: its width and the encoded WebP and JPEG bytes.
pub struct Rendition {
    pub width: u32,
    pub webp: Vec<u8>,
    pub jpeg: Vec<u8>,
}

/// The widths to write for an upright image `width` pixels wide: every standard width below it and,
/// when it is narrower than the largest, its own width.
pub fn widths_for(width: u32) -> Vec<u32> {
    let mut w: Vec<u32> = WIDTHS.iter().copied().filter(|x| *x < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        w.push(width);
    }
    w
}

/// Resizes `img` to `width` (keeping its proportions) and encodes it as WebP and JPEG.
pub fn render(img: &DynamicImage, width: u32) -> Result<Rendition, PhotoError> {
    let rgb = if img.width() == width {
        img.to_rgb8()
    } else {
        let height = ((img.height() as u64 * width as u64) / img.width() as u64).max(1) as u32;
        image::imageops::resize(&img.to_rgb8(), width, height, image::imageops::FilterType::CatmullRom)
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    let webp = webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(WEBP_QUALITY).to_vec();
    Ok(Rendition { width, webp, jpeg })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JPEG `w` x `h` of a horizontal gradient (left dark, right light).
    pub(crate) fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x * 255 / w.max(1)) as u8, 80, 120]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
        out
    }

    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    /// A JPEG with an EXIF block right after SOI: orientation 6 (turn 90° clockwise to view) and a
    /// GPS position.
    pub(crate) fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        let plain = jpeg(w, h);
        // TIFF, big-endian: IFD0 at 8 with Orientation = 6 and a GPS IFD pointer; the GPS IFD has
        // GPSLatitudeRef = "N" (and a marker string a leak would carry).
        let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        tiff.extend([0x00, 0x02]); // two entries
        tiff.extend([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00]);
        tiff.extend([0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x26]);
        tiff.extend([0x00, 0x00, 0x00, 0x00]); // no next IFD
        assert_eq!(tiff.len(), 38);
        tiff.extend([0x00, 0x02]);
        tiff.extend([0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, b'N', 0x00, 0x00, 0x00]);
        tiff.extend([0x00, 0x1b, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x44]);
        tiff.extend([0x00, 0x00, 0x00, 0x00]);
        tiff.extend(b"GPSLEAK!");
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend(len.to_be_bytes());
        out.extend(app1);
        out.extend(&plain[2..]);
        out
    }

    /// PNG's chunk checksum (CRC-32, as in zlib).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= *b as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }

    #[test]
    fn photos_are_recognised_by_their_content_only() {
        assert_eq!(sniff(&jpeg(8, 8)).unwrap(), Kind::Jpeg);
        // A PNG named .jpg is a PNG: the name is never read.
        assert_eq!(dimensions(&png(9, 7)).unwrap(), (Kind::Png, 9, 7));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(sniff(svg), Err(PhotoError::NotAnImage));
        let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
        assert_eq!(sniff(html), Err(PhotoError::NotAnImage));
        assert_eq!(sniff(b"GIF89a......"), Err(PhotoError::NotAnImage));
        assert_eq!(sniff(b""), Err(PhotoError::NotAnImage));
        assert!(PhotoError::NotAnImage.to_string().contains("SVG"));
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        // A real PNG header claiming 20000 x 20000 (its checksum fixed): refused before any pixel
        // is decoded.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(dimensions(&bomb), Err(PhotoError::TooLarge { width: 20_000, height: 20_000 }));
        assert!(matches!(decode_upright(&bomb), Err(PhotoError::TooLarge { .. })));
        assert!(PhotoError::TooLarge { width: 20_000, height: 20_000 }.to_string().contains("20000 × 20000"));
    }

    #[test]
    fn a_truncated_jpeg_is_refused_as_damaged() {
        let whole = jpeg(400, 300);
        let cut = &whole[..whole.len() / 2];
        assert_eq!(decode_upright(cut).err(), Some(PhotoError::Damaged));
        assert!(decode_upright(&whole).is_ok());
        // With an EXIF block (whose thumbnail-like markers come first) the rule still holds.
        let exif = jpeg_with_exif(400, 300);
        assert!(decode_upright(&exif).is_ok());
        assert_eq!(decode_upright(&exif[..exif.len() - 200]).err(), Some(PhotoError::Damaged));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.jpg");
        std::fs::write(&path, cut).unwrap();
        assert_eq!(check_file(&path).err(), Some(PhotoError::Damaged));
        std::fs::write(&path, png(30, 20)).unwrap();
        assert_eq!(check_file(&path).unwrap(), (Kind::Png, 30, 20), "a PNG named .jpg is a PNG");
    }

    #[test]
    fn exif_orientation_is_applied_and_no_metadata_survives() {
        let original = jpeg_with_exif(400, 200);
        assert!(original.windows(8).any(|w| w == b"GPSLEAK!"), "the fixture carries GPS data");
        let img = decode_upright(&original).unwrap();
        assert_eq!((img.width(), img.height()), (200, 400), "orientation 6 turns it upright");
        // The gradient ran left to right; turned clockwise it runs top to bottom.
        let rgb = img.to_rgb8();
        assert!(rgb.get_pixel(100, 5)[0] < rgb.get_pixel(100, 394)[0]);
        let r = render(&img, 200).unwrap();
        for bytes in [&r.jpeg, &r.webp] {
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block");
            assert!(!bytes.windows(8).any(|w| w == b"GPSLEAK!"), "no GPS data");
        }
        assert_eq!(sniff(&r.webp).unwrap(), Kind::Webp);
        assert_eq!(dimensions(&r.jpeg).unwrap(), (Kind::Jpeg, 200, 400));
    }

    #[test]
    fn widths_never_exceed_the_original() {
        assert_eq!(widths_for(4000), vec![320, 640, 960, 1280, 1920]);
        assert_eq!(widths_for(1000), vec![320, 640, 960, 1000]);
        assert_eq!(widths_for(200), vec![200]);
        let r = render(&DynamicImage::ImageRgb8(image::RgbImage::new(800, 600)), 320).unwrap();
        assert_eq!(dimensions(&r.jpeg).unwrap(), (Kind::Jpeg, 320, 240));
        assert_eq!(dimensions(&r.webp).unwrap(), (Kind::Webp, 320, 240));
    }
}
