-- The change log the in-app facet index follows (app/src/catalog/ssr/facet_index.rs): one row per
-- listing entry whose tokens or scope changed, stamped with the writing transaction's id. A reader
-- remembers the snapshot it last read at and applies exactly the rows not visible in it, so a
-- transaction that commits late (with a lower id than rows already read) is never missed. Append
-- only: no row is contended by two checkouts. A row with no scope (written by listing_rebuild)
-- means "reload everything". Rows older than an hour are trimmed by the count compaction; a
-- reader that has not caught up for half an hour reloads instead of reading the log.
CREATE TABLE listing_changes (
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    scope_id   bigint,
    product_id bigint,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_changes_xid_idx ON listing_changes (xid);

CREATE FUNCTION listing_entries_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO listing_changes (scope_id, product_id) VALUES (OLD.scope_id, OLD.product_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.scope_id <> NEW.scope_id) THEN
        INSERT INTO listing_changes (scope_id, product_id) VALUES (NEW.scope_id, NEW.product_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_entries_log AFTER INSERT OR DELETE ON listing_entries
    FOR EACH ROW EXECUTE FUNCTION listing_entries_log();
CREATE TRIGGER listing_entries_log_update AFTER UPDATE ON listing_entries
    FOR EACH ROW WHEN (OLD.tokens IS DISTINCT FROM NEW.tokens OR OLD.scope_id <> NEW.scope_id)
    EXECUTE FUNCTION listing_entries_log();

-- As before, and the log says "reload" once instead of a row per entry.
CREATE OR REPLACE FUNCTION listing_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7302, 0);
    ALTER TABLE listing_entries DISABLE TRIGGER listing_entries_count;
    ALTER TABLE listing_entries DISABLE TRIGGER listing_entries_log;
    TRUNCATE listing_entries, listing_counts, listing_dirty;
    WITH RECURSIVE up AS (
        SELECT id AS category_id, id AS scope_id, parent_id, 1 AS depth FROM categories
        UNION ALL
        SELECT up.category_id, c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 16
    ), active AS MATERIALIZED (
        SELECT p.*, listing_tokens(p.id) AS tokens FROM shop_products p
    )
    INSERT INTO listing_entries (scope_id, product_id, department, featured, created_at, name_key,
                                 min_price, max_price, in_stock, launch_at, launch_pending, tokens)
    SELECT up.scope_id, p.id, p.department, p.featured, p.created_at, lower(p.name), v.lo, v.hi,
           coalesce(v.in_stock, false), p.launch_at, coalesce(p.launch_at > now(), false), p.tokens
    FROM active p
    JOIN up ON up.category_id = p.category_id
    LEFT JOIN (SELECT product_id, min(price_minor) AS lo, max(price_minor) AS hi, bool_or(stock > 0) AS in_stock
               FROM shop_variants GROUP BY product_id) v ON v.product_id = p.id;
    INSERT INTO listing_counts (scope_id, ctx, facet, value, n)
    SELECT e.scope_id, c.ctx, c.facet, c.value, count(*)
    FROM listing_entries e, listing_contributions(e.tokens) c GROUP BY 1, 2, 3, 4;
    INSERT INTO listing_changes (scope_id, product_id) VALUES (NULL, NULL);
    ALTER TABLE listing_entries ENABLE TRIGGER listing_entries_log;
    ALTER TABLE listing_entries ENABLE TRIGGER listing_entries_count;
END $$;

-- As before, and the log's old rows go.
CREATE OR REPLACE FUNCTION listing_compact_counts() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    folded int;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7302, 0) THEN
        RETURN 0;
    END IF;
    WITH keys AS (
        SELECT scope_id, ctx, facet, value FROM listing_counts GROUP BY 1, 2, 3, 4 HAVING count(*) > 1
    ), gone AS (
        DELETE FROM listing_counts c USING keys k
        WHERE (c.scope_id, c.ctx, c.facet, c.value) = (k.scope_id, k.ctx, k.facet, k.value)
        RETURNING c.*
    ), sums AS (
        INSERT INTO listing_counts (scope_id, ctx, facet, value, n)
        SELECT scope_id, ctx, facet, value, sum(n) FROM gone GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
        RETURNING 1
    )
    SELECT count(*) INTO folded FROM gone;
    DELETE FROM listing_counts WHERE n = 0;
    DELETE FROM listing_changes WHERE at < now() - interval '1 hour';
    RETURN folded;
END $$;
