-- A limited drop's page shows the exact number of keys left (every other page shows stock only in
-- bands: sold out, "only N left" for 1 to 3, in stock), so every other change of a drop's stock
-- purges its product page, and only that page. Crossing a band already purges all its pages.
CREATE FUNCTION cache_follow_drop_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cache_purges (path)
    SELECT '/p/' || p.slug FROM products p
    WHERE p.id = NEW.product_id AND p.launch_at IS NOT NULL AND p.status = 'active';
    RETURN NULL;
END $$;

CREATE TRIGGER cache_follow_drop_stock AFTER UPDATE OF stock ON variants
    FOR EACH ROW WHEN (OLD.stock IS DISTINCT FROM NEW.stock AND least(OLD.stock, 4) = least(NEW.stock, 4))
    EXECUTE FUNCTION cache_follow_drop_stock();
