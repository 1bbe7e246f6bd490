-- Partial refunds: staff refund some units of some lines, or an amount, more than once per order.
-- Each refund is a row (its request key makes a repeated submission one refund), its lines say which
-- units went back; a line never gives back more than was bought.
ALTER TABLE order_lines ADD COLUMN refunded_quantity int NOT NULL DEFAULT 0
    CHECK (refunded_quantity BETWEEN 0 AND quantity);

-- A key refunded after it was revealed stays with its order (the buyer saw it) but leaves the
-- buyer's library; an unrevealed one goes back to its pool instead.
ALTER TABLE license_keys ADD COLUMN refunded_at timestamptz;
ALTER TABLE license_keys ADD CONSTRAINT license_keys_refunded_assigned CHECK (refunded_at IS NULL OR order_id IS NOT NULL);

CREATE TABLE refunds (
    id           bigserial PRIMARY KEY,
    order_id     uuid NOT NULL REFERENCES orders (id),
    -- Chosen by the form that asked for it: the same request twice is one refund.
    request_key  text NOT NULL CHECK (length(request_key) BETWEEN 8 AND 64),
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    restock      boolean NOT NULL,
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, request_key)
);
CREATE INDEX refunds_created_idx ON refunds (created_at);

CREATE TABLE refund_lines (
    refund_id  bigint NOT NULL REFERENCES refunds (id),
    order_id   uuid NOT NULL,
    variant_id bigint NOT NULL,
    quantity   int NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (refund_id, variant_id),
    FOREIGN KEY (order_id, variant_id) REFERENCES order_lines (order_id, variant_id)
);

-- Refunds made before this table: one whole refund per order, dated by its e-mail's job.
INSERT INTO refunds (order_id, request_key, amount_minor, restock, reason, created_at)
SELECT o.id, 'before-partial-refunds', o.refunded_minor, o.shipped_at IS NULL, 'refund',
       coalesce((SELECT min(j.created_at) FROM jobs j WHERE j.kind = 'email.refunded' AND j.payload->>'order_id' = o.id::text), now())
FROM orders o WHERE o.refunded_minor > 0;
INSERT INTO refund_lines (refund_id, order_id, variant_id, quantity)
SELECT r.id, l.order_id, l.variant_id, l.quantity
FROM refunds r JOIN orders o ON o.id = r.order_id AND o.status = 'refunded' JOIN order_lines l ON l.order_id = o.id;
UPDATE order_lines l SET refunded_quantity = l.quantity FROM orders o WHERE o.id = l.order_id AND o.status = 'refunded';
UPDATE license_keys k SET refunded_at = now() FROM orders o WHERE o.id = k.order_id AND o.status = 'refunded';
