//! Product photos: the upload route (each file streamed to a temporary file, recognised by its
//! content, checked against bombs and damage, stored, then its row, its job and its audit row
//! written in one transaction), the job that renders it at every width, and the staff actions
//! (alt text, order, option value, delete).
use super::photo_files::{self, PhotoError};
pub use crate::catalog::edit::FileOutcome;
use crate::catalog::edit::{PhotoProgress, StaffPhoto};
use crate::error::AppError;
use crate::platform::audit::{self, Actor, Change};
use crate::platform::jobs::{Job, JobError, JobHandler};
use crate::platform::objects::MediaStore;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;

/// The upload route, under the staff gate's prefix.
pub const UPLOAD_ROUTE: &str = "/api/admin/photos/{product_id}";
pub const JOB_KIND: &str = "photo.process";

/// What the upload route and the photo job need.
#[derive(Clone)]
pub struct PhotoState {
    pub pool: PgPool,
    pub store: Arc<dyn MediaStore>,
    pub auth: crate::accounts::ssr::AuthState,
    /// Where uploads are streamed before they are checked (temporary files, removed when done).
    pub staging_dir: std::path::PathBuf,
    pub max_file_bytes: u64,
    pub max_files: usize,
}

fn clean_file_name(name: Option<&str>) -> String {
    let n: String = name.unwrap_or("photo").chars().filter(|c| !c.is_control()).take(80).collect();
    if n.trim().is_empty() { "photo".into() } else { n }
}

/// Streams one multipart file field to a temporary file, refusing it past `max` bytes.
async fn stream_to_disk(field: &mut axum::extract::multipart::Field<'_>, dir: &std::path::Path, max: u64) -> Result<Result<tempfile::TempPath, PhotoError>, AppError> {
    use tokio::io::AsyncWriteExt;
    tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::internal(format!("staging dir: {e}")))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| AppError::internal(format!("staging file: {e}")))?;
    let (file, path) = tmp.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut written = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                written += chunk.len() as u64;
                if written > max {
                    // The rest of this field is skipped by the parser; the partial file goes with `path`.
                    return Ok(Err(PhotoError::FileTooBig(max / (1024 * 1024))));
                }
                file.write_all(&chunk).await.map_err(|e| AppError::internal(format!("staging write: {e}")))?;
            }
            Ok(None) => break,
            Err(e) => return Err(AppError::BadRequest(format!("The upload was cut off: {}", e.body_text()))),
        }
    }
    file.flush().await.map_err(|e| AppError::internal(format!("staging flush: {e}")))?;
    Ok(Ok(path))
}

/// Accepts one checked file: stores the original, then writes its row, its job and its audit row
/// in one transaction (a failure after the store leaves only a file, never a row).
async fn accept(st: &PhotoState, actor: &Actor, product_id: i64, path: &std::path::Path, alt: &str, option: Option<&str>) -> Result<Result<i64, PhotoError>, AppError> {
    let checked = {
        let p = path.to_owned();
        tokio::task::spawn_blocking(move || photo_files::check_file(&p)).await.map_err(AppError::internal)?
    };
    let (kind, width, height) = match checked {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let name = uuid::Uuid::new_v4().simple().to_string();
    let ext = match kind {
        photo_files::Kind::Jpeg => "jpg",
        photo_files::Kind::Png => "png",
        photo_files::Kind::Webp => "webp",
    };
    let original = format!("originals/{product_id}/{name}.{ext}");
    st.store.put_file(&original, path, "application/octet-stream").await.map_err(AppError::internal)?;
    let mut tx = st.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height, status, formats, option_value, original_key) \
         VALUES ($1, (SELECT coalesce(max(position) + 1, 0) FROM product_images WHERE product_id = $1), $2, $3, '{}', $4, $5, \
                 'pending', '{webp,jpg}', $6, $7) RETURNING id",
    )
    .bind(product_id)
    .bind(alt)
    .bind(format!("products/{product_id}/{name}"))
    .bind(width as i32)
    .bind(height as i32)
    .bind(option)
    .bind(&original)
    .fetch_one(&mut *tx)
    .await?;
    crate::platform::jobs::enqueue(&mut tx, JOB_KIND, serde_json::json!({ "image_id": id }), Some(&format!("{JOB_KIND}:{id}"))).await?;
    let after = serde_json::json!({ "alt": alt, "option_value": option, "width": width, "height": height });
    audit::record(&mut tx, actor, Change { entity: "photo", entity_id: id.to_string(), action: "photo.upload", before: None, after: Some(after) }).await?;
    sqlx::query("UPDATE products SET updated_at = now() WHERE id = $1").bind(product_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// A photo's option must be one of the product's first-axis values (a metal, a platform), or none.
async fn check_option(conn: &mut PgConnection, product_id: i64, option: Option<&str>) -> Result<(), AppError> {
    let Some(v) = option else { return Ok(()) };
    let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM product_option_values WHERE product_id = $1 AND axis = 0 AND value = $2)")
        .bind(product_id)
        .bind(v)
        .fetch_one(conn)
        .await?;
    if known {
        Ok(())
    } else {
        Err(AppError::Field { field: "option_value".into(), message: "Choose one of this product's options.".into() })
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

/// `POST /api/admin/photos/{product_id}` (multipart: `alt`, optional `option_value`, then one or
/// more `photos` files). Answers JSON to the page's script and a redirect with a notice to a form.
pub async fn upload(State(st): State<PhotoState>, Path(product_id): Path<i64>, req: axum::extract::Request) -> Response {
    use axum::extract::FromRequest;
    let ip = crate::platform::request::client_ip(req.extensions());
    let Some(session) = req.extensions().get::<tower_sessions::Session>().cloned() else {
        return (StatusCode::FORBIDDEN, axum::Json(AppError::Forbidden)).into_response();
    };
    let headers = req.headers().clone();
    let multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(e) => return (StatusCode::BAD_REQUEST, axum::Json(AppError::BadRequest(e.body_text()))).into_response(),
    };
    let json = wants_json(&headers);
    let back = format!("/admin/products/{product_id}#photos");
    let result = upload_files(&st, product_id, &ip, &session, multipart).await;
    let (status, body, notice) = match result {
        Ok(outcomes) => {
            let ok = outcomes.iter().filter(|o| o.id.is_some()).count();
            let refused: Vec<String> = outcomes.iter().filter_map(|o| o.error.as_ref().map(|e| format!("{} {e}", o.file))).collect();
            let mut text = format!("{ok} photo{} uploaded: {} being prepared.", if ok == 1 { "" } else { "s" }, if ok == 1 { "it is" } else { "they are" });
            if !refused.is_empty() {
                text.push_str(&format!(" Refused: {}", refused.join(" ")));
            }
            (StatusCode::OK, serde_json::to_value(&outcomes).unwrap_or_default(), text)
        }
        Err(e) => {
            e.log();
            (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST), serde_json::to_value(&e).unwrap_or_default(), e.to_string())
        }
    };
    if json {
        return (status, axum::Json(body)).into_response();
    }
    if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
        return (status, notice).into_response();
    }
    let _ = crate::platform::request::notice(&session, &notice).await;
    (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response()
}

async fn upload_files(st: &PhotoState, product_id: i64, ip: &str, session: &tower_sessions::Session, mut multipart: Multipart) -> Result<Vec<FileOutcome>, AppError> {
    let admin = st.auth.accounts(&st.pool, session, ip).require_admin().await?;
    let actor = Actor { user_id: Some(admin.user_id), email: admin.identity.email.clone(), ip: Some(ip.to_owned()) };
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM products WHERE id = $1)").bind(product_id).fetch_one(&st.pool).await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let mut alt = String::new();
    let mut option: Option<String> = None;
    let mut staged: Vec<(String, Result<tempfile::TempPath, PhotoError>)> = Vec::new();
    let cut = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(format!("The upload could not be read: {}", e.body_text()));
    while let Some(mut field) = multipart.next_field().await.map_err(cut)? {
        match field.name().unwrap_or_default() {
            "alt" => alt = field.text().await.map_err(cut)?.trim().chars().take(300).collect(),
            "option_value" => option = Some(field.text().await.map_err(cut)?.trim().to_owned()).filter(|v| !v.is_empty()),
            "photos" => {
                let file = clean_file_name(field.file_name());
                if field.file_name().is_some_and(str::is_empty) {
                    continue; // the empty file input of a form sent with no file chosen
                }
                if staged.len() >= st.max_files {
                    return Err(AppError::BadRequest(format!("At most {} photos at once.", st.max_files)));
                }
                let r = stream_to_disk(&mut field, &st.staging_dir, st.max_file_bytes).await?;
                staged.push((file, r));
            }
            _ => {}
        }
    }
    if staged.is_empty() {
        return Err(AppError::Field { field: "photos".into(), message: "Choose at least one photo.".into() });
    }
    if alt.is_empty() || alt.chars().any(char::is_control) {
        return Err(AppError::Field { field: "alt".into(), message: "Describe the photo for people who cannot see it (alt text).".into() });
    }
    check_option(&mut *st.pool.acquire().await?, product_id, option.as_deref()).await?;
    let mut out = Vec::new();
    for (file, staged) in staged {
        let r = match staged {
            Ok(path) => accept(st, &actor, product_id, &path, &alt, option.as_deref()).await?,
            Err(e) => Err(e),
        };
        match r {
            Ok(id) => {
                tracing::info!(product = product_id, photo = id, %file, "photo uploaded by staff");
                out.push(FileOutcome { file, id: Some(id), error: None });
            }
            Err(e) => {
                tracing::info!(product = product_id, %file, error = %e, "photo refused");
                out.push(FileOutcome { file, id: None, error: Some(e.to_string()) });
            }
        }
    }
    Ok(out)
}

/// Renders uploaded photos (the photo lane of the job queue).
pub struct PhotoJobs {
    pub pool: PgPool,
    pub store: Arc<dyn MediaStore>,
}

async fn set_progress(pool: &PgPool, id: i64, status: &str, progress: i32) -> Result<(), sqlx::Error> {
    // On the pool, not the job's transaction: the editor sees progress while the job runs.
    sqlx::query("UPDATE product_images SET status = $2, progress = $3 WHERE id = $1")
        .bind(id)
        .bind(status)
        .bind(progress)
        .execute(pool)
        .await
        .map(|_| ())
}

#[async_trait::async_trait]
impl JobHandler for PhotoJobs {
    #[tracing::instrument(name = "job", skip_all, err, fields(id = job.id, kind = %job.kind, attempt = job.attempts + 1))]
    async fn handle(&self, conn: &mut PgConnection, job: &Job) -> Result<(), JobError> {
        if job.kind != JOB_KIND {
            return Err(JobError::UnknownKind(job.kind.clone()));
        }
        let id = job.payload.get("image_id").and_then(|v| v.as_i64()).ok_or(JobError::Payload { job: job.id, what: "image_id".into() })?;
        let row: Option<(String, Option<String>, String)> =
            // No row lock: progress is written on other connections meanwhile (the job row's own
            // lock already keeps a second worker away).
            sqlx::query_as("SELECT path_prefix, original_key, status FROM product_images WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((prefix, Some(original), status)) = row else { return Ok(()) }; // deleted meanwhile
        if status == "ready" {
            return Ok(());
        }
        set_progress(&self.pool, id, "processing", 1).await?;
        let bytes = self.store.get(&original).await.map_err(JobError::failed)?;
        let img = match tokio::task::spawn_blocking(move || photo_files::decode_upright(&bytes)).await.map_err(JobError::failed)? {
            Ok(img) => img,
            Err(e) => {
                sqlx::query("UPDATE product_images SET status = 'failed', error = $2 WHERE id = $1").bind(id).bind(e.to_string()).execute(&mut *conn).await?;
                return Ok(());
            }
        };
        let img = Arc::new(img);
        let widths = photo_files::widths_for(img.width());
        for (i, w) in widths.iter().copied().enumerate() {
            let source = img.clone();
            let r = tokio::task::spawn_blocking(move || photo_files::render(&source, w)).await.map_err(JobError::failed)?.map_err(JobError::failed)?;
            self.store.put(&format!("{prefix}-{w}.webp"), r.webp, "image/webp").await.map_err(JobError::failed)?;
            self.store.put(&format!("{prefix}-{w}.jpg"), r.jpeg, "image/jpeg").await.map_err(JobError::failed)?;
            set_progress(&self.pool, id, "processing", ((i + 1) * 99 / widths.len()) as i32).await?;
        }
        let widths: Vec<i32> = widths.iter().map(|w| *w as i32).collect();
        sqlx::query(
            "UPDATE product_images SET status = 'ready', progress = 100, widths = $2, width = $3, height = $4, original_key = NULL, error = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .bind(&widths)
        .bind(img.width() as i32)
        .bind(img.height() as i32)
        .execute(&mut *conn)
        .await?;
        // The original may carry GPS and camera data: it goes once the clean copies exist.
        self.store.delete(&original).await.map_err(JobError::failed)?;
        Ok(())
    }
}

/// A product's photos, in order, for its editor.
pub async fn list(pool: &PgPool, product_id: i64) -> Result<Vec<StaffPhoto>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Vec<i32>, Vec<String>, String, Option<String>, i32, Option<String>)> = sqlx::query_as(
        "SELECT id, alt, path_prefix, widths, formats, status, option_value, progress, error FROM product_images \
         WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(product_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, alt, prefix, widths, formats, status, option_value, progress, error)| StaffPhoto {
            id,
            alt,
            thumb: widths.iter().min().map(|w| format!("{}/{prefix}-{w}.{}", super::media_base(), formats.last().map_or("jpg", String::as_str))),
            status,
            option_value,
            progress,
            error,
        })
        .collect())
}

fn change(id: i64, action: &'static str, before: serde_json::Value, after: Option<serde_json::Value>) -> Change<'static> {
    Change { entity: "photo", entity_id: id.to_string(), action, before: Some(before), after }
}

/// Edits a photo's alt text and option value.
pub async fn update(pool: &PgPool, actor: &Actor, product_id: i64, id: i64, alt: &str, option: Option<&str>) -> Result<(), AppError> {
    let alt = alt.trim();
    if alt.is_empty() || alt.chars().count() > 300 || alt.chars().any(char::is_control) {
        return Err(AppError::Field { field: "alt".into(), message: "Alt text: 1 to 300 characters describing the photo.".into() });
    }
    let mut tx = pool.begin().await?;
    let before: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT alt, option_value FROM product_images WHERE id = $1 AND product_id = $2 FOR UPDATE")
            .bind(id)
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (b_alt, b_opt) = before.ok_or(AppError::NotFound)?;
    check_option(&mut tx, product_id, option).await?;
    sqlx::query("UPDATE product_images SET alt = $2, option_value = $3 WHERE id = $1").bind(id).bind(alt).bind(option).execute(&mut *tx).await?;
    let after = serde_json::json!({ "alt": alt, "option_value": option });
    audit::record(&mut tx, actor, change(id, "photo.update", serde_json::json!({ "alt": b_alt, "option_value": b_opt }), Some(after))).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a photo `by` places (-1: up one; a drag may move it further), renumbering the others.
pub async fn move_photo(pool: &PgPool, actor: &Actor, product_id: i64, id: i64, by: i32) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT 1 FROM products WHERE id = $1 FOR UPDATE").bind(product_id).execute(&mut *tx).await?;
    let mut order: Vec<(i64, i32)> = sqlx::query_as("SELECT id, position FROM product_images WHERE product_id = $1 ORDER BY position, id")
        .bind(product_id)
        .fetch_all(&mut *tx)
        .await?;
    let at = order.iter().position(|(i, _)| *i == id).ok_or(AppError::NotFound)?;
    let to = (at as i64 + by as i64).clamp(0, order.len() as i64 - 1) as usize;
    if to == at {
        return Ok(());
    }
    let moved = order.remove(at);
    order.insert(to, moved);
    // The (product, position) key is checked at commit, so positions may pass through duplicates.
    for (new, (photo, old)) in order.iter().enumerate() {
        if *old != new as i32 {
            sqlx::query("UPDATE product_images SET position = $2 WHERE id = $1").bind(photo).bind(new as i32).execute(&mut *tx).await?;
        }
    }
    let change = change(id, "photo.move", serde_json::json!({ "place": at + 1 }), Some(serde_json::json!({ "place": to + 1 })));
    audit::record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// How far each of a product's photos is prepared.
pub async fn progress(pool: &PgPool, product_id: i64) -> Result<Vec<PhotoProgress>, sqlx::Error> {
    let rows: Vec<(i64, String, i32)> = sqlx::query_as("SELECT id, status, progress FROM product_images WHERE product_id = $1 ORDER BY position, id")
        .bind(product_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(id, status, progress)| PhotoProgress { id, status, progress }).collect())
}

/// Deletes a photo: its row and audit row together, then its files.
pub async fn delete(pool: &PgPool, store: &dyn MediaStore, actor: &Actor, product_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row: Option<(String, Vec<i32>, Vec<String>, Option<String>, String)> = sqlx::query_as(
        "DELETE FROM product_images WHERE id = $1 AND product_id = $2 RETURNING path_prefix, widths, formats, original_key, alt",
    )
    .bind(id)
    .bind(product_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (prefix, widths, formats, original, alt) = row.ok_or(AppError::NotFound)?;
    let before = serde_json::json!({ "alt": alt, "path_prefix": prefix, "product_id": product_id });
    audit::record(&mut tx, actor, change(id, "photo.delete", before, None)).await?;
    tx.commit().await?;
    // Files after the commit: a failure here leaves files without a row (swept later), never a row
    // without files.
    for w in &widths {
        for f in &formats {
            if let Err(e) = store.delete(&format!("{prefix}-{w}.{f}")).await {
                tracing::warn!(error = %e, "photo file not deleted");
            }
        }
    }
    if let Some(o) = original {
        let _ = store.delete(&o).await;
    }
    Ok(())
}

/// Whether a stored key is still wanted: an original waiting for its job, or a rendition of a
/// photo that has a row (`products/<product>/<name>-<width>.<format>`).
fn is_live(key: &str, prefixes: &std::collections::HashSet<String>, originals: &std::collections::HashSet<String>) -> bool {
    if originals.contains(key) {
        return true;
    }
    let Some((dir, file)) = key.rsplit_once('/') else { return false };
    !file.contains(".tmp-") && file.split_once('-').is_some_and(|(name, _)| prefixes.contains(&format!("{dir}/{name}")))
}

/// Staff uploads live under `originals/<product id>/` and `products/<product id>/` (the demo's
/// pictures sit directly in `products/` and are never touched).
fn is_upload_key(key: &str) -> bool {
    let mut parts = key.split('/');
    matches!((parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("originals" | "products"), Some(id), Some(_), None) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes uploaded files that no photo row wants any more (a crash between storing a file and
/// writing its row, a delete whose file removal failed), once older than `grace` so an upload in
/// flight is never touched. Returns how many files went.
pub async fn sweep_orphans(pool: &PgPool, store: &dyn MediaStore, grace: std::time::Duration) -> Result<usize, AppError> {
    // Listed before the rows are read: a file written after this listing is not considered.
    let mut keys = store.list("originals").await.map_err(AppError::internal)?;
    keys.extend(store.list("products").await.map_err(AppError::internal)?);
    let rows: Vec<(String, Option<String>)> = sqlx::query_as("SELECT path_prefix, original_key FROM product_images").fetch_all(pool).await?;
    let prefixes = rows.iter().map(|(p, _)| p.clone()).collect();
    let originals = rows.into_iter().filter_map(|(_, o)| o).collect();
    let cutoff = std::time::SystemTime::now() - grace;
    let mut removed = 0;
    for (key, at) in keys {
        if at < cutoff && is_upload_key(&key) && !is_live(&key, &prefixes, &originals) {
            store.delete(&key).await.map_err(AppError::internal)?;
            removed += 1;
        }
    }
    Ok(removed)
}
