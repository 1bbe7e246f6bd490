//! The staff product editor (`/admin/products/new`, `/admin/products/:id`): the product's fields
//! (saved against the version the editor opened: a stale save is refused and shows what changed),
//! its status, the variant matrix (one plain form per cell), bulk row/column actions and stock
//! adjustments. Every form is a plain POST that works without JavaScript.
use super::widgets::{MatrixGrid, PhotoOrder, PhotoProgressBar, PhotoUploader};
use crate::catalog::edit::*;
use crate::catalog::model::{Department, ProductStatus};
use crate::error::AppError;
use crate::ui::page::{FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

pub const ADMIN_PRODUCT_FORM: &str = "admin_product";
#[cfg(feature = "ssr")]
const EDITOR_STATE: &str = "product_editor";

/// A refused product form, kept for the editor it came from: what was typed, the field in error and,
/// after a stale save, what the other person changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorState {
    pub product: Option<i64>,
    pub draft: ProductDraft,
    pub field: Option<String>,
    pub changes: Vec<FieldChange>,
    pub version: Option<i32>,
    pub opened: Option<ProductDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProduct {
    pub staff: super::Staff,
    /// None: a new product.
    pub product: Option<StaffProduct>,
    pub categories: Vec<CategoryOption>,
    /// What the form shows: the product, or the refused form.
    pub draft: ProductDraft,
    /// The version the form saves against, and the product as it was then (JSON).
    pub version: i32,
    pub opened: String,
    /// (field, message) of a refused save.
    pub field_error: Option<(String, String)>,
    pub changes: Vec<FieldChange>,
    pub photos: Vec<StaffPhoto>,
    /// The latest changes to the product, its variants and photos (the audit log).
    pub history: Vec<super::audit::AuditEntry>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// How many history entries the editor shows (the audit log has the rest).
pub const HISTORY_SHOWN: i64 = 20;

#[cfg(feature = "ssr")]
fn editor_path(id: Option<i64>) -> String {
    id.map_or_else(|| "/admin/products/new".to_owned(), |id| format!("/admin/products/{id}"))
}

/// Staff: the editor's data for product `id` ("new" for a new product).
#[server(prefix = "/api/admin", endpoint = "product")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product", skip_all))]
pub async fn get_admin_product(id: String) -> Result<AdminProduct, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let product = match id.as_str() {
        "new" => None,
        n => {
            let id = n.parse::<i64>().map_err(|_| AppError::NotFound)?;
            Some(crate::catalog::ssr::staff::load(ctx.pool(), id).await?.ok_or(AppError::NotFound)?)
        }
    };
    let categories = crate::catalog::ssr::staff::categories(ctx.pool()).await?;
    let (photos, history) = match &product {
        Some(p) => (
            crate::catalog::ssr::photos::list(ctx.pool(), p.id).await?,
            crate::catalog::ssr::staff::history(ctx.pool(), p.id, HISTORY_SHOWN).await?.into_iter().map(Into::into).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let flash = ctx.take_flash(ADMIN_PRODUCT_FORM).await?;
    let state: Option<EditorState> =
        ctx.session().remove(EDITOR_STATE).await.map_err(crate::platform::request::session_err)?;
    let state = state.filter(|s| s.product == product.as_ref().map(|p| p.id));
    let (draft, version, opened) = match (&state, &product) {
        (Some(s), _) => (
            s.draft.clone(),
            s.version.or(product.as_ref().map(|p| p.version)).unwrap_or(0),
            s.opened.clone().or(product.as_ref().map(|p| p.draft.clone())).unwrap_or_default(),
        ),
        (None, Some(p)) => (p.draft.clone(), p.version, p.draft.clone()),
        (None, None) => (ProductDraft { max_per_order: "10".into(), ..Default::default() }, 0, ProductDraft::default()),
    };
    let field_error = state.as_ref().and_then(|s| s.field.clone()).zip(flash.as_ref().map(|f| f.message.clone()));
    let error = if field_error.is_some() { None } else { flash.map(|f| f.message) };
    Ok(AdminProduct {
        staff,
        product,
        categories,
        draft,
        version,
        opened: serde_json::to_string(&opened).unwrap_or_default(),
        field_error,
        changes: state.map(|s| s.changes).unwrap_or_default(),
        photos,
        history,
        notice: ctx.take_notice().await?,
        error,
    })
}

/// Staff: creates a product (as a draft) or saves one, against the version the editor opened.
#[server(prefix = "/api/admin", endpoint = "product-save")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-save", skip_all))]
pub async fn admin_save_product(id: Option<i64>, version: Option<i32>, opened: Option<String>, draft: ProductDraft) -> Result<(), AppError> {
    use crate::catalog::ssr::staff;
    let ctx = RequestCtx::load().await?;
    let mut state = EditorState { product: id, draft: draft.clone(), version, ..Default::default() };
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        match id {
            None => {
                let input = validate(&draft, None)?;
                let id = staff::create(ctx.pool(), &actor, &input, &draft).await?;
                tracing::info!(product = id, "product created by staff");
                ctx.notice("Product created as a draft. Add its variants, then publish it.").await?;
                Ok(format!("/admin/products/{id}"))
            }
            Some(id) => {
                let department = staff::load(ctx.pool(), id).await?.ok_or(AppError::NotFound)?.department;
                let input = validate(&draft, Some(department))?;
                let version = version.ok_or_else(|| AppError::BadRequest("The form is missing its version: reload the page.".into()))?;
                match staff::update(ctx.pool(), &actor, id, version, &input).await? {
                    staff::Saved::Version(_) => {
                        ctx.notice("Saved.").await?;
                        Ok(format!("/admin/products/{id}"))
                    }
                    staff::Saved::Stale { current, version: now } => {
                        let opened: ProductDraft = opened.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_else(|| current.clone());
                        let (merged, changes) = merge(&opened, &draft, &current);
                        state = EditorState { product: Some(id), draft: merged, field: None, changes, version: Some(now), opened: Some(current) };
                        Err(AppError::Conflict(
                            "Someone else changed this product since you opened it. Nothing was saved: their changes are listed below and \
                             are in the form now, with yours kept. Check it and save again."
                                .into(),
                        ))
                    }
                }
            }
        }
    }
    .await;
    if let Err(e) = &r {
        if let AppError::Field { field, .. } = e {
            state.field = Some(field.clone());
        }
        ctx.session().insert(EDITOR_STATE, &state).await.map_err(crate::platform::request::session_err)?;
    }
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &editor_path(id), r).await
}

/// Staff: publish ("active"), withdraw ("draft") or archive ("archived") a product.
#[server(prefix = "/api/admin", endpoint = "product-status")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-status", skip_all))]
pub async fn admin_product_status(id: i64, to: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let to = ProductStatus::parse(&to).ok_or_else(|| AppError::BadRequest("Choose publish, withdraw or archive.".into()))?;
        crate::catalog::ssr::staff::set_status(ctx.pool(), &actor, id, to).await?.ok_or(AppError::NotFound)?;
        tracing::info!(product = id, status = to.as_str(), "product status changed by staff");
        ctx.notice(match to {
            ProductStatus::Active => "Published: shoppers can find and buy it now.",
            ProductStatus::Draft => "Withdrawn: shoppers no longer see it.",
            ProductStatus::Archived => "Archived: shoppers get “not found”; past orders still show it.",
        })
        .await?;
        Ok(format!("/admin/products/{id}"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: adds a value to option axis 0 (platform, metal) or 1 (edition, ring size).
#[server(prefix = "/api/admin", endpoint = "product-option")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-option", skip_all))]
pub async fn admin_add_option(id: i64, axis: u8, value: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        if axis > 1 {
            return Err(AppError::BadRequest("Unknown option.".into()));
        }
        crate::catalog::ssr::staff::add_option_value(ctx.pool(), &actor, id, axis, &value).await?;
        ctx.notice(&format!("“{}” added: fill its cells to make variants.", value.trim())).await?;
        Ok(format!("/admin/products/{id}#variants"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: fills or updates one cell of the variant matrix.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/admin", endpoint = "product-cell")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-cell", skip_all))]
pub async fn admin_save_cell(
    id: i64,
    row: String,
    col: Option<String>,
    sku: String,
    price: String,
    compare_at: String,
    low_stock_threshold: String,
    stock: Option<String>,
) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let edit = CellEdit { row, col, sku, price, compare_at, low_stock_threshold, stock };
        let cell = crate::catalog::ssr::staff::CellInput::parse(&edit)?;
        crate::catalog::ssr::staff::save_cell(ctx.pool(), &actor, id, &cell).await?;
        ctx.notice(&format!("Variant {} saved.", cell.sku)).await?;
        Ok(format!("/admin/products/{id}#variants"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: the editable grid's changed cells, saved together (all or none). A refusal names the
/// cell: its field is `cells.<index>.<field>`. Answers how many were saved.
#[server(prefix = "/api/admin", endpoint = "product-cells")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-cells", skip_all))]
pub async fn admin_save_cells(id: i64, cells: Vec<CellEdit>) -> Result<usize, AppError> {
    use crate::catalog::ssr::staff::{self, CellInput};
    let ctx = RequestCtx::load().await?;
    let (_, actor) = super::admin_actor(&ctx).await?;
    if cells.is_empty() || cells.len() > 500 {
        return Err(AppError::BadRequest("Send between 1 and 500 cells.".into()));
    }
    let in_cell = |i: usize, e: AppError| match e {
        AppError::Field { field, message } => AppError::Field { field: format!("cells.{i}.{field}"), message },
        e => e,
    };
    let parsed = cells.iter().enumerate().map(|(i, c)| CellInput::parse(c).map_err(|e| in_cell(i, e))).collect::<Result<Vec<_>, _>>()?;
    let n = staff::save_cells(ctx.pool(), &actor, id, &parsed).await.map_err(|(i, e)| in_cell(i, e))?.len();
    ctx.notice(&format!("{n} variant{} saved.", if n == 1 { "" } else { "s" })).await?;
    Ok(n)
}

/// Staff: empties a cell ("not made"): archived if orders refer to it, deleted otherwise.
#[server(prefix = "/api/admin", endpoint = "product-cell-clear")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-cell-clear", skip_all))]
pub async fn admin_clear_cell(id: i64, variant_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let archived = crate::catalog::ssr::staff::clear_cell(ctx.pool(), &actor, id, variant_id).await?;
        ctx.notice(if archived {
            "Variant archived: shoppers no longer see it; orders that have it keep it."
        } else {
            "Variant removed."
        })
        .await?;
        Ok(format!("/admin/products/{id}#variants"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: sets the price or the stock of every cell of a row ("row:<value>") or column ("col:<value>").
#[server(prefix = "/api/admin", endpoint = "product-bulk")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-bulk", skip_all))]
pub async fn admin_bulk(id: i64, line: String, action: String, amount: String) -> Result<(), AppError> {
    use crate::catalog::ssr::staff::{self, Line};
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let line = match line.split_once(':') {
            Some(("row", v)) => Line::Row(v.to_owned()),
            Some(("col", v)) => Line::Col(v.to_owned()),
            _ => return Err(AppError::Field { field: "line".into(), message: "Choose a row or a column.".into() }),
        };
        let n = match action.as_str() {
            "price" => staff::set_line_price(ctx.pool(), &actor, id, &line, parse_price(&amount, "amount", "Price")?).await?,
            "stock" => staff::set_line_stock(ctx.pool(), &actor, id, &line, parse_count(&amount, "amount", "Stock")?).await?,
            _ => return Err(AppError::Field { field: "action".into(), message: "Choose set price or set stock.".into() }),
        };
        ctx.notice(&format!("{n} variant{} changed.", if n == 1 { "" } else { "s" })).await?;
        Ok(format!("/admin/products/{id}#variants"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: a stock adjustment with a reason code (received, correction, damaged, shrinkage, cycle count).
#[server(prefix = "/api/admin", endpoint = "product-stock")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/product-stock", skip_all))]
pub async fn admin_adjust_stock(id: i64, variant_id: i64, delta: String, reason: String, note: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let delta: i32 = delta
            .trim()
            .trim_start_matches('+')
            .parse()
            .ok()
            .filter(|d: &i32| d.abs() <= 100_000)
            .ok_or_else(|| AppError::Field { field: "delta".into(), message: "Change: a whole number like 5 or -2.".into() })?;
        let now = crate::catalog::ssr::staff::adjust_stock(ctx.pool(), &actor, id, variant_id, delta, reason.trim(), &note).await?;
        ctx.notice(&format!("Stock adjusted: {now} now.")).await?;
        Ok(format!("/admin/products/{id}#stock"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: a photo's alt text and the option it shows (empty: every option).
#[server(prefix = "/api/admin", endpoint = "photo-save")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/photo-save", skip_all))]
pub async fn admin_photo_save(id: i64, photo_id: i64, alt: String, option_value: String) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let option = Some(option_value.trim()).filter(|v| !v.is_empty());
        crate::catalog::ssr::photos::update(ctx.pool(), &actor, id, photo_id, &alt, option).await?;
        ctx.notice("Photo saved.").await?;
        Ok(format!("/admin/products/{id}#photos"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: moves a photo `by` places (-1: up one, 1: down one; a drag may move it further).
#[server(prefix = "/api/admin", endpoint = "photo-move")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/photo-move", skip_all))]
pub async fn admin_photo_move(id: i64, photo_id: i64, by: i32) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        crate::catalog::ssr::photos::move_photo(ctx.pool(), &actor, id, photo_id, by).await?;
        Ok(format!("/admin/products/{id}#photos"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// Staff: how far the product's photos are prepared (the editor polls this while any is).
#[server(prefix = "/api/admin", endpoint = "photo-progress")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/photo-progress", skip_all))]
pub async fn admin_photo_progress(id: i64) -> Result<Vec<PhotoProgress>, AppError> {
    let ctx = RequestCtx::load().await?;
    super::admin_actor(&ctx).await?;
    Ok(crate::catalog::ssr::photos::progress(ctx.pool(), id).await?)
}

/// Staff: deletes a photo (its files too).
#[server(prefix = "/api/admin", endpoint = "photo-delete")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/photo-delete", skip_all))]
pub async fn admin_photo_delete(id: i64, photo_id: i64) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let media = crate::catalog::ssr::state()?.media;
        crate::catalog::ssr::photos::delete(ctx.pool(), media.as_ref(), &actor, id, photo_id).await?;
        ctx.notice("Photo deleted.").await?;
        Ok(format!("/admin/products/{id}#photos"))
    }
    .await;
    respond_at(&ctx, ADMIN_PRODUCT_FORM, &format!("/admin/products/{id}"), r).await
}

/// The message for `name` when the refused save was about that field.
fn error_for(err: &Option<(String, String)>, name: &str) -> Option<String> {
    err.as_ref().filter(|(f, _)| f == name).map(|(_, m)| m.clone())
}

/// One labelled text input of the product form, with its error beside it.
#[component]
fn TextInput(
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(default = 200)] maxlength: u32,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let id = format!("pe-{name}");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let described = match (hint.is_some(), error.is_some()) {
        (true, true) => Some(format!("{hint_id} {err_id}")),
        (true, false) => Some(hint_id.clone()),
        (false, true) => Some(err_id.clone()),
        (false, false) => None,
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind name=format!("draft[{name}]") value=value required=required maxlength=maxlength
                aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=err_id data-testid="field-error">{e}</p> })}
        </div>
    }
}

#[component]
fn TextArea(name: &'static str, label: &'static str, value: String, error: Option<String>, #[prop(default = 4)] rows: u32, #[prop(default = 10000)] maxlength: u32) -> impl IntoView {
    let id = format!("pe-{name}");
    let err_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id name=format!("draft[{name}]") rows=rows maxlength=maxlength
                aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then(|| err_id.clone())>{value}</textarea>
            {error.map(|e| view! { <p class="field-error" id=err_id data-testid="field-error">{e}</p> })}
        </div>
    }
}

#[component]
pub fn AdminProductPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_else(|| "new".into());
    private_page(move || get_admin_product(id.clone()), |page: AdminProduct| {
        let d = page.draft.clone();
        let e = page.field_error.clone();
        let product = page.product.clone();
        let department = product.as_ref().map(|p| p.department);
        let title = product.as_ref().map_or_else(|| "New product".to_owned(), |p| p.draft.name.clone());
        let canonical = product.as_ref().map_or_else(|| "/admin/products/new".to_owned(), |p| format!("/admin/products/{}", p.id));
        let categories = page.categories.clone();
        let chosen_department = department.or(Department::parse(&d.department));
        let show_games = chosen_department != Some(Department::Jewelry);
        let show_jewelry = chosen_department != Some(Department::Games);
        view! {
            <PageMeta title=format!("{title} · Admin") description="Product editor".into() canonical_path=canonical/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide product-editor" aria-labelledby="editor-title">
                <p><a href="/admin/products">"← Products"</a></p>
                <div class="admin-head">
                    <h1 id="editor-title">{title.clone()}</h1>
                    {product.as_ref().map(|p| view! { <super::StatusBadge status=p.status/> })}
                </div>
                <FormOutcome notice=page.notice.clone() error=page.error.clone().filter(|_| page.changes.is_empty())/>
                {(!page.changes.is_empty()).then(|| view! {
                    <div class="form-error conflict" role="alert" data-testid="conflict">
                        <p><strong>"Changed by someone else since you opened it."</strong>
                            " Nothing of yours was saved yet. Their changes are in the form now; where you changed the same field, yours is kept."</p>
                        <ul class="conflict-list">
                            {page.changes.iter().map(|c| view! {
                                <li data-testid="conflict-field">
                                    <strong>{c.label.clone()}</strong>
                                    <span><span class="cart-variant">"When you opened it: "</span>{c.was.clone()}</span>
                                    <span><span class="cart-variant">"Their change: "</span>{c.theirs.clone()}</span>
                                    <span><span class="cart-variant">"Yours: "</span>{c.yours.clone().unwrap_or_else(|| "(not changed)".into())}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                })}
                {product.clone().map(|p| view! { <StatusActions product=p/> })}

                <form method="post" action=AdminSaveProduct::PATH class="product-form" data-testid="product-form">
                    {product.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string()/> })}
                    {product.is_some().then(|| view! {
                        <input type="hidden" name="version" value=page.version.to_string()/>
                        <input type="hidden" name="opened" value=page.opened.clone()/>
                    })}
                    <fieldset>
                        <legend>"Product"</legend>
                        <TextInput name="name" label="Name" value=d.name.clone() error=error_for(&e, "name") required=true/>
                        <TextInput name="slug" label="Address (slug)" value=d.slug.clone() error=error_for(&e, "slug") maxlength=80
                            hint="The product's address: /p/your-slug. Made from the name when empty."/>
                        {match department {
                            Some(dep) => view! {
                                <p class="field-hint">"Department: " <strong>{dep.label()}</strong></p>
                                <input type="hidden" name="draft[department]" value=dep.as_str()/>
                            }.into_any(),
                            None => view! {
                                <div class="field">
                                    <label for="pe-department">"Department"</label>
                                    <select id="pe-department" name="draft[department]" required=true
                                        aria-invalid=error_for(&e, "department").is_some().then_some("true")>
                                        <option value="" selected=d.department.is_empty()>"Choose…"</option>
                                        <option value="games" selected=d.department == "games">"Games (licence keys)"</option>
                                        <option value="jewelry" selected=d.department == "jewelry">"Jewelry (shipped)"</option>
                                    </select>
                                    {error_for(&e, "department").map(|m| view! { <p class="field-error" data-testid="field-error">{m}</p> })}
                                </div>
                            }.into_any(),
                        }}
                        <div class="field">
                            <label for="pe-category">"Category"</label>
                            <select id="pe-category" name="draft[category_id]" required=true
                                aria-invalid=error_for(&e, "category_id").is_some().then_some("true")>
                                <option value="" selected=d.category_id.is_empty()>"Choose…"</option>
                                {categories.iter().filter(|c| department.is_none_or(|dep| dep == c.department)).map(|c| {
                                    let v = c.id.to_string();
                                    let sel = d.category_id == v;
                                    view! { <option value=v selected=sel>{c.path.clone()}</option> }
                                }).collect_view()}
                            </select>
                            {error_for(&e, "category_id").map(|m| view! { <p class="field-error" data-testid="field-error">{m}</p> })}
                        </div>
                        <TextInput name="summary" label="Summary" value=d.summary.clone() error=error_for(&e, "summary") maxlength=300
                            hint="One line under the name on cards and the product page."/>
                        <TextArea name="description" label="Description" value=d.description.clone() error=error_for(&e, "description") rows=6/>
                        <TextInput name="keywords" label="Search keywords" value=d.keywords.clone() error=error_for(&e, "keywords") maxlength=500
                            hint="Other words shoppers may search for. Attributes and options are added for you."/>
                        <TextInput name="max_per_order" label="Most per order" value=d.max_per_order.clone() error=error_for(&e, "max_per_order") kind="number" maxlength=2/>
                        <TextInput name="launch_at" label="Launch (UTC, optional)" value=d.launch_at.clone() error=error_for(&e, "launch_at") kind="datetime-local"
                            hint="For a limited drop: it cannot be bought before this time."/>
                        <label class="check"><input type="checkbox" name="draft[featured]" value="on" checked=d.featured == "on"/>" Featured on the home page"</label>
                    </fieldset>
                    {show_games.then(|| view! {
                        <fieldset data-testid="game-attributes">
                            <legend>{if department.is_none() { "Game attributes (games only)" } else { "Game attributes" }}</legend>
                            <p class="field-hint">"Platforms and editions are the rows and columns of the variants below."</p>
                            <TextInput name="genre" label="Genre" value=d.genre.clone() error=error_for(&e, "genre") maxlength=60/>
                            <TextInput name="publisher" label="Publisher" value=d.publisher.clone() error=error_for(&e, "publisher") maxlength=100/>
                            <TextInput name="release_date" label="Release date" value=d.release_date.clone() error=error_for(&e, "release_date") kind="date"/>
                            <div class="field">
                                <label for="pe-age_rating">"Age rating"</label>
                                <select id="pe-age_rating" name="draft[age_rating]" aria-invalid=error_for(&e, "age_rating").is_some().then_some("true")>
                                    <option value="" selected=d.age_rating.is_empty()>"Choose…"</option>
                                    {AGE_RATINGS.iter().map(|r| view! { <option value=*r selected=d.age_rating == *r>{*r}</option> }).collect_view()}
                                </select>
                                {error_for(&e, "age_rating").map(|m| view! { <p class="field-error" data-testid="field-error">{m}</p> })}
                            </div>
                            <TextArea name="system_requirements" label="System requirements" value=d.system_requirements.clone()
                                error=error_for(&e, "system_requirements") rows=3 maxlength=2000/>
                        </fieldset>
                    })}
                    {show_jewelry.then(|| view! {
                        <fieldset data-testid="jewelry-attributes">
                            <legend>{if department.is_none() { "Jewelry attributes (jewelry only)" } else { "Jewelry attributes" }}</legend>
                            <p class="field-hint">"Metals and ring sizes are the rows and columns of the variants below."</p>
                            <TextInput name="finish" label="Finish" value=d.finish.clone() error=error_for(&e, "finish") maxlength=60/>
                            <TextInput name="stone" label="Stone (empty: none)" value=d.stone.clone() error=error_for(&e, "stone") maxlength=60/>
                            <TextInput name="carat" label="Carat" value=d.carat.clone() error=error_for(&e, "carat") maxlength=6 hint="Like 1.25; only with a stone."/>
                            <TextInput name="cert_lab" label="Certificate lab" value=d.cert_lab.clone() error=error_for(&e, "cert_lab") maxlength=60/>
                            <TextInput name="cert_number" label="Certificate number" value=d.cert_number.clone() error=error_for(&e, "cert_number") maxlength=60/>
                            <TextInput name="cert_grade" label="Certificate grade" value=d.cert_grade.clone() error=error_for(&e, "cert_grade") maxlength=40/>
                        </fieldset>
                    })}
                    <button type="submit" class="button primary" data-testid="save-product">
                        {if product.is_some() { "Save changes" } else { "Create draft" }}
                    </button>
                </form>
                {product.map(|p| view! {
                    <PhotoSection product_id=p.id options=p.matrix.rows.clone() photos=page.photos.clone()/>
                    <VariantMatrix product=p.clone()/>
                    <StockSection product=p.clone()/>
                    <section class="history" id="history" aria-labelledby="history-title">
                        <h2 id="history-title">"History"</h2>
                        {if page.history.is_empty() {
                            view! { <p data-testid="history-empty">"No changes recorded yet."</p> }.into_any()
                        } else {
                            view! { <super::audit::AuditTable entries=page.history.clone()/> }.into_any()
                        }}
                        <p><a href=format!("/admin/audit?entity=product&entity_id={}", p.id)>"The product in the audit log"</a>
                            " (its variants and photos have their own entries)."</p>
                    </section>
                })}
            </section>
        }
    })
}

/// Publish / withdraw / archive, each its own form; archiving asks to be confirmed first.
#[component]
fn StatusActions(product: StaffProduct) -> impl IntoView {
    let id = product.id.to_string();
    let form = move |to: &'static str, label: &'static str, class: &'static str| {
        let id = id.clone();
        view! {
            <form method="post" action=AdminProductStatus::PATH class="inline-form">
                <input type="hidden" name="id" value=id/>
                <button type="submit" name="to" value=to class=class data-testid=format!("status-{to}")>{label}</button>
            </form>
        }
    };
    view! {
        <div class="status-actions" data-testid="status-actions">
            {match product.status {
                ProductStatus::Draft => view! {
                    <p class="field-hint">"Draft: shoppers cannot see it."</p>
                    {form("active", "Publish", "button primary")}
                }.into_any(),
                ProductStatus::Active => view! {
                    <p class="field-hint">"On sale at " <a href=format!("/p/{}", product.slug)>{format!("/p/{}", product.slug)}</a> "."</p>
                    {form("draft", "Withdraw", "button secondary-outline")}
                }.into_any(),
                ProductStatus::Archived => view! {
                    <p class="field-hint">"Archived: shoppers get “not found”; past orders still show it."</p>
                    {form("draft", "Restore as draft", "button secondary-outline")}
                }.into_any(),
            }}
            {(product.status != ProductStatus::Archived).then(|| view! {
                <details class="confirm">
                    <summary class="button secondary-outline">"Archive…"</summary>
                    <p>"Shoppers will get “not found” for this product; orders, libraries and downloads keep it."</p>
                    {form("archived", "Yes, archive it", "button danger")}
                </details>
            })}
        </div>
    }
}

/// The variant matrix: rows x columns, a cell "not made" or {SKU, price, stock}; one plain form per
/// cell, the option-value forms and the bulk form.
#[component]
fn VariantMatrix(product: StaffProduct) -> impl IntoView {
    let m = product.matrix.clone();
    let id = product.id;
    let columns = m.columns();
    let lines: Vec<(String, String)> = m
        .rows
        .iter()
        .map(|r| (format!("row:{r}"), format!("{}: {r}", m.row_label)))
        .chain(m.cols.iter().map(|c| (format!("col:{c}"), format!("{}: {c}", m.col_label))))
        .collect();
    view! {
        <section class="variants" id="variants" aria-labelledby="variants-title">
            <h2 id="variants-title">"Variants"</h2>
            <p class="field-hint">{format!("Rows are {}s, columns {}s. A cell is “not made” until you fill it.",
                m.row_label.to_lowercase(), m.col_label.to_lowercase())}</p>
            {(!m.rows.is_empty()).then(|| view! { <MatrixGrid product_id=id matrix=m.clone()/> })}
            <div class="admin-forms">
                {[0u8, 1].into_iter().map(|axis| {
                    let label = if axis == 0 { m.row_label.clone() } else { m.col_label.clone() };
                    let input_id = format!("add-axis-{axis}");
                    view! {
                        <form method="post" action=AdminAddOption::PATH class="inline-form" data-testid=format!("add-option-{axis}")>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="axis" value=axis.to_string()/>
                            <label for=input_id.clone()>{format!("Add a {}", label.to_lowercase())}</label>
                            <input id=input_id name="value" required=true maxlength=40/>
                            <button type="submit" class="button secondary-outline">"Add"</button>
                        </form>
                    }
                }).collect_view()}
            </div>
            {(!lines.is_empty() && !m.cells.is_empty()).then(|| view! {
                <form method="post" action=AdminBulk::PATH class="bulk-form" data-testid="bulk-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <div class="field"><label for="bulk-line">"Every cell of"</label>
                        <select id="bulk-line" name="line">
                            {lines.iter().map(|(v, l)| view! { <option value=v.clone()>{l.clone()}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for="bulk-action">"Set"</label>
                        <select id="bulk-action" name="action">
                            <option value="price">"price to (€)"</option>
                            <option value="stock">"stock to (counted)"</option>
                        </select></div>
                    <div class="field"><label for="bulk-amount">"Amount"</label>
                        <input id="bulk-amount" name="amount" required=true inputmode="decimal" maxlength=12/></div>
                    <button type="submit" class="button secondary-outline">"Apply"</button>
                </form>
            })}
            <h3>"Each variant"</h3>
            <ul class="cell-forms">
                {m.rows.iter().flat_map(|row| columns.iter().map(move |col| (row.clone(), col.clone()))).map(|(row, col)| {
                    let cell = m.cell(&row, col.as_deref()).cloned();
                    let live = cell.as_ref().filter(|c| !c.archived).cloned();
                    let anchor = cell_anchor(&row, col.as_deref());
                    let name = match &col { Some(c) => format!("{row} · {c}"), None => row.clone() };
                    let fid = anchor.clone();
                    let form = view! {
                        <form method="post" action=AdminSaveCell::PATH class="cell-form" data-testid="cell-form"
                            data-row=row.clone() data-col=col.clone().unwrap_or_default()>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="row" value=row.clone()/>
                            {col.clone().map(|c| view! { <input type="hidden" name="col" value=c/> })}
                            <div class="field"><label for=format!("{fid}-sku")>"SKU"</label>
                                <input id=format!("{fid}-sku") name="sku" required=true maxlength=64 value=cell.as_ref().map(|c| c.sku.clone()).unwrap_or_default()/></div>
                            <div class="field"><label for=format!("{fid}-price")>"Price (€)"</label>
                                <input id=format!("{fid}-price") name="price" required=true inputmode="decimal" maxlength=12
                                    value=cell.as_ref().map(|c| c.price.decimal()).unwrap_or_default()/></div>
                            <div class="field"><label for=format!("{fid}-compare")>"Compare-at (€)"</label>
                                <input id=format!("{fid}-compare") name="compare_at" inputmode="decimal" maxlength=12
                                    value=cell.as_ref().and_then(|c| c.compare_at).map(|m| m.decimal()).unwrap_or_default()/></div>
                            {live.is_none().then(|| view! {
                                <div class="field"><label for=format!("{fid}-stock")>"Stock"</label>
                                    <input id=format!("{fid}-stock") name="stock" inputmode="numeric" maxlength=6 value="0"/></div>
                            })}
                            <div class="field"><label for=format!("{fid}-low")>"Low at"</label>
                                <input id=format!("{fid}-low") name="low_stock_threshold" inputmode="numeric" maxlength=6
                                    value=cell.as_ref().map(|c| c.low_stock_threshold.to_string()).unwrap_or_else(|| "3".into())/></div>
                            <button type="submit" class="button secondary-outline" aria-label=format!("Save {name}")>
                                {if live.is_some() { "Save" } else { "Make this variant" }}</button>
                        </form>
                    };
                    view! {
                        <li class="cell-card" data-testid="cell-card">
                            <details>
                                {match &live {
                                    Some(c) => view! {
                                        <summary><strong>{name.clone()}</strong>
                                            <span class="cart-variant">{c.sku.clone()} " · " {c.price.display()} " · " {c.stock} " in stock"
                                                {c.keyed.then_some(" (licence keys)")}</span></summary>
                                    }.into_any(),
                                    None => view! {
                                        <summary><strong>{name.clone()}</strong>
                                            <span class="cart-variant">"not made" {cell.as_ref().filter(|c| c.archived).map(|_| " (archived)")}</span></summary>
                                    }.into_any(),
                                }}
                                <div id=anchor>{form}</div>
                                {live.as_ref().map(|c| view! {
                                    <details class="confirm">
                                        <summary class="link-button">"Not made any more…"</summary>
                                        <form method="post" action=AdminClearCell::PATH class="inline-form">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <input type="hidden" name="variant_id" value=c.variant_id.to_string()/>
                                            <p>"Shoppers will no longer see it. If orders have it, it is archived, not deleted."</p>
                                            <button type="submit" class="button danger" aria-label=format!("Remove {name}")>"Yes, remove it"</button>
                                        </form>
                                    </details>
                                })}
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Stock adjustments with a reason code, and the ledger of recent movements.
#[component]
fn StockSection(product: StaffProduct) -> impl IntoView {
    let live: Vec<Cell> = product.matrix.cells.iter().filter(|c| !c.archived && !c.keyed).cloned().collect();
    view! {
        <section class="stock-section" id="stock" aria-labelledby="stock-title">
            <h2 id="stock-title">"Stock"</h2>
            {if live.is_empty() {
                view! { <p class="field-hint">"No variant with stock to adjust (game keys are managed on the Game keys page)."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=AdminAdjustStock::PATH class="stock-form" data-testid="stock-form">
                        <input type="hidden" name="id" value=product.id.to_string()/>
                        <div class="field"><label for="adj-variant">"Variant"</label>
                            <select id="adj-variant" name="variant_id">
                                {live.iter().map(|c| {
                                    let label = match &c.col { Some(col) => format!("{} · {} · {} ({} in stock)", c.sku, c.row, col, c.stock), None => format!("{} · {} ({} in stock)", c.sku, c.row, c.stock) };
                                    view! { <option value=c.variant_id.to_string()>{label}</option> }
                                }).collect_view()}
                            </select></div>
                        <div class="field"><label for="adj-delta">"Change (+5, -2)"</label>
                            <input id="adj-delta" name="delta" required=true inputmode="numeric" maxlength=7/></div>
                        <div class="field"><label for="adj-reason">"Reason"</label>
                            <select id="adj-reason" name="reason">
                                {ADJUST_REASONS.iter().map(|(k, l)| view! { <option value=*k>{*l}</option> }).collect_view()}
                            </select></div>
                        <div class="field"><label for="adj-note">"Note (optional)"</label>
                            <input id="adj-note" name="note" maxlength=200/></div>
                        <button type="submit" class="button secondary-outline">"Adjust stock"</button>
                    </form>
                }.into_any()
            }}
            <h3>"Recent movements"</h3>
            {if product.ledger.is_empty() {
                view! { <p class="field-hint">"No stock movements yet."</p> }.into_any()
            } else {
                view! {
                    <table class="order-table ledger" data-testid="ledger">
                        <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"SKU"</th><th scope="col">"Change"</th>
                            <th scope="col">"Reason"</th><th scope="col">"By"</th></tr></thead>
                        <tbody>
                            {product.ledger.iter().map(|l| view! {
                                <tr data-testid="ledger-row">
                                    <td>{l.at.clone()}</td><td>{l.sku.clone()}</td>
                                    <td>{if l.delta > 0 { format!("+{}", l.delta) } else { l.delta.to_string() }}</td>
                                    <td>{l.reason.clone()} {(!l.note.is_empty()).then(|| view! { <span class="cart-variant">{l.note.clone()}</span> })}</td>
                                    <td>{l.by.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Photos: a plain multi-file upload form (JPEG, PNG or WebP, checked on the server), then each
/// photo with its progress, alt text, option, order and delete.
#[component]
fn PhotoSection(product_id: i64, options: Vec<String>, photos: Vec<StaffPhoto>) -> impl IntoView {
    let working: Vec<i32> = photos.iter().filter(|p| p.status == "pending" || p.status == "processing").map(|p| p.progress).collect();
    let busy = working.len();
    let percent = working.iter().sum::<i32>() / (busy.max(1) as i32);
    let count = photos.len();
    let option_select = move |id: String, current: Option<String>| {
        let options = options.clone();
        view! {
            <select id=id name="option_value">
                <option value="" selected=current.is_none()>"Every option"</option>
                {options.into_iter().map(|o| {
                    let sel = current.as_deref() == Some(o.as_str());
                    view! { <option value=o.clone() selected=sel>{o.clone()}</option> }
                }).collect_view()}
            </select>
        }
    };
    let upload_select = option_select.clone();
    view! {
        <section class="photos" id="photos" aria-labelledby="photos-title">
            <h2 id="photos-title">"Photos"</h2>
            <PhotoUploader product_id>
            <form method="post" action=format!("/api/admin/photos/{product_id}") enctype="multipart/form-data"
                class="photo-upload" data-testid="photo-upload">
                <div class="field">
                    <label for="up-alt">"Alt text"</label>
                    <input id="up-alt" name="alt" required=true maxlength=300 aria-describedby="up-alt-hint"/>
                    <p class="field-hint" id="up-alt-hint">"What the photo shows, for people who cannot see it. You can change it per photo afterwards."</p>
                </div>
                <div class="field">
                    <label for="up-option">"Shows"</label>
                    {upload_select("up-option".into(), None)}
                </div>
                <div class="field">
                    <label for="up-files">"Photos"</label>
                    <input id="up-files" type="file" name="photos" multiple=true required=true
                        accept="image/jpeg,image/png,image/webp" aria-describedby="up-files-hint"/>
                    <p class="field-hint" id="up-files-hint">"JPEG, PNG or WebP, up to 25 MB each, 10 at a time. GPS and camera data are removed."</p>
                </div>
                <button type="submit" class="button secondary-outline">"Upload"</button>
            </form>
            </PhotoUploader>
            {(busy > 0).then(|| view! { <PhotoProgressBar product_id busy percent/> })}
            <PhotoOrder product_id>
            <ol class="photo-list" data-testid="photo-list">
                {photos.into_iter().enumerate().map(|(i, p)| {
                    let fid = format!("ph-{}", p.id);
                    let pid = p.id.to_string();
                    let product = product_id.to_string();
                    let select = option_select(format!("{fid}-option"), p.option_value.clone());
                    view! {
                        <li class="photo-item" data-testid="photo" data-status=p.status.clone() data-photo-id=pid.clone() draggable="true">
                            {match p.thumb.clone() {
                                Some(src) if p.status == "ready" => view! { <img src=src alt="" width="120" height="90" loading="lazy"/> }.into_any(),
                                _ => view! { <div class="photo-placeholder" aria-hidden="true"></div> }.into_any(),
                            }}
                            <div class="photo-body">
                                <p class="photo-status">
                                    {match p.status.as_str() {
                                        "ready" => view! { <span>"Ready"</span> }.into_any(),
                                        "failed" => view! { <span class="field-error">"Failed: " {p.error.clone().unwrap_or_default()}</span> }.into_any(),
                                        _ => view! {
                                            <span>"Preparing… "</span>
                                            <progress max="100" value=p.progress.to_string() aria-label="Preparing the photo">{p.progress} "%"</progress>
                                        }.into_any(),
                                    }}
                                    {p.option_value.clone().map(|o| view! { <span class="cart-variant">" · shows " {o}</span> })}
                                </p>
                                <form method="post" action=AdminPhotoSave::PATH class="inline-form">
                                    <input type="hidden" name="id" value=product.clone()/>
                                    <input type="hidden" name="photo_id" value=pid.clone()/>
                                    <label for=format!("{fid}-alt")>"Alt text"</label>
                                    <input id=format!("{fid}-alt") name="alt" value=p.alt.clone() required=true maxlength=300/>
                                    <label for=format!("{fid}-option")>"Shows"</label>
                                    {select}
                                    <button type="submit" class="button secondary-outline" aria-label=format!("Save photo {}", i + 1)>"Save"</button>
                                </form>
                                <div class="photo-actions">
                                    {(i > 0).then(|| view! {
                                        <form method="post" action=AdminPhotoMove::PATH class="inline-form">
                                            <input type="hidden" name="id" value=product.clone()/>
                                            <input type="hidden" name="photo_id" value=pid.clone()/>
                                            <button type="submit" name="by" value="-1" class="link-button" aria-label=format!("Move photo {} up", i + 1)>"↑ Up"</button>
                                        </form>
                                    })}
                                    {(i + 1 < count).then(|| view! {
                                        <form method="post" action=AdminPhotoMove::PATH class="inline-form">
                                            <input type="hidden" name="id" value=product.clone()/>
                                            <input type="hidden" name="photo_id" value=pid.clone()/>
                                            <button type="submit" name="by" value="1" class="link-button" aria-label=format!("Move photo {} down", i + 1)>"↓ Down"</button>
                                        </form>
                                    })}
                                    <details class="confirm">
                                        <summary class="link-button">"Delete…"</summary>
                                        <form method="post" action=AdminPhotoDelete::PATH class="inline-form">
                                            <input type="hidden" name="id" value=product.clone()/>
                                            <input type="hidden" name="photo_id" value=pid.clone()/>
                                            <button type="submit" class="button danger" aria-label=format!("Delete photo {}", i + 1)>"Yes, delete it"</button>
                                        </form>
                                    </details>
                                </div>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            </PhotoOrder>
        </section>
    }
}
