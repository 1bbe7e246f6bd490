//! The staff catalog on a real database: saving with versions, the sparse matrix, archived
//! variants, price history and the 30-day lowest price, stock adjustments.
use super::staff::{self, CellInput, Line, Saved};
use super::tests::categories;
use crate::catalog::edit::{validate, ProductDraft};
use crate::catalog::model::{Department, ProductStatus};
use crate::error::AppError;
use crate::platform::audit::Actor;
use crate::types::Money;
use sqlx::PgPool;

fn owner() -> Actor {
    Actor { user_id: None, email: "owner@example.com".into(), ip: Some("198.51.100.4".into()) }
}

fn ring_draft(category: i64, name: &str) -> ProductDraft {
    ProductDraft {
        name: name.into(),
        department: "jewelry".into(),
        category_id: category.to_string(),
        summary: "A ring.".into(),
        description: "Made by hand.\n<b>not bold</b>".into(),
        finish: "Polished".into(),
        stone: "Sapphire".into(),
        carat: "1.2".into(),
        keywords: "engagement".into(),
        ..Default::default()
    }
}

async fn create(pool: &PgPool, draft: &ProductDraft) -> Result<i64, AppError> {
    let input = validate(draft, None)?;
    staff::create(pool, &owner(), &input, draft).await
}

async fn save(pool: &PgPool, id: i64, version: i32, draft: &ProductDraft) -> Result<Saved, AppError> {
    let input = validate(draft, Some(Department::Jewelry))?;
    staff::update(pool, &owner(), id, version, &input).await
}

fn cell(row: &str, col: &str, sku: &str, price: i64, stock: i32) -> CellInput {
    CellInput {
        row: row.into(),
        col: Some(col.into()),
        sku: sku.into(),
        price: Money::eur(price),
        compare_at: None,
        low_stock_threshold: 2,
        initial_stock: stock,
    }
}

/// A 3 metals x 4 sizes ring where platinum has no size 9: 11 variants, each with 2 in stock.
async fn ring_with_matrix(pool: &PgPool, category: i64) -> i64 {
    let id = create(pool, &ring_draft(category, "Ceylon Halo Ring")).await.unwrap();
    for metal in ["Yellow gold", "Platinum", "Rose gold"] {
        staff::add_option_value(pool, &owner(), id, 0, metal).await.unwrap();
    }
    for size in ["9", "6", "7", "8"] {
        staff::add_option_value(pool, &owner(), id, 1, size).await.unwrap();
    }
    for (m, metal) in ["Yellow gold", "Platinum", "Rose gold"].iter().enumerate() {
        for size in ["6", "7", "8", "9"] {
            if *metal == "Platinum" && size == "9" {
                continue;
            }
            let sku = format!("HALO-{m}-{size}");
            staff::save_cell(pool, &owner(), id, &cell(metal, size, &sku, 120_000 + m as i64 * 10_000, 2)).await.unwrap();
        }
    }
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_product_is_a_draft_with_a_derived_slug_and_a_clash_is_a_field_error(pool: PgPool) {
    let f = categories(&pool).await;
    let id = create(&pool, &ring_draft(f.rings, "Ceylon Halo Ring")).await.unwrap();
    let p = staff::load(&pool, id).await.unwrap().unwrap();
    assert_eq!((p.status, p.slug.as_str(), p.version), (ProductStatus::Draft, "ceylon-halo-ring", 1));
    assert_eq!(p.draft.carat, "1.20");
    assert_eq!(p.draft.description, "Made by hand.\n<b>not bold</b>", "stored as typed; pages escape it");
    // A draft is invisible to shoppers.
    assert!(super::repo::product_by_slug(&pool, "ceylon-halo-ring").await.unwrap().is_none());

    let clash = create(&pool, &ring_draft(f.rings, "Ceylon Halo Ring")).await.unwrap_err();
    assert!(matches!(clash, AppError::Field { ref field, .. } if field == "slug"), "{clash:?}");
    let wrong_department = create(&pool, &ring_draft(f.action, "Other Ring")).await.unwrap_err();
    assert!(matches!(wrong_department, AppError::Field { ref field, .. } if field == "category_id"), "{wrong_department:?}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM products").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "refused forms change nothing");
    let audit: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id").fetch_all(&pool).await.unwrap();
    assert_eq!(audit, ["create"]);
}

/// Two staff open version 1; the first save wins, the second is refused with the product as it
/// is now, and nothing of the second is written.
#[sqlx::test(migrations = "../migrations")]
async fn a_save_from_an_old_version_is_refused_never_silently_overwriting(pool: PgPool) {
    let f = categories(&pool).await;
    let opened = ring_draft(f.rings, "Ceylon Halo Ring");
    let id = create(&pool, &opened).await.unwrap();
    let opened = staff::load(&pool, id).await.unwrap().unwrap().draft;

    let alice = ProductDraft { name: "Ceylon Halo Ring II".into(), ..opened.clone() };
    let bob = ProductDraft { summary: "Bob's summary".into(), ..opened.clone() };
    assert!(matches!(save(&pool, id, 1, &alice).await.unwrap(), Saved::Version(2)));
    match save(&pool, id, 1, &bob).await.unwrap() {
        Saved::Stale { current, version } => {
            assert_eq!(version, 2);
            assert_eq!(current.name, "Ceylon Halo Ring II");
            let (merged, changes) = crate::catalog::edit::merge(&opened, &bob, &current);
            assert_eq!((merged.name.as_str(), merged.summary.as_str()), ("Ceylon Halo Ring II", "Bob's summary"));
            assert_eq!(changes.len(), 1);
            assert_eq!(changes[0].label, "Name");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let p = staff::load(&pool, id).await.unwrap().unwrap();
    assert_eq!((p.draft.summary.as_str(), p.version), ("A ring.", 2), "the stale save wrote nothing");
    // Saving again from the version it was shown goes through.
    assert!(matches!(save(&pool, id, 2, &ProductDraft { summary: "Bob's summary".into(), ..p.draft.clone() }).await.unwrap(), Saved::Version(3)));
    let updates: Vec<(String, String)> = sqlx::query_as(
        "SELECT before->>'summary', after->>'summary' FROM audit_log WHERE action = 'update' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(updates, [("A ring.".to_owned(), "A ring.".to_owned()), ("A ring.".to_owned(), "Bob's summary".to_owned())]);
}

/// Option values alone make nothing; only filled cells are variants; a referenced variant is
/// archived (gone for shoppers, kept for orders), an unreferenced one deleted.
#[sqlx::test(migrations = "../migrations")]
async fn the_matrix_is_sparse_and_referenced_variants_are_archived_not_deleted(pool: PgPool) {
    let f = categories(&pool).await;
    let id = create(&pool, &ring_draft(f.rings, "Bare Ring")).await.unwrap();
    staff::add_option_value(&pool, &owner(), id, 0, "Platinum").await.unwrap();
    staff::add_option_value(&pool, &owner(), id, 1, "7").await.unwrap();
    let variants: i64 = sqlx::query_scalar("SELECT count(*) FROM variants WHERE product_id = $1").bind(id).fetch_one(&pool).await.unwrap();
    assert_eq!(variants, 0, "adding option values creates nothing");
    let dup = staff::add_option_value(&pool, &owner(), id, 0, "Platinum").await.unwrap_err();
    assert!(matches!(dup, AppError::Field { .. }), "{dup:?}");
    let bad_size = staff::add_option_value(&pool, &owner(), id, 1, "7.5").await.unwrap_err();
    assert!(matches!(bad_size, AppError::Field { .. }), "{bad_size:?}");
    let publish = staff::set_status(&pool, &owner(), id, ProductStatus::Active).await.unwrap_err();
    assert!(matches!(publish, AppError::Conflict(_)), "nothing to sell yet: {publish:?}");

    let id = ring_with_matrix(&pool, f.rings).await;
    let m = staff::load(&pool, id).await.unwrap().unwrap().matrix;
    assert_eq!(m.rows, ["Yellow gold", "Platinum", "Rose gold"]);
    assert_eq!(m.cols, ["6", "7", "8", "9"], "ring sizes sort by size");
    assert_eq!(m.cells.len(), 11);
    assert!(m.cell("Platinum", Some("9")).is_none(), "platinum 9 is not made");
    staff::set_status(&pool, &owner(), id, ProductStatus::Active).await.unwrap();
    let page = super::repo::product_by_slug(&pool, "ceylon-halo-ring").await.unwrap().unwrap();
    assert_eq!(page.variants.len(), 11);
    assert!(!page.variants.iter().any(|v| v.options == ["Platinum", "9"]));
    // Search finds it by its metals and keywords.
    let text: String = sqlx::query_scalar("SELECT search_text FROM products WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap();
    for word in ["engagement", "Sapphire", "Platinum", "Rose gold"] {
        assert!(text.contains(word), "{word} in {text:?}");
    }

    // A SKU clash is a field error.
    let clash = staff::save_cell(&pool, &owner(), id, &cell("Platinum", "9", "HALO-0-6", 99_000, 0)).await.unwrap_err();
    assert!(matches!(clash, AppError::Field { ref field, .. } if field == "sku"), "{clash:?}");
    // A cell filled with no stock and referenced by nothing is deleted when emptied…
    let fresh = staff::save_cell(&pool, &owner(), id, &cell("Platinum", "9", "HALO-1-9", 99_000, 0)).await.unwrap();
    assert!(!staff::clear_cell(&pool, &owner(), id, fresh).await.unwrap());
    let gone: i64 = sqlx::query_scalar("SELECT count(*) FROM variants WHERE id = $1").bind(fresh).fetch_one(&pool).await.unwrap();
    assert_eq!(gone, 0);
    // … one with a ledger row (or an order) is archived: shoppers lose it, the row stays.
    let gold6 = staff::load(&pool, id).await.unwrap().unwrap().matrix.cell("Yellow gold", Some("6")).unwrap().variant_id;
    assert!(staff::clear_cell(&pool, &owner(), id, gold6).await.unwrap());
    let page = super::repo::product_by_slug(&pool, "ceylon-halo-ring").await.unwrap().unwrap();
    assert_eq!(page.variants.len(), 10);
    assert!(!page.variants.iter().any(|v| v.id == gold6));
    let cart_add = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM shop_variants WHERE id = $1").bind(gold6).fetch_one(&pool).await.unwrap();
    assert_eq!(cart_add, 0, "the cart and checkout read shop_variants too");
    // Filling the cell again brings the same variant back.
    let back = staff::save_cell(&pool, &owner(), id, &cell("Yellow gold", "6", "HALO-0-6", 120_000, 0)).await.unwrap();
    assert_eq!(back, gold6);

    // Bulk: a row's price, a column's stock.
    assert_eq!(staff::set_line_price(&pool, &owner(), id, &Line::Row("Rose gold".into()), Money::eur(150_000)).await.unwrap(), 4);
    assert_eq!(staff::set_line_stock(&pool, &owner(), id, &Line::Col("7".into()), 5).await.unwrap(), 3);
    let m = staff::load(&pool, id).await.unwrap().unwrap().matrix;
    assert!(m.cells.iter().filter(|c| c.row == "Rose gold").all(|c| c.price.minor == 150_000));
    assert!(m.cells.iter().filter(|c| c.col.as_deref() == Some("7")).all(|c| c.stock == 5));
    assert!(m.cells.iter().filter(|c| c.col.as_deref() == Some("8")).all(|c| c.stock == 2));
}

/// Every price change is in the history; a compare-at price is shown only with the lowest price of
/// the 30 days before the current price began.
#[sqlx::test(migrations = "../migrations")]
async fn price_history_gives_the_lowest_price_of_the_previous_30_days(pool: PgPool) {
    let f = categories(&pool).await;
    let id = create(&pool, &ring_draft(f.rings, "Sale Ring")).await.unwrap();
    staff::add_option_value(&pool, &owner(), id, 0, "Silver").await.unwrap();
    staff::add_option_value(&pool, &owner(), id, 1, "7").await.unwrap();
    let mut c = cell("Silver", "7", "SALE-7", 10_000, 1);
    let v = staff::save_cell(&pool, &owner(), id, &c).await.unwrap();
    staff::set_status(&pool, &owner(), id, ProductStatus::Active).await.unwrap();
    // History as it would be after some weeks: 100.00 from 60 days ago, 80.00 from 40 days ago,
    // 90.00 from 20 days ago, then today's sale price 70.00 with a compare-at of 100.00.
    sqlx::query("UPDATE price_history SET valid_from = now() - interval '60 days' WHERE variant_id = $1").bind(v).execute(&pool).await.unwrap();
    for (price, days) in [(8_000, 40), (9_000, 20)] {
        sqlx::query("INSERT INTO price_history (variant_id, price_minor, valid_from) VALUES ($1, $2, now() - make_interval(days => $3))")
            .bind(v)
            .bind(price)
            .bind(days)
            .execute(&pool)
            .await
            .unwrap();
    }
    c.price = Money::eur(7_000);
    c.compare_at = Some(Money::eur(10_000));
    staff::save_cell(&pool, &owner(), id, &c).await.unwrap();
    let history: Vec<i64> = sqlx::query_scalar("SELECT price_minor FROM price_history WHERE variant_id = $1 ORDER BY valid_from, id")
        .bind(v)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(history, [10_000, 8_000, 9_000, 7_000], "the trigger recorded the change");
    let page = super::repo::product_by_slug(&pool, "sale-ring").await.unwrap().unwrap();
    let was = page.variants[0].was.clone().unwrap();
    // In effect during the 30 days before today: 80.00 (until 20 days ago) and 90.00.
    assert_eq!((was.compare_at.minor, was.lowest_30_days.minor), (10_000, 8_000));

    // Saving the same price again adds no history; a compare-at at or below the price is refused.
    staff::save_cell(&pool, &owner(), id, &c).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM price_history WHERE variant_id = $1").bind(v).fetch_one(&pool).await.unwrap();
    assert_eq!(n, 4);
    c.compare_at = Some(Money::eur(7_000));
    assert!(matches!(staff::save_cell(&pool, &owner(), id, &c).await, Err(AppError::Field { .. })));
    // No compare-at: no "was" price at all.
    c.compare_at = None;
    staff::save_cell(&pool, &owner(), id, &c).await.unwrap();
    let page = super::repo::product_by_slug(&pool, "sale-ring").await.unwrap().unwrap();
    assert!(page.variants[0].was.is_none());
    // A brand-new price with no earlier one: the lowest is the price itself.
    let fresh: Option<i64> = sqlx::query_scalar("SELECT lowest_prior_price(-1)").fetch_one(&pool).await.unwrap();
    assert_eq!(fresh, None);
}

/// Adjustments carry a reason code, write their ledger row and audit row, and never take stock
/// below zero; keyed stock is refused.
#[sqlx::test(migrations = "../migrations")]
async fn stock_adjustments_follow_their_reason_codes_and_stay_at_or_above_zero(pool: PgPool) {
    let f = categories(&pool).await;
    let id = ring_with_matrix(&pool, f.rings).await;
    let v = staff::load(&pool, id).await.unwrap().unwrap().matrix.cell("Platinum", Some("7")).unwrap().variant_id;
    assert_eq!(staff::adjust_stock(&pool, &owner(), id, v, 5, "received", "PO 1138").await.unwrap(), 7);
    assert_eq!(staff::adjust_stock(&pool, &owner(), id, v, -1, "damaged", "").await.unwrap(), 6);
    for (delta, reason, field) in [(-7, "correction", "delta"), (3, "damaged", "delta"), (-1, "received", "delta"), (0, "correction", "delta"), (1, "gift", "reason")] {
        let e = staff::adjust_stock(&pool, &owner(), id, v, delta, reason, "").await.unwrap_err();
        assert!(matches!(e, AppError::Field { field: ref f, .. } if f == field), "{delta} {reason}: {e:?}");
    }
    let other = staff::adjust_stock(&pool, &owner(), id + 1, v, 1, "received", "").await.unwrap_err();
    assert_eq!(other, AppError::NotFound, "a variant of another product");
    let stock: i32 = sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1").bind(v).fetch_one(&pool).await.unwrap();
    let ledger: i64 = sqlx::query_scalar("SELECT sum(delta) FROM stock_ledger WHERE variant_id = $1").bind(v).fetch_one(&pool).await.unwrap();
    assert_eq!((stock, ledger), (6, 6), "initial stock 2 + 5 - 1, all in the ledger");
    let p = staff::load(&pool, id).await.unwrap().unwrap();
    assert_eq!(p.ledger[0].delta, -1);
    assert_eq!(p.ledger[0].reason, "Damaged");
    assert_eq!(p.ledger[1].note, "PO 1138");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'stock.adjust'").fetch_one(&pool).await.unwrap();
    assert_eq!(audited, 2);
    sqlx::query("UPDATE variants SET keyed = true WHERE id = $1").bind(v).execute(&pool).await.unwrap();
    let keyed = staff::adjust_stock(&pool, &owner(), id, v, 1, "received", "").await.unwrap_err();
    assert!(matches!(keyed, AppError::Conflict(_)), "{keyed:?}");
}

/// The staff list filters by text (name, slug or SKU), department, status and low stock.
#[sqlx::test(migrations = "../migrations")]
async fn the_staff_list_filters_and_pages(pool: PgPool) {
    use crate::catalog::edit::StaffFilter;
    let f = categories(&pool).await;
    let ring = ring_with_matrix(&pool, f.rings).await;
    let game = super::tests::game(&pool, f.rpg, "Quiet Vault", "RPG", 1, &[("PC", "Standard", 1999, 30)]).await;
    let list = |q: &str| {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
        let pool = pool.clone();
        async move { staff::list(&pool, &StaffFilter::from_pairs(&pairs)).await.unwrap() }
    };
    let ids = |l: crate::catalog::edit::StaffProductList| l.rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(list("").await), [game, ring], "most recently changed first");
    assert_eq!(ids(list("q=halo").await), [ring]);
    assert_eq!(ids(list("q=halo-2-8").await), [ring], "by SKU");
    assert_eq!(ids(list("department=games").await), [game]);
    assert_eq!(ids(list("status=draft").await), [ring]);
    assert_eq!(ids(list(&format!("category={}", f.games)).await), [game], "a parent category includes its children");
    assert_eq!(ids(list("low_stock=1").await), [ring], "2 in stock with a threshold of 2");
    assert_eq!(ids(list("q=%25").await), Vec::<i64>::new(), "LIKE wildcards are literal");
    let all = list("").await;
    assert_eq!(all.total, 2);
    let r = all.rows.iter().find(|r| r.id == ring).unwrap();
    assert_eq!((r.variants, r.stock, r.low_stock, r.price_min.map(|m| m.minor)), (11, 22, 11, Some(120_000)));
    assert_eq!(list("page=2").await.rows.len(), 0);
}

/// The editable grid sends its changed cells together: one refused cell (here a SKU used twice)
/// saves none of them and names that cell; fixed, they are saved in one go.
#[sqlx::test(migrations = "../migrations")]
async fn the_grid_saves_its_changes_together_or_not_at_all(pool: PgPool) {
    let f = categories(&pool).await;
    let id = ring_with_matrix(&pool, f.rings).await;
    let price_of = |m: &crate::catalog::edit::Matrix, row: &str, col: &str| m.cell(row, Some(col)).map(|c| c.price.minor);
    let batch = [
        cell("Yellow gold", "6", "HALO-0-6", 125_000, 0),
        cell("Platinum", "9", "HALO-1-9", 140_000, 3),
        cell("Rose gold", "7", "HALO-1-9", 99_000, 0),
    ];
    let (at, err) = staff::save_cells(&pool, &owner(), id, &batch).await.unwrap_err();
    assert_eq!(at, 2, "the third cell reuses the second's new SKU");
    assert!(matches!(err, AppError::Field { ref field, .. } if field == "sku"), "{err:?}");
    let m = staff::load(&pool, id).await.unwrap().unwrap().matrix;
    assert_eq!(price_of(&m, "Yellow gold", "6"), Some(120_000), "nothing of the refused batch was saved");
    assert!(m.cell("Platinum", Some("9")).is_none());

    let ids = staff::save_cells(&pool, &owner(), id, &batch[..2]).await.unwrap();
    assert_eq!(ids.len(), 2);
    let m = staff::load(&pool, id).await.unwrap().unwrap().matrix;
    assert_eq!(price_of(&m, "Yellow gold", "6"), Some(125_000));
    let made = m.cell("Platinum", Some("9")).unwrap();
    assert_eq!((made.variant_id, made.stock), (ids[1], 3));
    let received: i64 = sqlx::query_scalar("SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE variant_id = $1 AND reason = 'received'")
        .bind(ids[1])
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(received, 3, "the opening stock is in the ledger");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'variant' AND entity_id = ANY($1)")
        .bind(ids.iter().map(i64::to_string).collect::<Vec<_>>())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 3, "created twice (the matrix, then the grid's update) and the new one once");
}

/// Photos move any distance (a drag), the others renumbered; files that no photo wants are swept
/// once past the grace time, and nothing else is: live renditions, waiting originals, the demo's.
#[sqlx::test(migrations = "../migrations")]
async fn photos_move_any_distance_and_orphaned_files_are_swept(pool: PgPool) {
    use crate::platform::objects::{LocalMedia, MediaStore};
    use super::photos;
    let f = categories(&pool).await;
    let id = ring_with_matrix(&pool, f.rings).await;
    let mut photo_ids = Vec::new();
    for (i, name) in ["aaaa", "bbbb", "cccc", "dddd"].iter().enumerate() {
        let pid: i64 = sqlx::query_scalar(
            "INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height, status, formats, original_key) \
             VALUES ($1, $2, $3, $4, '{320}', 800, 600, $5, '{webp,jpg}', $6) RETURNING id",
        )
        .bind(id)
        .bind(i as i32)
        .bind(format!("Photo {name}"))
        .bind(format!("products/{id}/{name}"))
        .bind(if i == 3 { "pending" } else { "ready" })
        .bind((i == 3).then(|| format!("originals/{id}/{name}.jpg")))
        .fetch_one(&pool)
        .await
        .unwrap();
        photo_ids.push(pid);
    }
    let order = || async {
        photos::progress(&pool, id).await.unwrap().into_iter().map(|p| p.id).collect::<Vec<_>>()
    };
    photos::move_photo(&pool, &owner(), id, photo_ids[0], 2).await.unwrap();
    assert_eq!(order().await, [photo_ids[1], photo_ids[2], photo_ids[0], photo_ids[3]]);
    photos::move_photo(&pool, &owner(), id, photo_ids[3], -10).await.unwrap();
    assert_eq!(order().await, [photo_ids[3], photo_ids[1], photo_ids[2], photo_ids[0]], "clamped to the first place");
    let busy: Vec<bool> = photos::progress(&pool, id).await.unwrap().iter().map(|p| p.busy()).collect();
    assert_eq!(busy, [true, false, false, false]);

    let dir = tempfile::tempdir().unwrap();
    let store = LocalMedia::new(dir.path().to_owned());
    let live = [
        format!("products/{id}/aaaa-320.webp"),
        format!("products/{id}/aaaa-320.jpg"),
        format!("originals/{id}/dddd.jpg"),
        "products/ceylon-halo-ring-1-320.webp".to_owned(),
    ];
    let orphans = [format!("products/{id}/eeee-320.webp"), format!("originals/{id}/ffff.png"), format!("products/{id}/aaaa-320.tmp-1234")];
    for key in live.iter().chain(&orphans) {
        store.put(key, b"x".to_vec(), "image/webp").await.unwrap();
    }
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(photos::sweep_orphans(&pool, &store, hour).await.unwrap(), 0, "new files are left alone (an upload may be in flight)");
    assert_eq!(photos::sweep_orphans(&pool, &store, std::time::Duration::ZERO).await.unwrap(), orphans.len());
    for key in &live {
        assert!(store.get(key).await.is_ok(), "{key} kept");
    }
    for key in &orphans {
        assert!(store.get(key).await.is_err(), "{key} swept");
    }
}
