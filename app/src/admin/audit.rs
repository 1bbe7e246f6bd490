//! The audit log for staff: every staff change, filtered by who, what, action and date, a page at a
//! time, and the same filter as a CSV download. Admins only. Times are UTC.
use crate::error::AppError;
use crate::ui::page::{query_pairs, PageMeta, private_page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::RequestCtx;

/// Rows per page.
pub const AUDIT_PER_PAGE: i64 = 50;
/// Where the CSV export of a filter is served (`?` the page's own query).
pub const AUDIT_CSV_ROUTE: &str = "/admin/audit.csv";

/// The log page's filters as typed in its query string (kept as text so the form shows them back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub who: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// `YYYY-MM-DD`, or empty.
    pub from: String,
    pub to: String,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
}

/// The things the log knows, for the filter's choices.
pub const ENTITIES: [(&str, &str); 7] = [
    ("product", "Product"),
    ("variant", "Variant"),
    ("photo", "Photo"),
    ("category", "Category"),
    ("order", "Order"),
    ("user", "Customer"),
    ("discount", "Discount code"),
];

impl AuditFilter {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = AuditFilter::default();
        let short = |v: &str, n: usize| v.trim().chars().filter(|c| !c.is_control()).take(n).collect::<String>();
        for (k, v) in pairs {
            match k.as_str() {
                "who" => f.who = short(v, 254),
                "entity" => f.entity = short(v, 40),
                "entity_id" => f.entity_id = short(v, 100),
                "action" => f.action = short(v, 60),
                "from" => f.from = short(v, 10),
                "to" => f.to = short(v, 10),
                "before" => f.before = v.parse().ok().filter(|b| *b > 0),
                _ => {}
            }
        }
        f
    }

    /// The filter as a query string (without `before` unless given).
    pub fn query(&self, before: Option<i64>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("who", &self.who), ("entity", &self.entity), ("entity_id", &self.entity_id), ("action", &self.action), ("from", &self.from), ("to", &self.to)] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if let Some(b) = before {
            q.append_pair("before", &b.to_string());
        }
        q.finish()
    }

    /// The filter for the database; a date that is not a date is a clear error.
    #[cfg(feature = "ssr")]
    pub fn to_query(&self) -> Result<crate::platform::audit::Query, AppError> {
        let date = |field: &str, v: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
            if v.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::Field { field: field.into(), message: "Enter a date as YYYY-MM-DD.".into() })
        };
        Ok(crate::platform::audit::Query {
            who: self.who.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            action: self.action.clone(),
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            before: self.before,
        })
    }
}

/// One entry as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// "2026-12-07 16:10:59" (UTC).
    pub at: String,
    pub actor: String,
    pub ip: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// What changed: (field, before, after); a field missing on one side shows "—".
    pub changes: Vec<(String, String, String)>,
}

impl AuditEntry {
    /// Where the changed thing is managed, if it has a staff page.
    pub fn href(&self) -> Option<String> {
        match self.entity.as_str() {
            "product" => Some(format!("/admin/products/{}", self.entity_id)),
            "category" => Some("/admin/categories".into()),
            "order" => Some(format!("/admin/orders/{}", self.entity_id)),
            _ => None,
        }
    }
}

/// The changed top-level fields of two JSON states (a creation or deletion lists every field).
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    let (b, a) = (parse(before), parse(after));
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    match (b.as_ref(), a.as_ref()) {
        (Some(serde_json::Value::Object(bo)), Some(serde_json::Value::Object(ao))) => {
            let mut keys: Vec<&String> = bo.keys().chain(ao.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| bo.get(*k) != ao.get(*k))
                .map(|k| (k.clone(), show(bo.get(k)), show(ao.get(k))))
                .collect()
        }
        (Some(serde_json::Value::Object(o)), None) => o.iter().map(|(k, v)| (k.clone(), show(Some(v)), "—".into())).collect(),
        (None, Some(serde_json::Value::Object(o))) => o.iter().map(|(k, v)| (k.clone(), "—".into(), show(Some(v)))).collect(),
        (b, a) if b.is_some() || a.is_some() => vec![("value".into(), show(b), show(a))],
        _ => Vec::new(),
    }
}

#[cfg(feature = "ssr")]
impl From<crate::platform::audit::Row> for AuditEntry {
    fn from(r: crate::platform::audit::Row) -> Self {
        AuditEntry {
            id: r.id,
            at: r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            changes: changes(r.before.as_deref(), r.after.as_deref()),
            actor: r.actor_email,
            ip: r.ip,
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAudit {
    pub staff: super::Staff,
    pub filter: AuditFilter,
    pub entries: Vec<AuditEntry>,
    /// The id to pass as `before` for the next (older) page, if there is one.
    pub older: Option<i64>,
    /// Why the filter was refused (a bad date), shown above the form.
    pub error: Option<String>,
}

/// Admins: one page of the audit log matching the filters in `query` (the page's query string).
#[server(prefix = "/api/admin", endpoint = "audit")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/audit", skip_all))]
pub async fn get_admin_audit(query: Vec<(String, String)>) -> Result<AdminAudit, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let filter = AuditFilter::from_pairs(&query);
    let q = match filter.to_query() {
        Ok(q) => q,
        Err(e) => return Ok(AdminAudit { staff, filter, entries: Vec::new(), older: None, error: Some(e.to_string()) }),
    };
    let mut rows = crate::platform::audit::list(ctx.pool(), &q, AUDIT_PER_PAGE + 1).await?;
    let older = (rows.len() as i64 > AUDIT_PER_PAGE).then(|| {
        rows.truncate(AUDIT_PER_PAGE as usize);
        rows.last().map(|r| r.id)
    }).flatten();
    Ok(AdminAudit { staff, filter, entries: rows.into_iter().map(AuditEntry::from).collect(), older, error: None })
}

/// `GET /admin/audit.csv?…`: every entry matching the page's filters, streamed as CSV. Admins only
/// (403 otherwise, as for the page).
#[cfg(feature = "ssr")]
pub async fn audit_csv(
    axum::extract::State(st): axum::extract::State<super::export::ExportState>,
    parts: axum::http::request::Parts,
) -> axum::response::Response {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let q = match st.require(&parts, crate::accounts::model::Role::Admin).await.and_then(|_| AuditFilter::from_pairs(&pairs).to_query()) {
        Ok(q) => q,
        Err(e) => return super::export::refusal(e),
    };
    let pool = st.pool.clone();
    let name = format!("audit-{}.csv", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
    let header = &["id", "at_utc", "actor", "ip", "entity", "entity_id", "action", "before", "after"];
    crate::platform::csv_export::download(&name, header, move |mut sink| async move {
        use futures_util::StreamExt;
        let sql = crate::platform::audit::stream_sql();
        let mut rows = crate::platform::audit::stream(&pool, &q, &sql);
        while let Some(r) = rows.next().await {
            let r = r?;
            let record = [
                r.id.to_string(),
                r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                r.actor_email,
                r.ip.unwrap_or_default(),
                r.entity,
                r.entity_id,
                r.action,
                r.before.unwrap_or_default(),
                r.after.unwrap_or_default(),
            ];
            if !sink.push(record).await {
                break;
            }
        }
        drop(rows);
        Ok(sink)
    })
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let pairs = query_pairs();
    private_page(move || get_admin_audit(pairs.clone()), |page: AdminAudit| {
        let f = page.filter.clone();
        let csv = format!("{AUDIT_CSV_ROUTE}?{}", f.query(None));
        view! {
            <PageMeta title="Audit log · Admin".into() description="Who changed what".into() canonical_path="/admin/audit".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-audit-title">
                <div class="admin-head">
                    <h1 id="admin-audit-title">"Audit log"</h1>
                    <super::ExportLink href=csv test_id="audit-csv"/>
                </div>
                <p class="field-hint">"Every staff change, newest first. Times are UTC. Entries cannot be changed or deleted."</p>
                {page.error.map(|m| view! { <div class="form-error" role="alert" data-testid="form-error"><p>{m}</p></div> })}
                <form method="get" action="/admin/audit" class="admin-filters" role="search" aria-label="Filter the audit log">
                    <div class="field">
                        <label for="af-who">"Who"</label>
                        <input id="af-who" type="search" name="who" value=f.who.clone() placeholder="Staff e-mail" maxlength=254/>
                    </div>
                    <div class="field">
                        <label for="af-entity">"What"</label>
                        <select id="af-entity" name="entity">
                            <option value="" selected=f.entity.is_empty()>"Anything"</option>
                            {ENTITIES.iter().map(|(v, l)| view! { <option value=*v selected=f.entity == *v>{*l}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="af-id">"Id"</label>
                        <input id="af-id" name="entity_id" value=f.entity_id.clone() inputmode="text" maxlength=100 size=8/>
                    </div>
                    <div class="field">
                        <label for="af-action">"Action"</label>
                        <input id="af-action" type="search" name="action" value=f.action.clone() placeholder="e.g. order.refund" maxlength=60/>
                    </div>
                    <div class="field">
                        <label for="af-from">"From"</label>
                        <input id="af-from" type="date" name="from" value=f.from.clone()/>
                    </div>
                    <div class="field">
                        <label for="af-to">"To"</label>
                        <input id="af-to" type="date" name="to" value=f.to.clone()/>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="button">"Filter"</button>
                        <a href="/admin/audit">"Clear"</a>
                    </div>
                </form>
                {if page.entries.is_empty() {
                    view! { <p data-testid="audit-empty">"No entries match."</p> }.into_any()
                } else {
                    view! { <AuditTable entries=page.entries.clone()/> }.into_any()
                }}
                <nav class="pagination" aria-label="Pages">
                    {f.before.is_some().then(|| view! { <a href=format!("/admin/audit?{}", f.query(None))>"← Newest"</a> })}
                    {page.older.map(|id| view! { <a href=format!("/admin/audit?{}", f.query(Some(id))) rel="next">"Older →"</a> })}
                </nav>
            </section>
        }
    })
}

/// Audit entries as a table (the log page, and a product's or an order's own history).
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <table class="order-table audit-table" data-testid="audit-entries">
            <thead><tr>
                <th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                <th scope="col">"Action"</th><th scope="col">"Changes"</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let what = format!("{} {}", e.entity, e.entity_id);
                    let href = e.href();
                    view! {
                        <tr data-testid="audit-entry" data-action=e.action.clone()>
                            <td class="nowrap">{e.at.clone()}</td>
                            <td class="admin-email">{e.actor.clone()}
                                {e.ip.clone().map(|ip| view! { <br/><span class="cart-variant">{ip}</span> })}</td>
                            <td>{match href {
                                Some(h) => view! { <a href=h>{what}</a> }.into_any(),
                                None => view! { <span>{what}</span> }.into_any(),
                            }}</td>
                            <td><code>{e.action.clone()}</code></td>
                            <td>
                                <ul class="audit-changes">
                                    {e.changes.into_iter().map(|(k, b, a)| view! {
                                        <li><strong>{k}</strong> ": " <del>{b}</del> " → " <ins>{a}</ins></li>
                                    }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_list_only_what_differs() {
        let c = changes(Some(r#"{"status":"draft","price_minor":100,"name":"A"}"#), Some(r#"{"status":"active","price_minor":100,"sku":"X"}"#));
        assert_eq!(c, [
            ("name".to_owned(), "A".to_owned(), "—".to_owned()),
            ("sku".to_owned(), "—".to_owned(), "X".to_owned()),
            ("status".to_owned(), "draft".to_owned(), "active".to_owned()),
        ]);
        assert_eq!(changes(None, Some(r#"{"alt":"Ring"}"#)), [("alt".to_owned(), "—".to_owned(), "Ring".to_owned())]);
        assert!(changes(None, None).is_empty());
    }

    #[test]
    fn the_filter_round_trips_through_its_query_string() {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(b"who=Ann%40x&entity=order&action=order.re&from=2026-12-01&to=2026-12-07&before=99&junk=1")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let f = AuditFilter::from_pairs(&pairs);
        assert_eq!((f.who.as_str(), f.entity.as_str(), f.before), ("Ann@x", "order", Some(99)));
        let again: Vec<(String, String)> = form_urlencoded::parse(f.query(f.before).as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert_eq!(AuditFilter::from_pairs(&again), f);
    }
}
