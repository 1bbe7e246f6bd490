//! Staff category management: create, rename, change the address, move under another parent. The
//! listing pages read categories on every request, so they follow at once.
use crate::catalog::edit::CategoryOption;
use crate::catalog::model::Department;
use crate::error::AppError;
use crate::ui::page::{FormOutcome, PageMeta, private_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use crate::platform::request::{respond_at, RequestCtx};

pub const ADMIN_CATEGORIES_FORM: &str = "admin_categories";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCategories {
    pub staff: super::Staff,
    pub categories: Vec<CategoryOption>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[server(prefix = "/api/admin", endpoint = "categories")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/categories", skip_all))]
pub async fn get_admin_categories() -> Result<AdminCategories, AppError> {
    let ctx = RequestCtx::load().await?;
    let (staff, _) = super::admin_actor(&ctx).await?;
    let categories = crate::catalog::ssr::staff::categories(ctx.pool()).await?;
    let error = ctx.take_flash(ADMIN_CATEGORIES_FORM).await?.map(|f| f.message);
    Ok(AdminCategories { staff, categories, notice: ctx.take_notice().await?, error })
}

/// Name 1..=80 characters; slug as typed or derived from the name; parent empty for a top level.
#[cfg(feature = "ssr")]
fn category_fields(name: &str, slug: &str, parent_id: &str) -> Result<(String, String, Option<i64>), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(AppError::Field { field: "name".into(), message: "A category name is 1 to 80 characters.".into() });
    }
    let slug = if slug.trim().is_empty() { crate::catalog::edit::slug_from_name(name) } else { slug.trim().to_owned() };
    if crate::types::Slug::parse(&slug).is_none() || slug.len() > 80 {
        return Err(AppError::Field { field: "slug".into(), message: "The address is lower-case letters, digits and single hyphens.".into() });
    }
    let parent = match parent_id.trim() {
        "" => None,
        p => Some(p.parse::<i64>().map_err(|_| AppError::Field { field: "parent_id".into(), message: "Choose a parent.".into() })?),
    };
    Ok((name.to_owned(), slug, parent))
}

/// Staff: creates a category, or renames/moves one (`id` given).
#[server(prefix = "/api/admin", endpoint = "category-save")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/admin/category-save", skip_all))]
pub async fn admin_save_category(
    id: Option<i64>,
    name: String,
    slug: String,
    department: Option<String>,
    parent_id: String,
) -> Result<(), AppError> {
    let ctx = RequestCtx::load().await?;
    let r = async {
        let (_, actor) = super::admin_actor(&ctx).await?;
        let (name, slug, parent) = category_fields(&name, &slug, &parent_id)?;
        match id {
            Some(id) => {
                crate::catalog::ssr::staff::update_category(ctx.pool(), &actor, id, &name, &slug, parent).await?;
                ctx.notice(&format!("Category “{name}” saved.")).await?;
            }
            None => {
                let d = department.as_deref().and_then(Department::parse).ok_or_else(|| AppError::Field {
                    field: "department".into(),
                    message: "Choose Games or Jewelry.".into(),
                })?;
                crate::catalog::ssr::staff::create_category(ctx.pool(), &actor, &name, &slug, d, parent).await?;
                ctx.notice(&format!("Category “{name}” created.")).await?;
            }
        }
        Ok("/admin/categories".to_owned())
    }
    .await;
    respond_at(&ctx, ADMIN_CATEGORIES_FORM, "/admin/categories", r).await
}

#[component]
pub fn AdminCategoriesPage() -> impl IntoView {
    private_page(get_admin_categories, |page: AdminCategories| {
        let roots: Vec<CategoryOption> = page.categories.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
        let parent_select = move |id: String, current: Option<i64>, department: Option<Department>, this: Option<i64>| {
            let options = roots
                .iter()
                .filter(|r| department.is_none_or(|d| d == r.department) && Some(r.id) != this)
                .map(|r| {
                    let v = r.id.to_string();
                    view! { <option value=v selected=current == Some(r.id)>{format!("{} › {}", r.department.label(), r.name)}</option> }
                })
                .collect_view();
            view! {
                <select id=id name="parent_id">
                    <option value="" selected=current.is_none()>"(top level)"</option>
                    {options}
                </select>
            }
        };
        let parent_new = parent_select.clone();
        view! {
            <PageMeta title="Categories · Admin".into() description="Categories".into() canonical_path="/admin/categories".into()/>
            <super::AdminNav staff=page.staff.clone()/>
            <section class="admin-page admin-wide" aria-labelledby="admin-categories-title">
                <h1 id="admin-categories-title">"Categories"</h1>
                <FormOutcome notice=page.notice error=page.error/>
                <table class="order-table staff-categories" data-testid="staff-categories">
                    <thead><tr><th scope="col">"Category"</th><th scope="col">"Products"</th><th scope="col">"Rename or move"</th></tr></thead>
                    <tbody>
                        {page.categories.iter().map(|c| {
                            let fid = format!("cat-{}", c.id);
                            let has_children = page.categories.iter().any(|x| x.parent_id == Some(c.id));
                            view! {
                                <tr data-testid="staff-category" data-slug=c.slug.clone()>
                                    <td><strong>{c.path.clone()}</strong>
                                        <span class="cart-variant">{c.department.label()} " · " <a href=format!("/c/{}", c.slug)>{format!("/c/{}", c.slug)}</a></span></td>
                                    <td>{c.products}</td>
                                    <td>
                                        <form method="post" action=AdminSaveCategory::PATH class="inline-form category-form">
                                            <input type="hidden" name="id" value=c.id.to_string()/>
                                            <label for=format!("{fid}-name")>"Name"</label>
                                            <input id=format!("{fid}-name") name="name" value=c.name.clone() required=true maxlength=80/>
                                            <label for=format!("{fid}-slug")>"Address"</label>
                                            <input id=format!("{fid}-slug") name="slug" value=c.slug.clone() maxlength=80 pattern="[a-z0-9]+(-[a-z0-9]+)*"/>
                                            {if has_children {
                                                view! { <input type="hidden" name="parent_id" value=""/> }.into_any()
                                            } else {
                                                view! {
                                                    <label for=format!("{fid}-parent")>"Parent"</label>
                                                    {parent_select(format!("{fid}-parent"), c.parent_id, Some(c.department), Some(c.id))}
                                                }.into_any()
                                            }}
                                            <button type="submit" class="button secondary-outline"
                                                aria-label=format!("Save category {}", c.name)>"Save"</button>
                                        </form>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>"New category"</h2>
                <form method="post" action=AdminSaveCategory::PATH class="auth-form narrow-form" data-testid="new-category">
                    <div class="field">
                        <label for="nc-name">"Name"</label>
                        <input id="nc-name" name="name" required=true maxlength=80/>
                    </div>
                    <div class="field">
                        <label for="nc-slug">"Address (optional)"</label>
                        <input id="nc-slug" name="slug" maxlength=80 pattern="[a-z0-9]+(-[a-z0-9]+)*" aria-describedby="nc-slug-hint"/>
                        <p class="field-hint" id="nc-slug-hint">"Made from the name when empty."</p>
                    </div>
                    <div class="field">
                        <label for="nc-dept">"Department"</label>
                        <select id="nc-dept" name="department" required=true>
                            <option value="games">"Games"</option>
                            <option value="jewelry">"Jewelry"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="nc-parent">"Parent"</label>
                        {parent_new("nc-parent".into(), None, None, None)}
                        <p class="field-hint">"A parent must be in the same department."</p>
                    </div>
                    <button type="submit" class="button primary">"Create category"</button>
                </form>
            </section>
        }
    })
}
