-- Staff run the catalog: edit versions, option values, archived variants, low-stock thresholds,
-- compare-at prices with a price history, and stock adjustments with reason codes.

-- Optimistic concurrency: every staff save of a product's fields bumps `version`; a save that
-- names an older version is refused (the editor shows what changed in between).
ALTER TABLE products
    ADD COLUMN version int NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    -- Words staff add for search; search_text is rebuilt from them and the attributes on each save.
    ADD COLUMN keywords text NOT NULL DEFAULT '';
UPDATE products SET keywords = search_text;
-- The view's column list was fixed when it was made: recreate it so it carries the new columns.
CREATE OR REPLACE VIEW shop_products AS SELECT * FROM products WHERE status = 'active';
CREATE INDEX products_updated_idx ON products (updated_at DESC, id DESC);
-- The staff list finds a product by part of its name (indexed already), address or any SKU.
CREATE INDEX variants_sku_trgm_idx ON variants USING GIN (lower(sku) gin_trgm_ops);
CREATE INDEX products_slug_trgm_idx ON products USING GIN (slug gin_trgm_ops);

-- A variant referenced by an order is never deleted: staff archive it (shoppers no longer see or buy
-- it; past orders still show it). Refilling its cell in the matrix brings it back.
ALTER TABLE variants
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN low_stock_threshold int NOT NULL DEFAULT 3 CHECK (low_stock_threshold BETWEEN 0 AND 100000),
    -- The "was" price shown struck through (EU rule: only with the lowest price of the previous 30 days).
    ADD COLUMN compare_at_minor bigint CHECK (compare_at_minor > 0);

-- Every shopper path reads variants through this view (as products through shop_products).
CREATE VIEW shop_variants AS SELECT * FROM variants WHERE archived_at IS NULL;

-- The values of a product's two option axes (games: platform x edition; jewelry: metal x ring
-- size), in the order staff gave them. A value alone makes nothing: a variant exists only once its
-- cell of the matrix is filled.
CREATE TABLE product_option_values (
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    axis       smallint NOT NULL CHECK (axis IN (0, 1)),
    value      text NOT NULL CHECK (length(value) BETWEEN 1 AND 40 AND value = btrim(value)),
    position   int NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, axis, value)
);
INSERT INTO product_option_values (product_id, axis, value, position)
SELECT product_id, 0, value, min(position) FROM (
    SELECT v.product_id, coalesce(v.platform, v.metal) AS value, v.position FROM variants v
) o WHERE value IS NOT NULL GROUP BY product_id, value;
INSERT INTO product_option_values (product_id, axis, value, position)
SELECT product_id, 1, value, min(position) FROM (
    SELECT v.product_id, coalesce(v.edition, v.ring_size::text) AS value,
           coalesce(v.ring_size::int, v.position) AS position FROM variants v
) o WHERE value IS NOT NULL GROUP BY product_id, value;

-- Every price a variant has had, from when. Written by a trigger, so no path can change a price
-- without leaving its row; the lowest price of the previous 30 days is computed from it.
CREATE TABLE price_history (
    id          bigserial PRIMARY KEY,
    variant_id  bigint NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    price_minor bigint NOT NULL CHECK (price_minor > 0),
    valid_from  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX price_history_variant_idx ON price_history (variant_id, valid_from DESC);
INSERT INTO price_history (variant_id, price_minor, valid_from)
SELECT v.id, v.price_minor, p.created_at FROM variants v JOIN products p ON p.id = v.product_id;

CREATE FUNCTION variants_price_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.price_minor IS DISTINCT FROM OLD.price_minor THEN
        INSERT INTO price_history (variant_id, price_minor) VALUES (NEW.id, NEW.price_minor);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER variants_price_history AFTER INSERT OR UPDATE OF price_minor ON variants
    FOR EACH ROW EXECUTE FUNCTION variants_price_history();

-- Staff stock adjustments carry a reason code, who made them and an optional note.
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_reason_check, DROP CONSTRAINT stock_ledger_check;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_check CHECK (
    (reason = 'hold' AND delta < 0) OR (reason = 'release' AND delta > 0) OR (reason = 'sale' AND delta = 0)
    OR reason NOT IN ('hold', 'release', 'sale'));
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_reason_check CHECK (reason IN (
    'hold', 'release', 'sale', 'restock', 'adjust',
    'received', 'correction', 'damaged', 'shrinkage', 'cycle_count'));
ALTER TABLE stock_ledger
    ADD COLUMN actor_id uuid REFERENCES users (id),
    ADD COLUMN note text CHECK (length(note) <= 200),
    ADD CONSTRAINT stock_ledger_adjust_sign_check CHECK (
        (reason <> 'received' OR delta > 0) AND (reason NOT IN ('damaged', 'shrinkage') OR delta < 0)
        AND (reason NOT IN ('correction', 'cycle_count') OR delta <> 0));

-- The lowest price a variant had in the 30 days before its current price began (the EU rule for
-- showing a "was" price); NULL when it had no other price in that time.
CREATE FUNCTION lowest_prior_price(v bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    WITH cur AS (
        SELECT id, valid_from FROM price_history WHERE variant_id = v ORDER BY valid_from DESC, id DESC LIMIT 1
    ), prior AS (
        -- prices that began within the 30 days …
        SELECT h.price_minor FROM price_history h, cur
        WHERE h.variant_id = v AND (h.valid_from, h.id) < (cur.valid_from, cur.id)
          AND h.valid_from > cur.valid_from - interval '30 days'
        UNION ALL
        -- … and the one already in effect when they began
        (SELECT h.price_minor FROM price_history h, cur
         WHERE h.variant_id = v AND h.valid_from <= cur.valid_from - interval '30 days'
         ORDER BY h.valid_from DESC, h.id DESC LIMIT 1)
    )
    SELECT min(price_minor) FROM prior
$$;
