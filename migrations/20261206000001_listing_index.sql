-- The shopper catalog's read model: listings, facet counts and search stay fast however many
-- products there are (cost per page bounded by the page, not by the catalog).
--
-- listing_entries: one row per active product and per category it is listed under (its own
--   category and every ancestor), with what a card, a sort and a filter need. Pages of a listing
--   are read from btree indexes in sort order (LIMIT 24 reads about 24 rows).
-- tokens: every facet combination the product offers, one variant at a time, so a filter on
--   several facets keeps its meaning (platform PC AND under EUR 25 means one variant that is
--   both). A token is segments `key=value` in a fixed key order joined by U+001F, e.g.
--   `genre=RPG␟platform=PC␟price=0-25␟in_stock=1`. A filter is "tokens overlap the combinations
--   of the chosen values" (one GIN lookup); facet counts come from listing_counts.
-- listing_counts: per scope, how many products have each facet value under each combination of
--   other single-value filters (ctx), kept as append-only deltas (no row is ever contended by two
--   checkouts) that a background task compacts. A count is the sum of its rows.
--
-- Entries follow every write through triggers. A refresh runs under a per-product advisory lock
-- taken without waiting: when two transactions change one product at once, the second marks it
-- in listing_dirty instead, and the background task refreshes it from committed data a moment
-- later (so a race can never leave an entry wrong, and no lock is ever waited for in checkout).
-- "In stock" in a token means stock > 0 and on sale: a drop before its launch has no in-stock
-- token; the background task refreshes it within a second of its launch (launch_pending).

-- Price bucket keys: the same boundaries as PRICE_BUCKETS in catalog/query.rs (a test checks).
CREATE FUNCTION price_bucket(minor bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN minor < 2500 THEN '0-25' WHEN minor < 5000 THEN '25-50' WHEN minor < 10000 THEN '50-100'
                WHEN minor < 25000 THEN '100-250' WHEN minor < 100000 THEN '250-1000' ELSE '1000-' END
$$;

CREATE TABLE listing_entries (
    scope_id    bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    product_id  bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    department  text NOT NULL,
    featured    boolean NOT NULL,
    created_at  timestamptz NOT NULL,
    name_key    text NOT NULL,
    min_price   bigint,
    max_price   bigint,
    in_stock    boolean NOT NULL,
    launch_at   timestamptz,
    -- Refreshed before its launch: the background task refreshes it once the launch has passed.
    launch_pending boolean NOT NULL DEFAULT false,
    tokens      text[] NOT NULL,
    PRIMARY KEY (scope_id, product_id)
);
-- One index per sort order; price descending reads the price index backwards.
CREATE INDEX listing_entries_relevance_idx ON listing_entries (scope_id, featured DESC, created_at DESC, product_id);
CREATE INDEX listing_entries_price_idx ON listing_entries (scope_id, min_price, product_id);
CREATE INDEX listing_entries_newest_idx ON listing_entries (scope_id, created_at DESC, product_id);
CREATE INDEX listing_entries_name_idx ON listing_entries (scope_id, name_key, product_id);
CREATE INDEX listing_entries_product_idx ON listing_entries (product_id);
CREATE INDEX listing_entries_launch_idx ON listing_entries (launch_at) WHERE launch_pending;

-- A filter is `scope_id = $1 AND tokens && $2`: the planner combines this index with a scope index,
-- or walks a sort index and checks the tokens when most rows match.
CREATE INDEX listing_entries_tokens_idx ON listing_entries USING gin (tokens);

CREATE TABLE listing_counts (
    scope_id bigint NOT NULL,
    ctx      text NOT NULL,   -- the other filters' token ('' = none)
    facet    text NOT NULL,   -- '' = the number of products matching ctx
    value    text NOT NULL,
    n        int NOT NULL
);
CREATE INDEX listing_counts_idx ON listing_counts (scope_id, ctx, facet, value);

CREATE TABLE listing_dirty (
    product_id bigint NOT NULL,
    marked_at  timestamptz NOT NULL DEFAULT now()
);

-- The keys of listing_counts a product with these tokens adds one to.
CREATE FUNCTION listing_contributions(tokens text[]) RETURNS TABLE (ctx text, facet text, value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '', '', ''
    UNION ALL
    SELECT t, '', '' FROM unnest(tokens) t
    UNION ALL
    SELECT array_to_string(s[1:i - 1] || s[i + 1:], E'\x1f'),
           split_part(s[i], '=', 1), substr(s[i], strpos(s[i], '=') + 1)
    FROM unnest(tokens) t, string_to_array(t, E'\x1f') s, generate_subscripts(s, 1) i
$$;

-- Every facet combination a product offers (see above).
CREATE FUNCTION listing_tokens(pid bigint) RETURNS text[] LANGUAGE sql STABLE AS $$
    WITH product AS (
        SELECT (SELECT 'genre=' || genre FROM game_details WHERE product_id = pid) AS genre,
               (SELECT 'stone=' || coalesce(stone, 'No stone') FROM jewelry_details WHERE product_id = pid) AS stone,
               coalesce((SELECT launch_at > now() FROM products WHERE id = pid), false) AS pending
    ), offers AS (
        -- one row per distinct variant combination, and one with no variant part (product facets)
        SELECT DISTINCT 'platform=' || platform AS platform, 'metal=' || metal AS metal,
               'price=' || price_bucket(price_minor) AS price,
               CASE WHEN stock > 0 AND NOT (SELECT pending FROM product) THEN 'in_stock=1' END AS in_stock
        FROM shop_variants WHERE product_id = pid
        UNION ALL SELECT NULL, NULL, NULL, NULL
    ), parts AS (
        SELECT ARRAY[p.genre, p.stone, o.platform, o.metal, o.price, o.in_stock] AS a FROM product p, offers o
    )
    SELECT coalesce(array_agg(DISTINCT tok ORDER BY tok), '{}') FROM (
        SELECT array_to_string(ARRAY(SELECT a[i] FROM generate_series(1, 6) i WHERE mask & (1 << (i - 1)) <> 0), E'\x1f') AS tok
        FROM parts, generate_series(1, 63) mask
        WHERE NOT EXISTS (SELECT 1 FROM generate_series(1, 6) i WHERE mask & (1 << (i - 1)) <> 0 AND a[i] IS NULL)
    ) combos
$$;

-- Brings a product's entries up to date with committed data and this transaction's own writes.
-- Returns false (and marks the product dirty) when another transaction is refreshing it.
CREATE FUNCTION listing_refresh(pid bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    p record;
    scopes bigint[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(7301, pid::int) THEN
        INSERT INTO listing_dirty (product_id) VALUES (pid);
        RETURN false;
    END IF;
    -- Through the shopper views: what they hide, the listing never holds.
    SELECT * INTO p FROM shop_products WHERE id = pid;
    IF NOT FOUND THEN
        DELETE FROM listing_entries WHERE product_id = pid;
        RETURN true;
    END IF;
    WITH RECURSIVE up AS (
        SELECT id, parent_id, 1 AS depth FROM categories WHERE id = p.category_id
        UNION ALL
        SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 16
    )
    SELECT array_agg(id) INTO scopes FROM up;
    DELETE FROM listing_entries WHERE product_id = pid AND scope_id <> ALL (scopes);
    INSERT INTO listing_entries AS e (scope_id, product_id, department, featured, created_at, name_key,
                                      min_price, max_price, in_stock, launch_at, launch_pending, tokens)
    SELECT s, pid, p.department, p.featured, p.created_at, lower(p.name), v.lo, v.hi, v.in_stock, p.launch_at,
           coalesce(p.launch_at > now(), false), t.tokens
    FROM unnest(scopes) s,
         (SELECT min(price_minor) AS lo, max(price_minor) AS hi, coalesce(bool_or(stock > 0), false) AS in_stock
          FROM shop_variants WHERE product_id = pid) v,
         (SELECT listing_tokens(pid) AS tokens) t
    ON CONFLICT (scope_id, product_id) DO UPDATE SET
        department = EXCLUDED.department, featured = EXCLUDED.featured, created_at = EXCLUDED.created_at,
        name_key = EXCLUDED.name_key, min_price = EXCLUDED.min_price, max_price = EXCLUDED.max_price,
        in_stock = EXCLUDED.in_stock, launch_at = EXCLUDED.launch_at, launch_pending = EXCLUDED.launch_pending,
        tokens = EXCLUDED.tokens
    WHERE (e.department, e.featured, e.created_at, e.name_key, e.min_price, e.max_price, e.in_stock, e.launch_at,
           e.launch_pending, e.tokens)
          IS DISTINCT FROM (EXCLUDED.department, EXCLUDED.featured, EXCLUDED.created_at, EXCLUDED.name_key,
                            EXCLUDED.min_price, EXCLUDED.max_price, EXCLUDED.in_stock, EXCLUDED.launch_at,
                            EXCLUDED.launch_pending, EXCLUDED.tokens);
    RETURN true;
END $$;

-- Refreshes the products marked dirty and the drops whose launch has passed (the background task,
-- each second; safe to run on every instance).
CREATE FUNCTION listing_refresh_dirty() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    pid bigint;
    done int := 0;
BEGIN
    FOR pid IN
        WITH taken AS (DELETE FROM listing_dirty RETURNING product_id)
        SELECT product_id FROM taken
        UNION SELECT product_id FROM listing_entries WHERE launch_pending AND launch_at <= now()
        ORDER BY 1
    LOOP
        -- Waiting is safe here: this transaction holds nothing a checkout could wait for.
        PERFORM pg_advisory_xact_lock(7301, pid::int);
        PERFORM listing_refresh(pid);
        done := done + 1;
    END LOOP;
    RETURN done;
END $$;

-- Folds the count deltas into one row per key (the background task; one instance at a time).
CREATE FUNCTION listing_compact_counts() RETURNS int LANGUAGE plpgsql AS $$
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
    RETURN folded;
END $$;

-- Entries keep their counts: the difference between the old and new tokens goes in as deltas.
CREATE FUNCTION listing_entries_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.scope_id = NEW.scope_id AND OLD.tokens = NEW.tokens THEN
        RETURN NULL;
    END IF;
    INSERT INTO listing_counts (scope_id, ctx, facet, value, n)
    SELECT d.scope_id, d.ctx, d.facet, d.value, sum(d.n) FROM (
        SELECT OLD.scope_id AS scope_id, c.ctx, c.facet, c.value, -1 AS n
        FROM listing_contributions(CASE WHEN TG_OP <> 'INSERT' THEN OLD.tokens END) c WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW.scope_id, c.ctx, c.facet, c.value, 1
        FROM listing_contributions(CASE WHEN TG_OP <> 'DELETE' THEN NEW.tokens END) c WHERE TG_OP <> 'DELETE'
    ) d GROUP BY 1, 2, 3, 4 HAVING sum(d.n) <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_entries_count AFTER INSERT OR UPDATE OR DELETE ON listing_entries
    FOR EACH ROW EXECUTE FUNCTION listing_entries_count();

-- What changes an entry. Stock changes only matter when a variant sells out or comes back.
CREATE FUNCTION listing_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shop.listing_sync', true) = 'off' THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'products' THEN
        PERFORM listing_refresh(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'categories' THEN
        PERFORM listing_refresh(p.id) FROM products p WHERE p.category_id IN (
            WITH RECURSIVE down AS (
                SELECT NEW.id AS id, 1 AS depth
                UNION ALL SELECT c.id, d.depth + 1 FROM categories c JOIN down d ON c.parent_id = d.id WHERE d.depth < 16
            ) SELECT id FROM down);
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM listing_refresh(OLD.product_id);
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
            PERFORM listing_refresh(NEW.product_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_follow_products AFTER INSERT OR DELETE OR UPDATE OF
    status, category_id, department, featured, created_at, name, launch_at ON products
    FOR EACH ROW EXECUTE FUNCTION listing_follow();
CREATE TRIGGER listing_follow_categories AFTER UPDATE OF parent_id ON categories
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION listing_follow();
CREATE TRIGGER listing_follow_variants AFTER INSERT OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION listing_follow();
CREATE TRIGGER listing_follow_variants_update AFTER UPDATE ON variants
    FOR EACH ROW WHEN ((OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0)
        OR OLD.price_minor IS DISTINCT FROM NEW.price_minor OR OLD.archived_at IS DISTINCT FROM NEW.archived_at
        OR OLD.platform IS DISTINCT FROM NEW.platform OR OLD.metal IS DISTINCT FROM NEW.metal
        OR OLD.product_id IS DISTINCT FROM NEW.product_id)
    EXECUTE FUNCTION listing_follow();
CREATE TRIGGER listing_follow_games AFTER INSERT OR UPDATE OR DELETE ON game_details
    FOR EACH ROW EXECUTE FUNCTION listing_follow();
CREATE TRIGGER listing_follow_jewelry AFTER INSERT OR UPDATE OR DELETE ON jewelry_details
    FOR EACH ROW EXECUTE FUNCTION listing_follow();

-- Rebuilds everything from the catalog in one pass (bulk loads; and the test that incremental
-- upkeep equals a rebuild).
CREATE FUNCTION listing_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7302, 0);
    ALTER TABLE listing_entries DISABLE TRIGGER listing_entries_count;
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
    ALTER TABLE listing_entries ENABLE TRIGGER listing_entries_count;
END $$;

SELECT listing_rebuild();

-- Search: the words of every product's name and search text. A query word is matched against
-- this small table for typos ("zeld" -> zelda, "saphire" -> sapphire), then the catalog is read
-- through exact full-text indexes: no similarity scan of the catalog, whatever its size.
CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
CREATE FUNCTION search_words_of(t text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(t), '[^[:alnum:]]+') w WHERE length(w) >= 3 AND w ~ '[[:alpha:]]'
$$;
INSERT INTO search_words SELECT DISTINCT search_words_of(name || ' ' || search_text) FROM products ON CONFLICT DO NOTHING;
-- Words are only ever added (a stale word costs one useless alternative), in sorted order so
-- two saves adding the same words never wait on each other in a cycle.
CREATE FUNCTION search_words_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words SELECT w FROM search_words_of(NEW.name || ' ' || NEW.search_text) w ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER search_words_follow AFTER INSERT OR UPDATE OF name, search_text ON products
    FOR EACH ROW EXECUTE FUNCTION search_words_follow();
-- Names on their own: search takes name matches first when it has to keep the best of many.
CREATE INDEX products_name_fts_idx ON products USING gin (to_tsvector('english', name));
