//! Charts drawn on the server as SVG: readable without JavaScript, each with a title and a
//! description for screen readers and a `<title>` per bar; the pages put the same figures in a
//! table beside them.
use leptos::prelude::*;

const W: f64 = 640.0;
const H: f64 = 200.0;
const PAD_LEFT: f64 = 4.0;
const PAD_BOTTOM: f64 = 18.0;

/// Bars per day: `up` above the axis and, if given, `down` below it (refunds), scaled together.
/// `label(i)` names bar `i` (a day); `value(v)` words an amount.
#[component]
pub fn DayBars(
    id: String,
    title: String,
    desc: String,
    labels: Vec<String>,
    up: Vec<i64>,
    #[prop(optional)] down: Option<Vec<i64>>,
    value: fn(i64) -> String,
) -> impl IntoView {
    let n = labels.len().max(1) as f64;
    let max_up = up.iter().copied().max().unwrap_or(0).max(1) as f64;
    let max_down = down.as_ref().and_then(|d| d.iter().copied().max()).unwrap_or(0) as f64;
    let plot = H - PAD_BOTTOM;
    // The axis sits where the two scales meet (all the height to `up` without `down`).
    let axis = plot * max_up / (max_up + max_down);
    let unit = axis / max_up;
    let step = (W - PAD_LEFT) / n;
    let bar = (step * 0.8).max(1.0);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let bars = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let x = PAD_LEFT + step * i as f64 + (step - bar) / 2.0;
            let u = up.get(i).copied().unwrap_or(0);
            let d = down.as_ref().and_then(|d| d.get(i)).copied().unwrap_or(0);
            let hu = u as f64 * unit;
            let hd = d as f64 * unit;
            let tip = if down.is_some() { format!("{l}: {}, refunds {}", value(u), value(d)) } else { format!("{l}: {}", value(u)) };
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="bar-up" x=format!("{x:.1}") y=format!("{:.1}", axis - hu) width=format!("{bar:.1}") height=format!("{hu:.1}")/>
                    {(d > 0).then(|| view! {
                        <rect class="bar-down" x=format!("{x:.1}") y=format!("{axis:.1}") width=format!("{bar:.1}") height=format!("{hd:.1}")/>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=labelled_by
            data-testid=id.clone()>
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            <line class="axis" x1="0" x2=W.to_string() y1=format!("{axis:.1}") y2=format!("{axis:.1}")/>
            {bars}
            <text class="chart-label" x=PAD_LEFT.to_string() y=(H - 4.0).to_string()>{first}</text>
            <text class="chart-label" x=(W - 4.0).to_string() y=(H - 4.0).to_string() text-anchor="end">{last}</text>
            <text class="chart-label" x=PAD_LEFT.to_string() y="12">{format!("max {}", value(max_up as i64))}</text>
        </svg>
    }
}

/// Horizontal bars, one per named stage (the funnel), scaled to the largest.
#[component]
pub fn StageBars(id: String, title: String, desc: String, stages: Vec<(String, i64)>) -> impl IntoView {
    let top = stages.iter().map(|s| s.1).max().unwrap_or(0).max(1) as f64;
    let row = 30.0;
    let height = row * stages.len() as f64 + 4.0;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let bars = stages
        .iter()
        .enumerate()
        .map(|(i, (name, n))| {
            let w = ((*n as f64 / top) * (W - 220.0)).clamp(0.0, W - 220.0);
            let y = 4.0 + row * i as f64;
            view! {
                <g>
                    <title>{format!("{name}: {n}")}</title>
                    <text class="chart-label" x="0" y=format!("{:.1}", y + 17.0)>{name.clone()}</text>
                    <rect class="bar-up" x="150" y=format!("{y:.1}") width=format!("{w:.1}") height="22"/>
                    <text class="chart-label" x=format!("{:.1}", 156.0 + w) y=format!("{:.1}", y + 17.0)>{n.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart funnel-chart" viewBox=format!("0 0 {W} {height}") role="img" aria-labelledby=labelled_by
            data-testid=id.clone()>
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {bars}
        </svg>
    }
}
