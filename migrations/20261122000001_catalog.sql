-- Catalog: one data model for both departments.
-- A product belongs to one department ("games" = digital licences, "jewelry" = physical goods).
-- Variants are the only purchasable combinations: a combination of options that has no row does not exist.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        TEXT NOT NULL,
    department  TEXT NOT NULL CHECK (department IN ('games', 'jewelry')),
    parent_id   BIGINT REFERENCES categories(id),
    description TEXT NOT NULL DEFAULT '',
    position    INT NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    department  TEXT NOT NULL CHECK (department IN ('games', 'jewelry')),
    category_id BIGINT NOT NULL REFERENCES categories(id),
    summary     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    currency    CHAR(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    featured    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Words a shopper may type: name weighs most, then attributes, then the description.
    search_text TEXT NOT NULL DEFAULT '',
    search_vector TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('english', search_text), 'B') ||
        setweight(to_tsvector('english', summary || ' ' || description), 'C')
    ) STORED
);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_department_idx ON products (department, created_at DESC);
CREATE INDEX products_search_idx ON products USING GIN (search_vector);
CREATE INDEX products_name_trgm_idx ON products USING GIN (lower(name) gin_trgm_ops);
CREATE INDEX products_search_text_trgm_idx ON products USING GIN (lower(search_text) gin_trgm_ops);

-- Games: sold as a licence, never shipped.
CREATE TABLE game_details (
    product_id   BIGINT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    genre        TEXT NOT NULL,
    publisher    TEXT NOT NULL,
    release_date DATE NOT NULL,
    age_rating   TEXT NOT NULL CHECK (age_rating IN ('PEGI 3', 'PEGI 7', 'PEGI 12', 'PEGI 16', 'PEGI 18')),
    system_requirements TEXT NOT NULL DEFAULT ''
);
CREATE INDEX game_details_genre_idx ON game_details (genre);

-- Jewelry: physical, shipped, with an optional gemstone certificate.
CREATE TABLE jewelry_details (
    product_id   BIGINT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    stone        TEXT,                       -- NULL: no stone
    carat_hundredths INT CHECK (carat_hundredths > 0),
    finish       TEXT NOT NULL,
    cert_lab     TEXT,
    cert_number  TEXT,
    cert_grade   TEXT,
    CHECK ((cert_lab IS NULL) = (cert_number IS NULL)),
    CHECK (stone IS NOT NULL OR carat_hundredths IS NULL)
);
CREATE INDEX jewelry_details_stone_idx ON jewelry_details (stone);

CREATE TABLE variants (
    id          BIGSERIAL PRIMARY KEY,
    product_id  BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    sku         TEXT NOT NULL UNIQUE CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{2,63}$'),
    -- Money in minor units of the product's currency.
    price_minor BIGINT NOT NULL CHECK (price_minor > 0),
    stock       INT NOT NULL CHECK (stock >= 0),
    position    INT NOT NULL DEFAULT 0,
    -- Game options
    platform    TEXT,
    edition     TEXT,
    -- Jewelry options
    metal       TEXT,
    ring_size   SMALLINT CHECK (ring_size BETWEEN 3 AND 15),
    -- A variant's option set is unique within its product (no two rows for one combination).
    UNIQUE NULLS NOT DISTINCT (product_id, platform, edition, metal, ring_size)
);
CREATE INDEX variants_product_idx ON variants (product_id);
CREATE INDEX variants_platform_idx ON variants (platform);
CREATE INDEX variants_metal_idx ON variants (metal);

CREATE TABLE product_images (
    id          BIGSERIAL PRIMARY KEY,
    product_id  BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position    INT NOT NULL DEFAULT 0,
    alt         TEXT NOT NULL CHECK (length(alt) > 0),
    -- Files live at /media/<path_prefix>-<width>.jpg for each width below.
    path_prefix TEXT NOT NULL,
    widths      INT[] NOT NULL CHECK (cardinality(widths) > 0),
    width       INT NOT NULL CHECK (width > 0),  -- intrinsic size of the largest file
    height      INT NOT NULL CHECK (height > 0),
    UNIQUE (product_id, position)
);
