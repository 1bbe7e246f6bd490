-- Game builds kept in the object store; owners always get the newest one of their game.
CREATE TABLE builds (
    id          bigserial PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products (id),
    version     text NOT NULL CHECK (version ~ '^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$'),
    changelog   text NOT NULL DEFAULT '' CHECK (length(changelog) <= 4000),
    object_key  text NOT NULL UNIQUE,
    file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 120),
    size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, version)
);
CREATE INDEX builds_latest_idx ON builds (product_id, id DESC);

-- Every download link minted for a purchase (one license key of one order): its counter and its
-- rate limit. The order is kept because a refunded, never-revealed key can be sold again.
CREATE TABLE downloads (
    id         bigserial PRIMARY KEY,
    key_id     bigint NOT NULL REFERENCES license_keys (id),
    order_id   uuid NOT NULL REFERENCES orders (id),
    build_id   bigint NOT NULL REFERENCES builds (id),
    user_id    uuid,
    ip         inet,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX downloads_key_idx ON downloads (key_id, order_id, created_at);
CREATE INDEX downloads_order_idx ON downloads (order_id);
