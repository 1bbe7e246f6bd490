-- Carts: one per browser session (guests) and at most one open cart per signed-in user.
CREATE TABLE carts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX carts_one_per_user ON carts (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE cart_lines (
    cart_id     uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id  bigint NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity    int NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, variant_id)
);
