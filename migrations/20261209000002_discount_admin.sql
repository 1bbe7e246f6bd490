-- Discount codes run by staff: a start as well as an end, one department or the whole order, a note,
-- and each order line's share of its order's discount (what refunding its units takes off).
ALTER TABLE discount_codes
    ADD COLUMN starts_at  timestamptz,
    ADD COLUMN department text CHECK (department IN ('games', 'jewelry')),
    ADD COLUMN note       text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT discount_codes_window CHECK (starts_at IS NULL OR expires_at IS NULL OR starts_at < expires_at);

-- A code's usage report and the per-customer count read orders by code.
CREATE INDEX orders_discount_code_idx ON orders (discount_code) WHERE discount_code IS NOT NULL;

ALTER TABLE order_lines ADD COLUMN discount_minor bigint NOT NULL DEFAULT 0
    CHECK (discount_minor >= 0 AND discount_minor <= line_total_minor);

-- Orders placed before: their discount shared among all their lines in proportion to value, in
-- variant order, cumulative shares rounded down (as the checkout shares it now), so they add up.
WITH shares AS (
    SELECT l.order_id, l.variant_id,
           floor(o.discount_minor::numeric * sum(l.line_total_minor) OVER w / o.subtotal_minor)::bigint
         - floor(o.discount_minor::numeric * (sum(l.line_total_minor) OVER w - l.line_total_minor) / o.subtotal_minor)::bigint AS share
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.discount_minor > 0 AND o.subtotal_minor > 0
    WINDOW w AS (PARTITION BY l.order_id ORDER BY l.variant_id ROWS UNBOUNDED PRECEDING)
)
UPDATE order_lines l SET discount_minor = s.share FROM shares s WHERE s.order_id = l.order_id AND s.variant_id = l.variant_id;
