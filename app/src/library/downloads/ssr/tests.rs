//! Downloads: both stores mint links that work until they expire and not once altered; builds and
//! the per-purchase download log on a real database.
use super::builds::{add_build, start_download, BuildError, DownloadError, RateLimit};
use super::local::{Link, LocalStore};
use super::s3::{S3Settings, S3Store};
use super::store::{check_key, ObjectStore};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// 300 KB that are not all alike (a range of it is recognisable).
fn payload() -> Vec<u8> {
    (0..300_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect()
}

fn local_router(store: Arc<LocalStore>) -> axum::Router {
    axum::Router::new().route("/files/{*key}", axum::routing::get(super::local::serve)).with_state(store)
}

async fn get(router: &axum::Router, uri: &str, range: Option<&str>) -> (u16, http::HeaderMap, Vec<u8>) {
    let mut req = http::Request::get(uri);
    if let Some(r) = range {
        req = req.header(http::header::RANGE, r);
    }
    let res = router.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
    (status, headers, body)
}

#[test]
fn object_keys_cannot_leave_the_store() {
    for bad in ["", "../etc/passwd", "builds/../../x", "/abs", "builds//x", "Builds/X", "builds/.hidden", "a b"] {
        assert!(check_key(bad).is_err(), "{bad:?} accepted");
    }
    check_key("builds/12/0f3a9c.bin").unwrap();
}

#[tokio::test]
async fn local_links_work_until_they_expire_resume_with_ranges_and_refuse_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(LocalStore::new(dir.path().to_path_buf(), b"local-signing-secret-for-tests-0123".to_vec()));
    let data = payload();
    store.put("builds/7/abc", data.clone()).await.unwrap();
    let router = local_router(store.clone());

    let url = store.signed_url("builds/7/abc", "Nebula Drift 1.1.0.bin", Duration::from_secs(60)).await.unwrap();
    assert!(url.starts_with("/files/builds/7/abc?"), "{url}");
    let (status, headers, body) = get(&router, &url, None).await;
    assert_eq!(status, 200);
    assert_eq!(body, data);
    assert_eq!(headers["content-disposition"], "attachment; filename=\"Nebula_Drift_1.1.0.bin\"");
    assert_eq!(headers["cache-control"], "private, no-store");
    assert_eq!(headers["accept-ranges"], "bytes");

    // Resuming: the rest of the file from byte 100000.
    let (status, headers, body) = get(&router, &url, Some("bytes=100000-")).await;
    assert_eq!(status, 206);
    assert_eq!(headers["content-range"], "bytes 100000-299999/300000");
    assert_eq!(body, data[100_000..]);

    // One second past its expiry the same kind of link is refused.
    let expired = store.link("builds/7/abc", "x.bin", now() - 1);
    let (status, _, body) = get(&router, &expired, None).await;
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("expired"));

    // Any change to the key, the name, the expiry or the signature breaks it.
    let exp = now() + 60;
    let good = store.link("builds/7/abc", "x.bin", exp);
    store.put("builds/7/abd", b"other".to_vec()).await.unwrap();
    let sig = good.rsplit_once("sig=").unwrap().1.to_owned();
    let mut flipped = sig.clone().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    for tampered in [
        good.replace("builds/7/abc", "builds/7/abd"),
        good.replace("name=x.bin", "name=y.bin"),
        good.replace(&format!("exp={exp}"), &format!("exp={}", exp + 3600)),
        good.replace(&sig, &String::from_utf8(flipped).unwrap()),
        good.split_once('?').unwrap().0.to_owned(),
    ] {
        let (status, _, _) = get(&router, &tampered, None).await;
        assert_eq!(status, 403, "{tampered}");
    }
    // Another secret's links do not open this store's files.
    let other = LocalStore::new(dir.path().to_path_buf(), b"another-secret-another-secret-0000".to_vec());
    assert_eq!(get(&router, &other.link("builds/7/abc", "x.bin", exp), None).await.0, 403);
    // A valid link to a missing file is a 404, not someone else's file.
    assert_eq!(get(&router, &store.link("builds/7/gone", "x.bin", exp), None).await.0, 404);
    assert!(store.verify("builds/7/abc", &Link { name: "x.bin".into(), exp, sig }, now()).is_ok());
}

use crate::platform::objects::s3_emulator;

fn s3_settings(endpoint: &str, secret: &str) -> S3Settings {
    S3Settings {
        bucket: "game-builds".into(),
        region: "us-east-1".into(),
        endpoint_url: Some(endpoint.into()),
        force_path_style: true,
        access_key_id: Some("test-access-key".into()),
        secret_access_key: Some(secret.into()),
    }
}

#[tokio::test]
async fn s3_presigned_links_work_until_they_expire_and_refuse_tampering() {
    let (endpoint, _root) = s3_emulator().await;
    let store = S3Store::new(s3_settings(&endpoint, "test-secret-key"));
    store.ensure_bucket().await.unwrap();
    let data = payload();
    store.put("builds/7/abc", data.clone()).await.unwrap();
    assert_eq!(store.link_origin().as_deref(), Some(endpoint.as_str()));
    let http = reqwest::Client::new();

    let url = store.signed_url("builds/7/abc", "nebula.bin", Duration::from_secs(60)).await.unwrap();
    assert!(url.starts_with(&format!("{endpoint}/game-builds/builds/7/abc?")), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let res = http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), data);
    // Ranges work against S3 too.
    let res = http.get(&url).header("range", "bytes=299990-").send().await.unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.unwrap().to_vec(), data[299_990..]);

    // Tampered: another object, another expiry, another signature.
    store.put("builds/7/abd", b"other".to_vec()).await.unwrap();
    let sig = url.rsplit_once("X-Amz-Signature=").unwrap().1.to_owned();
    let flipped: String = sig.chars().rev().collect();
    for tampered in [
        url.replace("builds/7/abc", "builds/7/abd"),
        url.replace("X-Amz-Expires=60", "X-Amz-Expires=600"),
        url.replace(&sig, &flipped),
    ] {
        let res = http.get(&tampered).send().await.unwrap();
        assert_eq!(res.status(), 403, "{tampered}");
    }
    // Signed with the wrong secret: refused.
    let wrong = S3Store::new(s3_settings(&endpoint, "not-the-secret-key"));
    let res = http.get(wrong.signed_url("builds/7/abc", "n.bin", Duration::from_secs(60)).await.unwrap()).send().await.unwrap();
    assert_eq!(res.status(), 403);

    // Expired: a one-second link, two seconds later.
    let short = store.signed_url("builds/7/abc", "nebula.bin", Duration::from_secs(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let res = http.get(&short).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("expired"));
}

/// The same store against moto, the emulator the test command starts for Cognito: uploads and
/// pre-signed GETs (with the download name) work there too. moto checks no signatures, so expiry and
/// tampering are proven against s3s-fs above.
#[tokio::test]
async fn s3_store_uploads_and_links_work_against_moto() {
    let Some(url) = crate::accounts::ssr::tests::moto_url() else { return };
    let mut settings = s3_settings(&url, "test");
    settings.bucket = format!("builds-{}", uuid::Uuid::new_v4().simple());
    settings.access_key_id = Some("test".into());
    let store = S3Store::new(settings);
    store.ensure_bucket().await.unwrap();
    let data = payload();
    store.put("builds/9/moto", data.clone()).await.unwrap();
    let link = store.signed_url("builds/9/moto", "Nebula 2.0.bin", Duration::from_secs(60)).await.unwrap();
    let res = reqwest::get(&link).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"Nebula_2.0.bin\"");
    assert_eq!(res.bytes().await.unwrap().to_vec(), data);
}

#[sqlx::test(migrations = "../migrations")]
async fn builds_are_checked_and_owners_get_the_newest(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::new(dir.path().to_path_buf(), b"local-signing-secret-for-tests-0123".to_vec());
    let v = crate::library::keys::ssr::tests::game(&pool, 0, "games").await;
    let product: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(v).fetch_one(&pool).await.unwrap();
    let add = |version: &'static str, bytes: Vec<u8>| {
        let (pool, store) = (pool.clone(), &store);
        async move { add_build(&pool, store, product, version, "notes", "game.bin", bytes).await }
    };
    assert!(matches!(add("1.0 beta", b"x".to_vec()).await, Err(BuildError::BadVersion)));
    assert!(matches!(add("1.0.0", Vec::new()).await, Err(BuildError::Empty)));
    add("1.0.0", b"first".to_vec()).await.unwrap();
    assert!(matches!(add("1.0.0", b"again".to_vec()).await, Err(BuildError::DuplicateVersion(_))));
    let ring = crate::library::keys::ssr::tests::game(&pool, 1, "jewelry").await;
    let ring_product: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(ring).fetch_one(&pool).await.unwrap();
    assert!(matches!(add_build(&pool, &store, ring_product, "1.0.0", "", "r.bin", b"x".to_vec()).await, Err(BuildError::NotAGame)));

    // A bought key; a newer build arrives after the purchase: the owner gets the newer one.
    let c = crate::library::keys::ssr::tests::cipher();
    crate::library::keys::ssr::pool::import(&pool, &c, v, &["DLKEY-AAAAA-BBBBB".into()]).await.unwrap();
    let order = crate::library::keys::ssr::tests::paid_order(&pool, v, 1).await;
    let mut conn = pool.acquire().await.unwrap();
    crate::library::keys::ssr::pool::assign_for_order(&mut conn, order).await.unwrap();
    let key_id: i64 = sqlx::query_scalar("SELECT id FROM license_keys WHERE order_id = $1").bind(order).fetch_one(&pool).await.unwrap();
    add("1.1.0", b"second build".to_vec()).await.unwrap();
    let limit = RateLimit { max: 3, window: Duration::from_secs(3600) };
    let grant = start_download(&pool, key_id, None, "203.0.113.9", limit).await.unwrap();
    assert_eq!(grant.file_name, "game.bin");
    let stored = std::fs::read(dir.path().join(&grant.object_key)).unwrap();
    assert_eq!(stored, b"second build");
    let sha: Vec<u8> = sqlx::query_scalar("SELECT sha256 FROM builds WHERE object_key = $1").bind(&grant.object_key).fetch_one(&pool).await.unwrap();
    use sha2::Digest;
    assert_eq!(sha, sha2::Sha256::digest(b"second build").to_vec());

    // The library shows the newest build and counts the download.
    let lib = crate::library::keys::ssr::pool::library(&pool, &c, None, &[order]).await.unwrap();
    let build = lib[0].build.as_ref().unwrap();
    assert_eq!((build.version.as_str(), build.size_bytes, lib[0].downloads), ("1.1.0", 12, 1));
}

/// Eight clicks at once with a limit of three: exactly three links, the rest told when to retry;
/// the log keeps who and from where. A game without builds has nothing to download.
#[sqlx::test(migrations = "../migrations")]
async fn the_download_limit_holds_under_concurrent_clicks(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::new(dir.path().to_path_buf(), b"local-signing-secret-for-tests-0123".to_vec());
    let v = crate::library::keys::ssr::tests::game(&pool, 0, "games").await;
    let c = crate::library::keys::ssr::tests::cipher();
    crate::library::keys::ssr::pool::import(&pool, &c, v, &["LIMIT-AAAAA-BBBBB".into()]).await.unwrap();
    let order = crate::library::keys::ssr::tests::paid_order(&pool, v, 1).await;
    let mut conn = pool.acquire().await.unwrap();
    crate::library::keys::ssr::pool::assign_for_order(&mut conn, order).await.unwrap();
    let key_id: i64 = sqlx::query_scalar("SELECT id FROM license_keys WHERE order_id = $1").bind(order).fetch_one(&pool).await.unwrap();
    let limit = RateLimit { max: 3, window: Duration::from_secs(600) };
    assert!(matches!(start_download(&pool, key_id, None, "203.0.113.9", limit).await, Err(DownloadError::NoBuild)));

    let product: i64 = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1").bind(v).fetch_one(&pool).await.unwrap();
    add_build(&pool, &store, product, "2.0.0", "", "g.bin", b"bytes".to_vec()).await.unwrap();
    let clicks: Vec<_> = (0..8)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { start_download(&pool, key_id, None, "203.0.113.9", limit).await })
        })
        .collect();
    let (mut ok, mut limited) = (0, 0);
    for c in clicks {
        match c.await.unwrap() {
            Ok(_) => ok += 1,
            Err(DownloadError::RateLimited(secs)) => {
                assert!((590..=600).contains(&secs), "retry in {secs}");
                limited += 1
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, limited), (3, 5));
    let logged: (i64, String) = sqlx::query_as("SELECT count(*), min(host(ip)) FROM downloads WHERE key_id = $1")
        .bind(key_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(logged, (3, "203.0.113.9".to_owned()));
}
