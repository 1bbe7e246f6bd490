-- Fulfilment and the guest's order link.

-- An unguessable token (two random UUIDs, 244 random bits) for the e-mailed order link of guests.
ALTER TABLE orders
    ADD COLUMN access_token text NOT NULL
        DEFAULT replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''),
    ADD COLUMN shipped_at timestamptz,
    ADD CONSTRAINT orders_tracking_number_length
        CHECK (tracking_number IS NULL OR length(tracking_number) BETWEEN 3 AND 64);
