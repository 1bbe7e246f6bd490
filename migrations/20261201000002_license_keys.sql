-- License key pools. A keyed variant's stock is the count of its unassigned keys.
ALTER TABLE variants ADD COLUMN keyed boolean NOT NULL DEFAULT false;

CREATE TABLE license_keys (
    id           bigserial PRIMARY KEY,
    variant_id   bigint NOT NULL REFERENCES variants (id),
    -- AES-256-GCM under data key `key_version` (configuration), with the variant id as associated
    -- data: the database alone does not reveal a key.
    key_version  smallint NOT NULL,
    nonce        bytea NOT NULL CHECK (length(nonce) = 12),
    ciphertext   bytea NOT NULL CHECK (length(ciphertext) > 16),
    -- HMAC-SHA256 of the key under a separate secret: one row per key, found without decrypting.
    fingerprint  bytea NOT NULL UNIQUE CHECK (length(fingerprint) = 32),
    status       text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'assigned')),
    order_id     uuid,
    assigned_at  timestamptz,
    revealed_at  timestamptz,
    redeemed_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- An assigned key belongs to exactly one order line; an available one to none.
    CHECK ((status = 'available') = (order_id IS NULL)),
    FOREIGN KEY (order_id, variant_id) REFERENCES order_lines (order_id, variant_id)
);
CREATE INDEX license_keys_available_idx ON license_keys (variant_id, id) WHERE status = 'available';
CREATE INDEX license_keys_order_idx ON license_keys (order_id) WHERE order_id IS NOT NULL;

-- Every reveal of a key: who, when, from where.
CREATE TABLE key_reveals (
    id          bigserial PRIMARY KEY,
    key_id      bigint NOT NULL REFERENCES license_keys (id),
    user_id     uuid,
    ip          inet,
    revealed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_reveals_key_idx ON key_reveals (key_id);
