-- Security fixes (issue: checkout-key takeover, webhook refusals, sign-up binding, known networks).

-- A checkout key is the idempotency key of one buyer (a browser session), never a handle on
-- someone else's order: the same key from another session is simply another order.
ALTER TABLE orders ADD COLUMN placed_by text NOT NULL DEFAULT '';
ALTER TABLE orders DROP CONSTRAINT orders_checkout_key_key;
CREATE UNIQUE INDEX orders_checkout_key_placed_by ON orders (checkout_key, placed_by);
-- "Once per customer" discounts count per account for signed-in buyers.
CREATE INDEX orders_discount_user ON orders (discount_code, user_id) WHERE discount_code IS NOT NULL;

-- Signed webhook events the shop could not act on (malformed amount, unknown shape): kept for
-- staff, answered with 400 so the provider does not retry them forever.
CREATE TABLE webhook_refusals (
    id          bigserial PRIMARY KEY,
    provider    text NOT NULL,
    reason      text NOT NULL,
    body        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- The sign-up attempt a confirmation code belongs to: only the browser that made the attempt
-- (and so knows its password) can complete it.
CREATE TABLE signup_attempts (
    email      citext PRIMARY KEY,
    attempt    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Networks an account has signed in from (IPv4 /24, IPv6 /64): a locked-out account still lets
-- its owner in from one of them.
CREATE TABLE sign_in_networks (
    email     citext NOT NULL,
    network   text NOT NULL,
    last_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (email, network)
);
