-- Staff upload product photos: each upload is a row that the job worker turns into responsive
-- WebP + JPEG files. Until then it is pending (shoppers never see it); a photo may belong to one
-- option value (the rose-gold photos of a ring).
ALTER TABLE product_images
    ADD COLUMN status text NOT NULL DEFAULT 'ready' CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
    -- File formats written for every width, best first (the demo's pictures are JPEG only).
    ADD COLUMN formats text[] NOT NULL DEFAULT '{jpg}',
    -- An axis-0 option value (a metal, a platform) or NULL: shown for every choice.
    ADD COLUMN option_value text CHECK (length(option_value) BETWEEN 1 AND 40),
    -- The upload as received, in the media store, until it is processed.
    ADD COLUMN original_key text,
    -- 0..100 while processing.
    ADD COLUMN progress int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN error text,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- A photo being processed has no files yet.
ALTER TABLE product_images DROP CONSTRAINT product_images_widths_check;
ALTER TABLE product_images ADD CONSTRAINT product_images_widths_check CHECK (status <> 'ready' OR cardinality(widths) > 0);
-- Reordering swaps positions inside one transaction.
ALTER TABLE product_images DROP CONSTRAINT product_images_product_id_position_key;
ALTER TABLE product_images ADD CONSTRAINT product_images_product_id_position_key
    UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED;

-- Shoppers see finished photos only: every shopper path reads this view.
CREATE VIEW shop_images AS SELECT * FROM product_images WHERE status = 'ready';
