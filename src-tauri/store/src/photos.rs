//! Photos of a site visit (issue 16): taken on the 職場巡視, kept in the encrypted store, shown in
//! the record and carried to the centre inside the finalised version.
//!
//! A photo is never kept as it came from the camera. It is decoded (JPEG or PNG only), turned
//! upright by its EXIF orientation, scaled down to at most [`MAX_SIDE`] pixels on its long side
//! and re-encoded as a JPEG by the `image` crate, whose encoder writes no EXIF, XMP or comment:
//! the GPS position a phone records, the camera's serial number and the time zone are gone by
//! construction, not by a list of tags to remove. A photo is named by the SHA-256 of what is
//! kept, so adding the same photo twice keeps it once.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{PhotoData, Visit};
use crate::error::{Error, Result};

use super::audit::sha256_hex;
use super::{now, Action, Store};

/// The largest file accepted: 20 MB (a phone's photo is 2–8 MB).
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;
/// The long side of a kept photo, in pixels: legible on screen and printed small.
pub const MAX_SIDE: u32 = 1600;
/// The largest picture decoded, in pixels on a side and in all (a "decompression bomb" is refused
/// before it is decoded): 50 megapixels is the largest a phone takes.
const MAX_DECODED_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 50_000_000;
/// How long a photo kept but named by no record is left (the screen names it in the draft it
/// saves a moment later) before the next photo added sweeps it away.
const UNNAMED_GRACE_HOURS: i64 = 24;
const JPEG_QUALITY: u8 = 80;

/// A photo as kept: its name (SHA-256 of the JPEG) and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoInfo {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

const TOO_LARGE: &str = "写真のファイルが大きすぎます（20MBまで）。カメラの設定で画質を下げるか、縮小してから追加してください。";

fn refused(message: &str) -> Error {
    Error::invalid("photo", message)
}

/// The photo as it is kept: upright, at most [`MAX_SIDE`] on its long side, a JPEG with no
/// metadata. A file that is not a JPEG or PNG picture, or is too large, is refused with a message
/// that says what to do.
pub fn normalise(input: &[u8]) -> Result<(Vec<u8>, u32, u32)> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(refused(TOO_LARGE));
    }
    let not_a_photo = || refused("写真として読めないファイルです。JPEG（.jpg）かPNG（.png）の写真を選んでください。");
    let mut reader = ImageReader::new(Cursor::new(input)).with_guessed_format().map_err(|_| not_a_photo())?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(not_a_photo());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let too_many_pixels = || refused("写真の画素数が大きすぎます（5,000万画素まで）。縮小してから追加してください。");
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(),
        _ => not_a_photo(),
    })?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_many_pixels());
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(),
        _ => not_a_photo(),
    })?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    let rgb = picture.to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&rgb).map_err(|_| not_a_photo())?;
    Ok((out, rgb.width(), rgb.height()))
}

/// The photos a visit names, as its finalised version carries them (base64 JPEGs), in order.
/// The largest JPEG a device's normalisation makes, with room to spare (a 1600 px JPEG at
/// quality 80 is well under 1 MB).
pub const MAX_KEPT_BYTES: usize = 4 * 1024 * 1024;

/// Whether a photo delivered inside a version is one a device's [`normalise`] made: its SHA-256
/// names its bytes, it is a JPEG of the size it declares, at most [`MAX_SIDE`] on a side and
/// [`MAX_KEPT_BYTES`] long. Only its header is read, never the picture. The problem, if any, in
/// Japanese, naming no content.
pub fn check_delivered(p: &PhotoData) -> std::result::Result<(), &'static str> {
    use base64::Engine;
    if p.jpeg_base64.len() > MAX_KEPT_BYTES / 3 * 4 + 4 {
        return Err("大きすぎます");
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&p.jpeg_base64) else { return Err("写真として読めません") };
    if sha256_hex(&bytes) != p.sha256 {
        return Err("名前（SHA-256）が中身と一致しません");
    }
    let reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), image::ImageFormat::Jpeg);
    match reader.into_dimensions() {
        Ok((w, h)) if (w, h) == (p.width, p.height) && w.max(h) <= MAX_SIDE => Ok(()),
        Ok(_) => Err("寸法が端末で整えた写真と違います"),
        Err(_) => Err("JPEG として読めません"),
    }
}

pub(crate) fn photos_of(conn: &Connection, v: &Visit) -> Result<Vec<PhotoData>> {
    use base64::Engine;
    let mut out = Vec::with_capacity(v.photos.len());
    for p in &v.photos {
        let row: Option<(Vec<u8>, u32, u32)> =
            conn.query_row("SELECT jpeg, width, height FROM photos WHERE sha256 = ?1", [&p.sha256], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
        if let Some((jpeg, width, height)) = row {
            out.push(PhotoData { sha256: p.sha256.clone(), width, height, jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg) });
        }
    }
    Ok(out)
}

/// The photos a record names: in its open draft and in every finalised version.
pub(crate) fn named_by(conn: &Connection, record_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT json_extract(p.value, '$.sha256') FROM records r, json_each(r.draft, '$.photos') p WHERE r.id = ?1 AND r.kind = 'visit' AND r.draft IS NOT NULL \
         UNION SELECT json_extract(p.value, '$.sha256') FROM record_versions v JOIN records r ON r.id = v.record_id, json_each(v.content, '$.body.data.photos') p \
         WHERE v.record_id = ?1 AND r.kind = 'visit'",
    )?;
    let rows = stmt.query_map([record_id], |r| r.get::<_, Option<String>>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().flatten().collect())
}

/// Delete those of `candidates` that no record names any more (after a draft is discarded or a
/// record destroyed): a photo does not outlive the records it belongs to.
pub(crate) fn forget_unreferenced(conn: &Connection, candidates: &[String]) -> Result<usize> {
    let mut gone = 0;
    for sha in candidates {
        let named: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM records r, json_each(r.draft, '$.photos') p \
                            WHERE r.kind = 'visit' AND r.draft IS NOT NULL AND json_extract(p.value, '$.sha256') = ?1) \
                 OR EXISTS (SELECT 1 FROM record_versions v JOIN records r ON r.id = v.record_id, json_each(v.content, '$.body.data.photos') p \
                            WHERE r.kind = 'visit' AND json_extract(p.value, '$.sha256') = ?1)",
            [sha],
            |r| r.get(0),
        )?;
        if !named {
            gone += conn.execute("DELETE FROM photos WHERE sha256 = ?1", [sha])?;
        }
    }
    Ok(gone)
}

/// Delete the photos kept more than a day ago that no record names (added, then never saved in a
/// draft): nothing of a workplace is kept that no record accounts for.
fn sweep_unnamed(conn: &Connection) -> Result<usize> {
    let cutoff = super::iso(chrono::Utc::now() - chrono::Duration::hours(UNNAMED_GRACE_HOURS));
    let old: Vec<String> =
        conn.prepare("SELECT sha256 FROM photos WHERE added_at < ?1")?.query_map([cutoff], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    forget_unreferenced(conn, &old)
}

/// Whether the store holds a photo.
pub(crate) fn exists(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM photos WHERE sha256 = ?1", [sha256], |_| Ok(())).optional()?.is_some())
}

impl Store {
    /// Keep a photo for a visit: normalised ([`normalise`]), named by its hash, audited (no
    /// picture, no file name in the log). Returns what the visit's `photos` names it by.
    pub fn add_photo(&self, input: &[u8]) -> Result<PhotoInfo> {
        let (jpeg, width, height) = normalise(input)?;
        let sha256 = sha256_hex(&jpeg);
        let bytes = jpeg.len() as u64;
        self.write(|tx| {
            sweep_unnamed(tx)?;
            let added = tx.execute(
                "INSERT INTO photos (sha256, jpeg, width, height, added_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(sha256) DO NOTHING",
                params![sha256, jpeg, width, height, now()],
            )?;
            if added > 0 {
                self.audit(tx, Action::Create, &sha256, serde_json::json!({ "photo": { "width": width, "height": height, "bytes": bytes } }))?;
            }
            Ok(())
        })?;
        Ok(PhotoInfo { sha256, width, height, bytes })
    }

    /// Keep the photo in the file at `path` ([`Store::add_photo`]). A file over the limit is
    /// refused before it is read; the error never repeats the path (a file name may be a person's).
    pub fn add_photo_file(&self, path: &std::path::Path) -> Result<PhotoInfo> {
        let unreadable = || refused("写真のファイルを読めませんでした。ファイルがあるか確かめて、もう一度選んでください。");
        if std::fs::metadata(path).map_err(|_| unreadable())?.len() > MAX_INPUT_BYTES as u64 {
            return Err(refused(TOO_LARGE));
        }
        self.add_photo(&std::fs::read(path).map_err(|_| unreadable())?)
    }

    /// A kept photo's JPEG.
    pub fn photo(&self, sha256: &str) -> Result<Vec<u8>> {
        self.read(|c| Ok(c.query_row("SELECT jpeg FROM photos WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?))?
            .ok_or_else(|| Error::NotFound { what: "写真", id: sha256.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG as a phone writes it: an EXIF block (APP1) with a GPS position in front of the picture.
    pub(crate) fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
        // A little-endian TIFF: IFD0 with one entry, GPSInfo (0x8825), pointing at a GPS IFD
        // holding GPSLatitudeRef "N" (0x0001) and a marker string in GPSMapDatum (0x0012).
        let mut tiff: Vec<u8> = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        tiff.extend(1u16.to_le_bytes());
        tiff.extend(0x8825u16.to_le_bytes());
        tiff.extend(4u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(26u32.to_le_bytes());
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(0x0001u16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(2u32.to_le_bytes());
        tiff.extend(*b"N\0\0\0");
        tiff.extend(0x0012u16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(16u32.to_le_bytes());
        tiff.extend(56u32.to_le_bytes());
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(*b"GPS-35.6895N139\0");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let mut out = plain[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((app1.len() + 2) as u16).to_be_bytes());
        out.extend(app1);
        out.extend(&plain[2..]);
        out
    }

    #[test]
    fn a_delivered_photo_must_be_the_one_its_name_and_size_say() {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let (jpeg, w, h) = normalise(&phone_jpeg(40, 30)).unwrap();
        let good = PhotoData { sha256: sha256_hex(&jpeg), width: w, height: h, jpeg_base64: b64(&jpeg) };
        assert_eq!(check_delivered(&good), Ok(()));
        let renamed = PhotoData { sha256: "0".repeat(64), ..good.clone() };
        assert!(check_delivered(&renamed).unwrap_err().contains("SHA-256"));
        let lying = PhotoData { width: 4000, ..good.clone() };
        assert!(check_delivered(&lying).unwrap_err().contains("寸法"));
        // Never normalised: a 2000 px JPEG, named correctly.
        let big = phone_jpeg(2000, 10);
        let raw = PhotoData { sha256: sha256_hex(&big), width: 2000, height: 10, jpeg_base64: b64(&big) };
        assert!(check_delivered(&raw).unwrap_err().contains("寸法"));
        let png = PhotoData { sha256: sha256_hex(b"\x89PNG"), width: 1, height: 1, jpeg_base64: b64(b"\x89PNG") };
        assert!(check_delivered(&png).unwrap_err().contains("JPEG"));
        let huge = PhotoData { jpeg_base64: "A".repeat(MAX_KEPT_BYTES * 2), ..good };
        assert_eq!(check_delivered(&huge), Err("大きすぎます"));
    }

    #[test]
    fn a_phones_photo_loses_its_gps_position_and_keeps_its_picture() {
        let input = phone_jpeg(64, 48);
        assert!(input.windows(15).any(|w| w == b"GPS-35.6895N139"), "the fixture carries a position");
        let mut r = ImageReader::new(Cursor::new(&input)).with_guessed_format().unwrap().into_decoder().unwrap();
        assert!(r.exif_metadata().unwrap().is_some(), "the fixture's EXIF is readable");
        let (kept, w, h) = normalise(&input).unwrap();
        assert_eq!((w, h), (64, 48));
        assert!(!kept.windows(4).any(|w| w == b"Exif"), "no EXIF block is kept");
        assert!(!kept.windows(3).any(|w| w == b"GPS"), "no position");
        let back = image::load_from_memory(&kept).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }

    #[test]
    fn a_large_photo_is_scaled_down_and_a_png_becomes_a_jpeg() {
        let img = image::RgbImage::from_pixel(3200, 1000, image::Rgb([10, 200, 30]));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let (kept, w, h) = normalise(&png).unwrap();
        assert_eq!((w, h), (MAX_SIDE, 500));
        assert_eq!(image::guess_format(&kept).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn a_picture_of_too_many_pixels_is_refused_before_it_is_decoded() {
        // 10,000 × 6,000 = 60 MP in a PNG of a few KB: its header alone says so.
        let mut bytes = Vec::new();
        {
            let mut e = png::Encoder::new(&mut bytes, 10_000, 6_000);
            e.set_color(png::ColorType::Grayscale);
            let mut w = e.write_header().unwrap();
            w.write_image_data(&vec![0u8; 10_000 * 6_000]).unwrap();
            w.finish().unwrap();
        }
        assert!(bytes.len() < 1_000_000, "a small file: {} bytes", bytes.len());
        let e = normalise(&bytes).unwrap_err().to_string();
        assert!(e.contains("5,000万画素まで"), "{e}");
    }

    #[test]
    fn what_is_not_a_photo_or_too_large_is_refused_in_japanese() {
        for bad in [&b"%PDF-1.7 not a photo"[..], b"", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0][..]] {
            let e = normalise(bad).unwrap_err().to_string();
            assert!(e.contains("JPEG（.jpg）かPNG（.png）"), "{e}");
        }
        let e = normalise(&vec![0u8; MAX_INPUT_BYTES + 1]).unwrap_err().to_string();
        assert!(e.contains("20MBまで"), "{e}");
        // A GIF is a picture, but not one we keep.
        let e = normalise(b"GIF89a\x01\0\x01\0\0\0\0;").unwrap_err().to_string();
        assert!(e.contains("JPEG"), "{e}");
    }
}
