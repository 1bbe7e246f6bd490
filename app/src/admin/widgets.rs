//! The staff editor's interactive parts: the editable variant grid, photo uploads with a progress
//! bar per file, drag-to-reorder and the live preparation bar. Each is a lazy island: its code is
//! split out of the shopper bundle and fetched only on the staff page that shows it. Each wraps or
//! sits beside a plain form that does the same job without JavaScript.
use crate::catalog::edit::{Cell, CellEdit, Matrix};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
fn reload() {
    let _ = window().location().reload();
}

/// One cell of the grid as typed: the SKU, price and (for a new cell) opening stock.
#[derive(Clone, Copy)]
struct GridCell {
    sku: RwSignal<String>,
    price: RwSignal<String>,
    stock: RwSignal<String>,
    error: RwSignal<Option<String>>,
}

/// What a grid cell was when the page was drawn.
#[derive(Clone)]
struct Original {
    row: String,
    col: Option<String>,
    cell: Option<Cell>,
}

impl Original {
    fn label(&self) -> String {
        match &self.col {
            Some(c) => format!("{} · {c}", self.row),
            None => self.row.clone(),
        }
    }
}

/// The edit a grid cell asks for, if any: a changed live cell, or a "not made" cell given a SKU.
fn edit_of(o: &Original, g: &GridCell) -> Result<Option<CellEdit>, String> {
    let (sku, price, stock) = (g.sku.get_untracked(), g.price.get_untracked(), g.stock.get_untracked());
    let live = o.cell.as_ref().filter(|c| !c.archived);
    let changed = match live {
        Some(c) => sku.trim() != c.sku || price.trim() != c.price.decimal(),
        None => !sku.trim().is_empty() || !price.trim().is_empty(),
    };
    if !changed {
        return Ok(None);
    }
    if live.is_some() && sku.trim().is_empty() {
        return Err("To stop making it, use “Not made any more…” in its form below.".into());
    }
    let kept = o.cell.as_ref();
    Ok(Some(CellEdit {
        row: o.row.clone(),
        col: o.col.clone(),
        sku,
        price,
        compare_at: kept.and_then(|c| c.compare_at).map(|m| m.decimal()).unwrap_or_default(),
        low_stock_threshold: kept.map_or(3, |c| c.low_stock_threshold).to_string(),
        stock: live.is_none().then_some(stock),
    }))
}

/// The variant matrix. Without JavaScript it is a table of what is made, each cell linking to its
/// form below; with it, every cell is editable in place (SKU, price, and opening stock for a new
/// cell) and one button saves every change together.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
pub fn MatrixGrid(product_id: i64, matrix: Matrix) -> impl IntoView {
    let hydrated = crate::ui::hydrated_marker();
    let columns = matrix.columns();
    let mut originals = Vec::new();
    let mut cells = Vec::new();
    for row in &matrix.rows {
        for col in &columns {
            let cell = matrix.cell(row, col.as_deref()).cloned();
            let live = cell.as_ref().filter(|c| !c.archived);
            cells.push(GridCell {
                sku: RwSignal::new(live.map(|c| c.sku.clone()).unwrap_or_default()),
                price: RwSignal::new(live.map(|c| c.price.decimal()).unwrap_or_default()),
                stock: RwSignal::new(String::new()),
                error: RwSignal::new(None),
            });
            originals.push(Original { row: row.clone(), col: col.clone(), cell });
        }
    }
    let originals = StoredValue::new(originals);
    let cells = StoredValue::new(cells);
    let status = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    // Read on every keystroke so the button's count follows the typing.
    let changes = move || {
        cells.with_value(|cs| {
            originals.with_value(|os| {
                os.iter().zip(cs).filter(|(o, g)| {
                    g.sku.track();
                    g.price.track();
                    !matches!(edit_of(o, g), Ok(None))
                })
                .count()
            })
        })
    };
    let save = move |_| {
        let mut edits = Vec::new();
        let mut at = Vec::new();
        let mut refused = false;
        cells.with_value(|cs| {
            originals.with_value(|os| {
                for (i, (o, g)) in os.iter().zip(cs).enumerate() {
                    g.error.set(None);
                    match edit_of(o, g) {
                        Ok(Some(e)) => {
                            edits.push(e);
                            at.push(i);
                        }
                        Ok(None) => {}
                        Err(m) => {
                            g.error.set(Some(m));
                            refused = true;
                        }
                    }
                }
            })
        });
        if refused || edits.is_empty() {
            status.set(Some(if refused { "Fix the marked cell first.".into() } else { "Nothing has changed.".into() }));
            return;
        }
        saving.set(true);
        status.set(Some("Saving…".into()));
        leptos::task::spawn_local(async move {
            match super::product::admin_save_cells(product_id, edits).await {
                Ok(_) => {
                    status.set(Some("Saved.".into()));
                    #[cfg(feature = "hydrate")]
                    reload();
                }
                Err(e) => {
                    saving.set(false);
                    // "cells.<index>.<field>": the index among the cells sent.
                    let cell = match &e {
                        AppError::Field { field, .. } => field.split('.').nth(1).and_then(|i| i.parse::<usize>().ok()).and_then(|i| at.get(i).copied()),
                        _ => None,
                    };
                    match cell {
                        Some(i) => {
                            cells.with_value(|cs| cs[i].error.set(Some(e.to_string())));
                            status.set(Some(format!("Not saved: {} ({}).", e, originals.with_value(|os| os[i].label()))));
                        }
                        None => status.set(Some(format!("Not saved: {e}"))),
                    }
                }
            }
        });
    };
    let rows = matrix.rows.clone();
    let row_label = matrix.row_label.clone();
    let col_label = matrix.col_label.clone();
    let head = columns.clone();
    view! {
        <div class="matrix-grid" data-testid="matrix-grid" data-hydrated=hydrated>
            <div class="matrix-scroll">
                <table class="matrix" data-testid="matrix">
                    <thead><tr>
                        <th scope="col">{format!("{row_label} \\ {col_label}")}</th>
                        {head.into_iter().map(|c| view! { <th scope="col">{c.unwrap_or_else(|| "—".into())}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().enumerate().map(|(r, row)| {
                            let width = columns.len();
                            view! {
                                <tr>
                                    <th scope="row">{row}</th>
                                    {(0..width).map(|c| {
                                        let i = r * width + c;
                                        let o = originals.with_value(|os| os[i].clone());
                                        let g = cells.with_value(|cs| cs[i]);
                                        view! { <GridTd o g hydrated/> }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="grid-actions" hidden=move || hydrated().is_none()>
                <button type="button" class="button" data-testid="grid-save" on:click=save
                    disabled=move || saving.get() || changes() == 0>
                    {move || match changes() { 0 => "No changes to save".to_owned(), 1 => "Save 1 change".to_owned(), n => format!("Save {n} changes") }}
                </button>
                <p class="field-hint">"Type in the grid: a SKU and a price make a variant. Stock of existing variants changes by adjustment, below."</p>
                <p role="status" data-testid="grid-status" class="grid-status">{move || status.get()}</p>
            </div>
        </div>
    }
}

/// One grid cell: read-only (with a link to its form) until the page is interactive, then inputs.
#[component]
fn GridTd(o: Original, g: GridCell, hydrated: impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static) -> impl IntoView {
    let anchor = crate::catalog::edit::cell_anchor(&o.row, o.col.as_deref());
    let live = o.cell.clone().filter(|c| !c.archived);
    let made = live.is_some();
    let label = o.label();
    let col = o.col.clone().unwrap_or_default();
    let row = o.row.clone();
    let fixed = move || match live.clone() {
        Some(c) => view! {
            <a href=format!("#{anchor}")>{c.sku.clone()}</a>
            <span class="cell-price">{c.price.display()}</span>
            <span class=if c.stock <= c.low_stock_threshold { "cell-stock low" } else { "cell-stock" }>{c.stock} " in stock"</span>
        }.into_any(),
        None => view! { <a href=format!("#{anchor}")>"Not made"</a> }.into_any(),
    };
    let stock_now = o.cell.as_ref().filter(|c| !c.archived).map(|c| c.stock);
    let editable = move || {
        let label = label.clone();
        view! {
            <input class="grid-sku" aria-label=format!("SKU, {label}") maxlength=64 placeholder="SKU"
                prop:value=move || g.sku.get() on:input=move |ev| g.sku.set(event_target_value(&ev))
                aria-invalid=move || g.error.get().map(|_| "true")/>
            <input class="grid-price" aria-label=format!("Price in euros, {label}") inputmode="decimal" maxlength=12 placeholder="€"
                prop:value=move || g.price.get() on:input=move |ev| g.price.set(event_target_value(&ev))/>
            {match stock_now {
                Some(n) => view! { <span class="cell-stock">{n} " in stock"</span> }.into_any(),
                None => view! {
                    <input class="grid-stock" aria-label=format!("Opening stock, {label}") inputmode="numeric" maxlength=6 placeholder="stock"
                        prop:value=move || g.stock.get() on:input=move |ev| g.stock.set(event_target_value(&ev))/>
                }.into_any(),
            }}
            {move || g.error.get().map(|m| view! { <span class="field-error">{m}</span> })}
        }
    };
    view! {
        <td class=if made { "" } else { "not-made" } data-testid=if made { "cell" } else { "cell-empty" } data-row=row data-col=col>
            {move || if hydrated().is_some() { editable().into_any() } else { fixed().into_any() }}
        </td>
    }
}

/// One file being uploaded: its name, how much is sent, and the server's answer.
#[derive(Clone)]
struct Upload {
    name: String,
    sent: RwSignal<u32>,
    /// None while sending; Ok, or the reason it was refused.
    outcome: RwSignal<Option<Result<(), String>>>,
}

/// The photo upload form (its children, a plain multi-file form that works alone) made better:
/// files can be dropped on it, each is sent on its own with a progress bar, and each refusal
/// says why next to its file.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
pub fn PhotoUploader(product_id: i64, children: Children) -> impl IntoView {
    let hydrated = crate::ui::hydrated_marker();
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let dragging = RwSignal::new(false);
    let chosen = RwSignal::new(None::<String>);
    let finished = move || {
        let all = uploads.get();
        !all.is_empty() && all.iter().all(|u| u.outcome.get().is_some())
    };
    let accepted = move || uploads.get().iter().filter(|u| matches!(u.outcome.get(), Some(Ok(())))).count();
    let _ = product_id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        browser::start(&ev, product_id, uploads);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        browser::dropped(&ev, chosen);
    };
    // Everything accepted: show the new photos (with their preparation) at once.
    Effect::new(move |_| {
        if finished() && accepted() == uploads.with(Vec::len) {
            #[cfg(feature = "hydrate")]
            reload();
        }
    });
    view! {
        <div class="uploader" class:dragging=move || dragging.get() data-testid="uploader" data-hydrated=hydrated
            on:submit=on_submit
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <p class="drop-hint" hidden=move || hydrated().is_none()>"Drop photos anywhere on this box, or choose them below."</p>
            {children()}
            <p role="status" class="field-hint" data-testid="upload-chosen">{move || chosen.get()}</p>
            <ul class="upload-list" data-testid="upload-list">
                {move || uploads.get().into_iter().map(|u| {
                    let sent = u.sent;
                    let outcome = u.outcome;
                    view! {
                        <li data-testid="upload" data-state=move || match outcome.get() { None => "sending", Some(Ok(())) => "done", Some(Err(_)) => "refused" }>
                            <span class="upload-name">{u.name.clone()}</span>
                            <progress max="100" value=move || sent.get() aria-label=format!("Sending {}", u.name)></progress>
                            <span class="upload-outcome">{move || match outcome.get() {
                                None => format!("{}%", sent.get()),
                                Some(Ok(())) => "Uploaded".to_owned(),
                                Some(Err(e)) => format!("Refused: {e}"),
                            }}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="button secondary-outline" data-testid="show-uploaded"
                hidden=move || !(finished() && accepted() > 0)
                on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    reload();
                }>"Show the uploaded photos"</button>
        </div>
    }
}

/// Drag a photo onto another to put it there; the up/down buttons (its children's forms) stay
/// for keyboards and for pages without JavaScript.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
pub fn PhotoOrder(product_id: i64, children: Children) -> impl IntoView {
    let dragged = RwSignal::new(None::<i64>);
    let status = RwSignal::new(None::<String>);
    let _ = product_id;
    let on_drop = move |ev: leptos::ev::DragEvent| {
        let Some(from) = dragged.get_untracked() else { return };
        ev.prevent_default();
        dragged.set(None);
        #[cfg(not(feature = "hydrate"))]
        let _ = (from, status);
        #[cfg(feature = "hydrate")]
        if let Some(by) = browser::drop_offset(&ev, from) {
            status.set(Some("Moving…".into()));
            leptos::task::spawn_local(async move {
                match super::product::admin_photo_move(product_id, from, by).await {
                    Ok(()) => reload(),
                    Err(e) => status.set(Some(format!("Not moved: {e}"))),
                }
            });
        }
    };
    view! {
        <div class="photo-order" data-testid="photo-order"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                #[cfg(feature = "hydrate")]
                dragged.set(browser::photo_id(&ev));
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:dragover=move |ev: leptos::ev::DragEvent| if dragged.get_untracked().is_some() { ev.prevent_default(); }
            on:dragend=move |_| dragged.set(None)
            on:drop=on_drop>
            {children()}
            <p role="status" class="field-hint" data-testid="order-status">{move || status.get()}</p>
        </div>
    }
}

/// While photos are being prepared: one bar for all of them, followed live, and a button to show
/// them once ready (never a reload on its own: staff may be typing). Without JavaScript, a link to
/// refresh.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
pub fn PhotoProgressBar(product_id: i64, busy: usize, percent: i32) -> impl IntoView {
    let busy = RwSignal::new(busy);
    let percent = RwSignal::new(percent);
    let _ = product_id;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if busy.get_untracked() == 0 {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(photos) = super::product::admin_photo_progress(product_id).await {
                        let working: Vec<_> = photos.iter().filter(|p| p.busy()).collect();
                        percent.set(if working.is_empty() { 100 } else { working.iter().map(|p| p.progress).sum::<i32>() / working.len() as i32 });
                        busy.set(working.len());
                    }
                });
            },
            std::time::Duration::from_millis(1500),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    });
    view! {
        <p class="notice photo-progress" role="status" data-testid="photo-progress">
            {move || match busy.get() { 0 => "All photos are ready. ".to_owned(), 1 => "Preparing 1 photo… ".to_owned(), n => format!("Preparing {n} photos… ") }}
            <progress max="100" value=move || percent.get() aria-label="Preparing the photos" hidden=move || busy.get() == 0></progress>
            " "
            {move || if busy.get() == 0 {
                view! {
                    <button type="button" class="button secondary-outline" data-testid="photos-show" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        reload();
                    }>"Show them"</button>
                }.into_any()
            } else {
                view! { <a href="#photos" data-testid="photos-refresh">"Refresh"</a> }.into_any()
            }}
        </p>
    }
}

/// What only the browser can do: read forms and files, send them with progress, find drop targets.
#[cfg(feature = "hydrate")]
mod browser {
    use super::Upload;
    use crate::catalog::edit::FileOutcome;
    use crate::error::AppError;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;
    use wasm_bindgen::{closure::Closure, JsCast};

    /// Files dropped on the box go into the form's file input; with the alt text filled in, the
    /// form is sent at once.
    pub fn dropped(ev: &web_sys::DragEvent, chosen: RwSignal<Option<String>>) {
        let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) else { return };
        let Some(form) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.query_selector("form").ok().flatten()) else { return };
        let Ok(form) = form.dyn_into::<web_sys::HtmlFormElement>() else { return };
        if let Some(input) = form.query_selector("input[type=file]").ok().flatten().and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.set_files(Some(&files));
        }
        let n = files.length();
        chosen.set(Some(format!("{n} photo{} chosen.", if n == 1 { "" } else { "s" })));
        if form.check_validity() {
            let _ = form.request_submit();
        } else {
            form.report_validity();
        }
    }

    /// Sends the form's files one after another, each with its own request and progress bar.
    pub fn start(ev: &leptos::ev::SubmitEvent, product_id: i64, uploads: RwSignal<Vec<Upload>>) {
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let alt = data.get("alt").as_string().unwrap_or_default();
        let option = data.get("option_value").as_string().unwrap_or_default();
        let files: Vec<web_sys::File> =
            data.get_all("photos").iter().filter_map(|f| f.dyn_into::<web_sys::File>().ok()).filter(|f| !f.name().is_empty()).collect();
        let queue: VecDeque<(web_sys::File, Upload)> = files
            .into_iter()
            .map(|f| {
                let u = Upload { name: f.name(), sent: RwSignal::new(0), outcome: RwSignal::new(None) };
                (f, u)
            })
            .collect();
        uploads.set(queue.iter().map(|(_, u)| u.clone()).collect());
        form.reset();
        let url = format!("/api/admin/photos/{product_id}");
        send_next(Rc::new(RefCell::new(queue)), Rc::new((url, alt, option)));
    }

    fn send_next(queue: Rc<RefCell<VecDeque<(web_sys::File, Upload)>>>, form: Rc<(String, String, String)>) {
        let Some((file, up)) = queue.borrow_mut().pop_front() else { return };
        let outcome = up.outcome;
        if let Err(e) = send(&file, &up, &form, {
            let (queue, form) = (queue.clone(), form.clone());
            move || send_next(queue, form)
        }) {
            outcome.set(Some(Err(format!("{e:?}"))));
            send_next(queue, form);
        }
    }

    fn send(file: &web_sys::File, up: &Upload, form: &(String, String, String), then: impl FnOnce() + 'static) -> Result<(), wasm_bindgen::JsValue> {
        let (url, alt, option) = form;
        let data = web_sys::FormData::new()?;
        data.append_with_str("alt", alt)?;
        data.append_with_str("option_value", option)?;
        data.append_with_blob_and_filename("photos", file, &file.name())?;
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", url)?;
        xhr.set_request_header("Accept", "application/json")?;
        let sent = up.sent;
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                sent.set((e.loaded() / e.total() * 100.0).round() as u32);
            }
        });
        xhr.upload()?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        progress.forget();
        let outcome = up.outcome;
        let done = xhr.clone();
        let finished = Closure::once_into_js(move || {
            let body = done.response_text().ok().flatten().unwrap_or_default();
            let result = match done.status().unwrap_or(0) {
                200 => match serde_json::from_str::<Vec<FileOutcome>>(&body).ok().and_then(|o| o.into_iter().next()) {
                    Some(FileOutcome { error: Some(e), .. }) => Err(e),
                    Some(_) => Ok(()),
                    None => Err("the server's answer could not be read.".into()),
                },
                0 => Err("the connection was lost; try again.".into()),
                status => Err(serde_json::from_str::<AppError>(&body).map(|e| e.to_string()).unwrap_or_else(|_| format!("the server answered {status}."))),
            };
            if result.is_ok() {
                sent.set(100);
            }
            outcome.set(Some(result));
            then();
        });
        xhr.set_onloadend(Some(finished.unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&data))
    }

    fn photo_item(target: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
        target?.dyn_into::<web_sys::Element>().ok()?.closest("[data-photo-id]").ok().flatten()
    }

    /// The photo a drag starts on (and the drag's data, which some browsers need to start one).
    pub fn photo_id(ev: &web_sys::DragEvent) -> Option<i64> {
        let item = photo_item(ev.target())?;
        let id = item.get_attribute("data-photo-id")?;
        if let Some(dt) = ev.data_transfer() {
            dt.set_effect_allowed("move");
            let _ = dt.set_data("text/plain", &id);
        }
        id.parse().ok()
    }

    /// How many places the dragged photo moves to land where it was dropped.
    pub fn drop_offset(ev: &web_sys::DragEvent, from: i64) -> Option<i32> {
        let target = photo_item(ev.target())?.get_attribute("data-photo-id")?.parse::<i64>().ok()?;
        let root = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
        let items = root.query_selector_all("[data-photo-id]").ok()?;
        let ids: Vec<i64> = (0..items.length())
            .filter_map(|i| items.item(i)?.dyn_into::<web_sys::Element>().ok()?.get_attribute("data-photo-id")?.parse().ok())
            .collect();
        let (a, b) = (ids.iter().position(|i| *i == from)?, ids.iter().position(|i| *i == target)?);
        (a != b).then_some(b as i32 - a as i32)
    }
}

