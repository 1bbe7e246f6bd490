-- Exact invalidation of cached public pages. Every change a shopper could see queues the paths it
-- touches, in the writer's transaction (so a rolled-back change purges nothing and a committed one
-- is never forgotten); the purge task sends them to the CDN or proxy in batches, duplicates
-- coalesced. A path stands for itself and all its query variants (facet pages).
CREATE TABLE cache_purges (
    id      bigserial PRIMARY KEY,
    path    text NOT NULL CHECK (path ~ '^/'),
    -- A second after the change: a page whose render began before the change committed (and so
    -- shows the old data) has been stored by then, and goes with the rest.
    due_at  timestamptz NOT NULL DEFAULT clock_timestamp() + interval '1 second'
);
CREATE INDEX cache_purges_due_idx ON cache_purges (due_at, id);

-- The home page shows the first eight products of each department (featured first, then newest).
CREATE FUNCTION cache_on_home(pid bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM products p WHERE p.id = pid AND p.featured
        UNION ALL
        SELECT 1 FROM products p
        WHERE p.id = pid AND pid IN (
            SELECT e.product_id FROM listing_entries e JOIN categories c ON c.id = e.scope_id AND c.parent_id IS NULL
            WHERE e.department = p.department
            ORDER BY e.featured DESC, e.created_at DESC, e.product_id LIMIT 8)
    )
$$;

-- The pages showing a product: its own, each category it is listed under (own and ancestors),
-- search, and home when it is on it.
CREATE FUNCTION cache_purge_pages(slug text, category bigint, on_home boolean) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cache_purges (path)
    SELECT '/p/' || slug
    UNION ALL
    SELECT '/c/' || c.slug FROM categories c WHERE c.id IN (
        WITH RECURSIVE up AS (
            SELECT id, parent_id, 1 AS depth FROM categories WHERE id = category
            UNION ALL
            SELECT k.id, k.parent_id, up.depth + 1 FROM categories k JOIN up ON k.id = up.parent_id WHERE up.depth < 16
        ) SELECT id FROM up)
    UNION ALL SELECT '/search'
    UNION ALL SELECT '/' WHERE on_home;
$$;

CREATE FUNCTION cache_purge_product(pid bigint) RETURNS void LANGUAGE sql AS $$
    SELECT cache_purge_pages(p.slug, p.category_id, cache_on_home(p.id)) FROM products p
    WHERE p.id = pid AND p.status = 'active';
$$;

-- A product is visible only while active; a draft's edits are seen by nobody. The old address and
-- categories are purged too. Staff edits are rare, so home is purged with each (whether the product
-- enters or leaves the home page is only known after the listing has followed the change).
CREATE FUNCTION cache_follow_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shop.listing_sync', true) = 'off' THEN  -- a bulk load (it purges everything after)
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'active' THEN
        PERFORM cache_purge_pages(OLD.slug, OLD.category_id, true);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'active' THEN
        PERFORM cache_purge_pages(NEW.slug, NEW.category_id, true);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cache_follow_products AFTER INSERT OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION cache_follow_products();
-- Bookkeeping (the edit counter, when staff last touched it) changes nothing a shopper sees.
CREATE TRIGGER cache_follow_products_update AFTER UPDATE ON products
    FOR EACH ROW WHEN (to_jsonb(OLD) - 'version' - 'updated_at' IS DISTINCT FROM to_jsonb(NEW) - 'version' - 'updated_at')
    EXECUTE FUNCTION cache_follow_products();

-- Variants, photos and attributes: the product's pages, when the product is visible.
CREATE FUNCTION cache_follow_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shop.listing_sync', true) = 'off' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM cache_purge_product(OLD.product_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id <> OLD.product_id) THEN
        PERFORM cache_purge_product(NEW.product_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cache_follow_variants AFTER INSERT OR DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION cache_follow_parts();
-- Stock only when what a shopper reads changes: sold out, "only N left" (1 to 3), in stock.
CREATE TRIGGER cache_follow_variants_update AFTER UPDATE ON variants
    FOR EACH ROW WHEN (least(OLD.stock, 4) IS DISTINCT FROM least(NEW.stock, 4)
        OR (OLD.sku, OLD.price_minor, OLD.compare_at_minor, OLD.archived_at, OLD.platform, OLD.edition, OLD.metal,
            OLD.ring_size, OLD.position, OLD.product_id)
           IS DISTINCT FROM (NEW.sku, NEW.price_minor, NEW.compare_at_minor, NEW.archived_at, NEW.platform, NEW.edition,
                             NEW.metal, NEW.ring_size, NEW.position, NEW.product_id))
    EXECUTE FUNCTION cache_follow_parts();
-- Photos: only finished ones are shown (processing progress changes nothing a shopper sees).
CREATE TRIGGER cache_follow_images AFTER INSERT OR DELETE ON product_images
    FOR EACH ROW EXECUTE FUNCTION cache_follow_parts();
CREATE TRIGGER cache_follow_images_update AFTER UPDATE ON product_images
    FOR EACH ROW WHEN (OLD.status = 'ready' OR NEW.status = 'ready') EXECUTE FUNCTION cache_follow_parts();
CREATE TRIGGER cache_follow_games AFTER INSERT OR UPDATE OR DELETE ON game_details
    FOR EACH ROW EXECUTE FUNCTION cache_follow_parts();
CREATE TRIGGER cache_follow_jewelry AFTER INSERT OR UPDATE OR DELETE ON jewelry_details
    FOR EACH ROW EXECUTE FUNCTION cache_follow_parts();

-- A category's name, address or place: its page (old and new address), its parents' pages, home
-- and search (they list categories), and the pages of its products (their breadcrumbs).
CREATE FUNCTION cache_follow_categories() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF current_setting('shop.listing_sync', true) = 'off' THEN
        RETURN NULL;
    END IF;
    FOR r IN SELECT OLD AS c WHERE TG_OP <> 'INSERT' UNION ALL SELECT NEW WHERE TG_OP <> 'DELETE' LOOP
        INSERT INTO cache_purges (path)
        SELECT '/c/' || (r.c).slug
        UNION ALL SELECT '/c/' || k.slug FROM categories k WHERE k.id = (r.c).parent_id
        UNION ALL SELECT '/' UNION ALL SELECT '/search'
        UNION ALL SELECT '/p/' || p.slug FROM products p WHERE p.category_id = (r.c).id AND p.status = 'active';
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER cache_follow_categories AFTER INSERT OR DELETE OR UPDATE ON categories
    FOR EACH ROW EXECUTE FUNCTION cache_follow_categories();

-- A drop's launch changes its pages (the countdown gives way to "Add to cart"): the listing task
-- refreshes launched drops each second, and now purges their pages as it does (and those of a
-- product it refreshes late, after two writers met).
CREATE OR REPLACE FUNCTION listing_refresh_dirty() RETURNS int LANGUAGE plpgsql AS $$
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
        PERFORM cache_purge_product(pid);
        done := done + 1;
    END LOOP;
    RETURN done;
END $$;
