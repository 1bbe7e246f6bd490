-- A limited drop: the product goes on sale at launch_at (NULL: on sale now, not a drop).
ALTER TABLE products ADD COLUMN launch_at timestamptz;

-- A buyer's refund request that staff must review (a key was revealed or a build downloaded).
CREATE TABLE refund_requests (
    id          bigserial PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'declined')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz,
    decided_by  uuid,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
-- One open request per order.
CREATE UNIQUE INDEX refund_requests_open_idx ON refund_requests (order_id) WHERE status = 'open';
