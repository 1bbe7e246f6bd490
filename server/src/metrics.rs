//! Prometheus metrics (`prometheus-client`, the Prometheus project's own Rust client), served on a
//! separate listener (`metrics_listen`) that the load balancer never exposes.
//!
//! Requests are counted by the route that matched (`/p/{slug}`, never the raw path: an unknown path
//! is `unmatched`, so random URLs add no series), method and status class, with a latency
//! histogram. What lives in the database (job queue, stock holds, keys per pool, checkouts and
//! paid orders) is read when Prometheus scrapes, so every instance reports the same figures and
//! nothing is lost on a restart; the pool and the jobs running are this instance's own.
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use sqlx::PgPool;
use std::sync::{atomic::AtomicI64, Arc};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    sku: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

/// Everything the shop reports. Cheap to clone (shared inside).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    pool: PgPool,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    db_connections: Family<StateLabel, Gauge>,
    jobs: Family<StateLabel, Gauge>,
    jobs_running: Gauge,
    oldest_ready_job: Gauge<f64, std::sync::atomic::AtomicU64>,
    holds: Gauge,
    keys_left: Family<PoolLabel, Gauge>,
    webhook_failures: Family<ReasonLabel, Counter>,
    checkouts_started: Counter<u64>,
    orders_paid: Counter<u64>,
}

/// Why a payment webhook was not taken.
#[derive(Clone, Copy)]
pub enum WebhookFailure {
    /// Bad signature, unknown event, malformed body: answered 400.
    Refused,
    /// The database failed: answered 500, the provider retries.
    Error,
}

impl Metrics {
    pub fn new(pool: PgPool, max_connections: u32) -> Self {
        let mut registry = Registry::with_prefix("shop");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "Requests answered, by matched route, method and status class", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 1 ms to about 16 s.
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 15))
        });
        registry.register("http_request_duration_seconds", "Time to the response's head, by matched route and method", latency.clone());
        let db_connections = Family::<StateLabel, Gauge>::default();
        registry.register("db_pool_connections", "This instance's database connections, idle or in use", db_connections.clone());
        let db_max_connections: Gauge = Gauge::default();
        db_max_connections.set(i64::from(max_connections));
        registry.register("db_pool_max_connections", "The most connections this instance opens", db_max_connections.clone());
        let jobs = Family::<StateLabel, Gauge>::default();
        registry.register("jobs", "Jobs in the queue: ready to run, scheduled for a retry, or dead", jobs.clone());
        let jobs_running = Gauge::default();
        registry.register("jobs_running", "Jobs this instance is running now", jobs_running.clone());
        let oldest_ready_job = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "jobs_oldest_ready_age_seconds",
            "How long the oldest ready job has been waiting (0 when none)",
            oldest_ready_job.clone(),
        );
        let holds = Gauge::default();
        registry.register("stock_holds_active", "Stock held for checkouts not yet paid or expired", holds.clone());
        let keys_left = Family::<PoolLabel, Gauge>::default();
        registry.register("license_keys_available", "Keys left to sell, per key pool (variant SKU)", keys_left.clone());
        let webhook_failures = Family::<ReasonLabel, Counter>::default();
        registry.register("payment_webhook_failures", "Payment webhooks not taken, by reason", webhook_failures.clone());
        let checkouts_started = Counter::<u64>::default();
        registry.register("checkouts_started", "Checkouts started (orders created), all instances", checkouts_started.clone());
        let orders_paid = Counter::<u64>::default();
        registry.register("orders_paid", "Orders paid, all instances", orders_paid.clone());
        Metrics(Arc::new(Inner {
            registry,
            pool,
            requests,
            latency,
            db_connections,
            jobs,
            jobs_running,
            oldest_ready_job,
            holds,
            keys_left,
            webhook_failures,
            checkouts_started,
            orders_paid,
        }))
    }

    pub fn webhook_failed(&self, why: WebhookFailure) {
        let reason = match why {
            WebhookFailure::Refused => "refused",
            WebhookFailure::Error => "error",
        };
        self.0.webhook_failures.get_or_create(&ReasonLabel { reason }).inc();
    }

    /// Counts a job while it runs (held by the worker for the job's length).
    pub fn job_running(&self) -> RunningJob {
        self.0.jobs_running.inc();
        RunningJob(self.0.jobs_running.clone())
    }

    /// The text Prometheus reads, with the database's figures read now.
    pub async fn render(&self) -> Result<String, sqlx::Error> {
        let m = &self.0;
        let idle = m.pool.num_idle() as i64;
        m.db_connections.get_or_create(&StateLabel { state: "idle" }).set(idle);
        m.db_connections.get_or_create(&StateLabel { state: "in_use" }).set(i64::from(m.pool.size()) - idle);
        let (ready, scheduled, dead, oldest): (i64, i64, i64, f64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'queued' AND run_at <= now()),
                    count(*) FILTER (WHERE status = 'queued' AND run_at > now()),
                    count(*) FILTER (WHERE status = 'dead'),
                    coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'queued' AND run_at <= now())), 0)::float8
             FROM jobs WHERE status <> 'done'",
        )
        .fetch_one(&m.pool)
        .await?;
        for (state, n) in [("ready", ready), ("scheduled", scheduled), ("dead", dead)] {
            m.jobs.get_or_create(&StateLabel { state }).set(n);
        }
        m.oldest_ready_job.set(oldest);
        let holds: i64 = sqlx::query_scalar("SELECT coalesce(sum(quantity), 0)::bigint FROM stock_holds WHERE status = 'active'")
            .fetch_one(&m.pool)
            .await?;
        m.holds.set(holds);
        let pools: Vec<(String, i64)> = sqlx::query_as(
            "SELECT v.sku, (SELECT count(*) FROM license_keys k WHERE k.variant_id = v.id AND k.status = 'available')
             FROM variants v WHERE v.keyed AND v.archived_at IS NULL",
        )
        .fetch_all(&m.pool)
        .await?;
        // A pool archived since the last scrape leaves no stale series.
        m.keys_left.clear();
        for (sku, left) in pools {
            m.keys_left.get_or_create(&PoolLabel { sku }).set(left);
        }
        // Counters from the database's own sequence and index: the same on every instance.
        let (started, paid): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM order_number_seq),
                    (SELECT count(*) FROM orders WHERE paid_at IS NOT NULL)",
        )
        .fetch_one(&m.pool)
        .await?;
        catch_up(&m.checkouts_started, started);
        catch_up(&m.orders_paid, paid);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &m.registry).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        Ok(prometheus_text(&text))
    }
}

/// The client writes OpenMetrics; this is the same in the classic Prometheus text format (0.0.4),
/// which every scraper and `promtool check metrics` read: a counter's HELP and TYPE name its
/// `_total` series, and there is no `# EOF` or `# UNIT`.
fn prometheus_text(open_metrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = open_metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(open_metrics.len() + 16 * counters.len());
    for line in open_metrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters.contains(name).then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Moves a counter up to a total read elsewhere (counters only go up; a smaller total is ignored).
fn catch_up(counter: &Counter<u64>, total: i64) {
    let total = u64::try_from(total).unwrap_or(0);
    let now = counter.get();
    if total > now {
        counter.inc_by(total - now);
    }
}

/// Holds one count of `jobs_running` until dropped.
pub struct RunningJob(Gauge<i64, AtomicI64>);

impl Drop for RunningJob {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts every request by the route that matched (after routing, so `MatchedPath` is known).
pub async fn count_requests(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = req.method().as_str().to_owned();
    // Only the standard methods get their own series.
    let method = if matches!(method.as_str(), "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") { method } else { "other".into() };
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    let status = format!("{}xx", res.status().as_u16() / 100);
    metrics.0.requests.get_or_create(&RequestLabels { route: route.clone(), method: method.clone(), status }).inc();
    metrics.0.latency.get_or_create(&RouteLabels { route, method }).observe(start.elapsed().as_secs_f64());
    res
}

/// `GET /metrics` on the internal listener.
pub async fn serve(State(metrics): State<Metrics>) -> Response {
    match metrics.render().await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: could not read the database's figures");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The internal listener's application: `/metrics` only.
pub fn router(metrics: Metrics) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(serve)).with_state(metrics)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counters_are_named_by_their_total_series_in_the_prometheus_format() {
        let open = "# HELP shop_orders_paid Orders paid.\n# TYPE shop_orders_paid counter\nshop_orders_paid_total 3\n\
                    # HELP shop_jobs Jobs.\n# TYPE shop_jobs gauge\nshop_jobs{state=\"dead\"} 1\n# EOF\n";
        assert_eq!(
            super::prometheus_text(open),
            "# HELP shop_orders_paid_total Orders paid.\n# TYPE shop_orders_paid_total counter\nshop_orders_paid_total 3\n\
             # HELP shop_jobs Jobs.\n# TYPE shop_jobs gauge\nshop_jobs{state=\"dead\"} 1\n"
        );
    }
}
