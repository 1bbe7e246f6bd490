-- Products have a life cycle: staff draft them, publish them (active), withdraw them (back to
-- draft) or archive them. Existing products were on sale, so they start active.
ALTER TABLE products
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived'));

-- Every shopper path (listings, facets, counts, search, home, product page, stock, cart,
-- checkout) reads products through this view, so "shoppers see active products only" is enforced
-- in one place. Staff pages, orders, libraries and downloads read the table itself, so a
-- withdrawn or archived product still shows in past orders.
-- (A view's `*` is fixed when it is created: a migration that adds a column to products must
-- recreate this view.)
CREATE VIEW shop_products AS SELECT * FROM products WHERE status = 'active';

CREATE INDEX products_status_idx ON products (status) WHERE status <> 'active';
