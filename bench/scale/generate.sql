-- Adds :n generated products (both departments, realistic variants, attributes and photos) to a
-- seeded shop database, deterministically: the same :n gives the same catalog. Used by
-- bench/catalog-scale.sh and the catalog's plan tests; never by the shop itself.
--   psql -v n=10000 -f bench/scale/generate.sql
-- Names come from small vocabularies, so a word (and a typo of it) matches a realistic share of
-- the catalog (about 1 % of a department per word), as in a real shop, rather than one product.
\set ON_ERROR_STOP on
BEGIN;
-- The listing read model is rebuilt once at the end rather than followed row by row.
SET LOCAL shop.listing_sync = 'off';
-- Deterministic "random" integer in [0, m) for row g and a purpose.
CREATE FUNCTION pg_temp.h(g int, salt text, m int) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$ SELECT (abs(hashtext(g::text || ':' || salt)::bigint) % m)::int $$;
CREATE FUNCTION pg_temp.pick(arr text[], g int, salt text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT arr[1 + pg_temp.h(g, salt, cardinality(arr))] $$;

CREATE TEMP TABLE vocab AS SELECT
  ARRAY['Ashen','Crimson','Silent','Hollow','Iron','Neon','Frozen','Golden','Shattered','Endless','Wild',
        'Broken','Hidden','Lost','Savage','Radiant','Forgotten','Burning','Sunken','Eternal','Rusty','Velvet',
        'Quiet','Distant','Ancient','Stellar','Thunder','Crystal','Midnight','Clockwork','Emerald','Phantom',
        'Copper','Silver','Scarlet','Verdant','Obsidian','Amber','Northern','Southern','Lunar','Solar',
        'Brave','Feral','Gilded','Haunted','Infinite','Jagged','Kinetic','Molten'] AS adj,
  ARRAY['Crown','Lantern','Kingdom','Rebellion','Isles','Ronin','Frontier','Harbor','Citadel','Odyssey',
        'Legends','Horizon','Dynasty','Voyage','Tactics','Chronicles','Empire','Garden','Circuit','Rally',
        'League','Station','Colony','Dungeon','Forge','Sanctum','Wasteland','Expedition','Outpost','Tides',
        'Zelda''s Quest','Labyrinth','Skyline','Paladin','Drifter','Sentinel','Nomad','Vanguard','Reckoning',
        'Echoes','Shadows','Embers','Knights','Pilots','Hunters','Raiders','Wardens','Drakes','Golems','Spires'] AS noun,
  ARRAY['Remastered','Definitive Edition','Rebirth','Origins','Reloaded','Awakening','Redux','Zero',
        'Ascension','Legacy','Uprising','Nightfall','Dawn','Eclipse','Revelations','Anniversary'] AS subtitle,
  ARRAY['Action','Adventure','RPG','Strategy','Simulation','Racing','Sports','Puzzle','Indie','Platformer',
        'Shooter','Survival'] AS genre,
  ARRAY['Lanternfall Interactive','Ironbark Entertainment','Redline Forge','Gullwing Interactive',
        'Quartz Owl','Mossgate','Copperkite Studios','Velvet Anvil','Tidewater Games','Sixfold Publishing',
        'Pale Harbor Games','Northbound Games','Hollow Peak Studios','Bright Meridian'] AS publisher,
  ARRAY['PEGI 3','PEGI 7','PEGI 12','PEGI 16','PEGI 18'] AS age,
  ARRAY['PC','PlayStation 5','Xbox Series X|S','Nintendo Switch'] AS platform,
  ARRAY['PC','PS5','XSX','NSW'] AS platform_sku,
  ARRAY['Standard','Deluxe','Collector''s'] AS edition,
  ARRAY['STD','DLX','COL'] AS edition_sku,
  ARRAY['Halo','Solitaire','Vintage','Twisted','Classic','Art Deco','Minimal','Eternity','Cluster','Bezel',
        'Pavé','Cathedral','Infinity','Braided','Sculpted','Floral','Geometric','Celestial','Heritage','Signet'] AS style,
  ARRAY['Sapphire','Diamond','Ruby','Emerald','Amethyst','Pearl','Topaz','Opal','Garnet','Aquamarine'] AS stone,
  ARRAY['Yellow gold','White gold','Rose gold','Platinum','Sterling silver'] AS metal,
  ARRAY['YG','WG','RG','PT','SS'] AS metal_sku,
  ARRAY[100, 100, 100, 180, 35] AS metal_factor,
  ARRAY['Polished','Brushed','Hammered','Matte'] AS finish,
  ARRAY['rings','necklaces','earrings','bracelets'] AS jewel_category,
  ARRAY['Ring','Pendant','Earrings','Bracelet'] AS jewel_type,
  ARRAY['GIA','IGI','HRD'] AS lab;

-- Where products go: each department's leaf categories (the root when it has none).
CREATE TEMP TABLE leafs AS
SELECT c.id, c.slug, c.department, row_number() OVER (PARTITION BY c.department ORDER BY c.position, c.id) - 1 AS i
FROM categories c WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id);

-- The generated rows, numbered g; even g are games, odd g jewelry.
CREATE TEMP TABLE gen AS
SELECT g, CASE WHEN g % 2 = 0 THEN 'games' ELSE 'jewelry' END AS department FROM generate_series(1, :n) g;

CREATE TEMP TABLE gen_products AS
SELECT gen.g, gen.department,
  CASE WHEN gen.department = 'games' THEN
    pg_temp.pick(v.adj, g, 'adj') || ' ' || pg_temp.pick(v.noun, g, 'noun') ||
    CASE WHEN pg_temp.h(g, 'sub?', 3) = 0 THEN ': ' || pg_temp.pick(v.subtitle, g, 'sub') ELSE '' END ||
    CASE WHEN pg_temp.h(g, 'num?', 5) = 0 THEN ' ' || (2 + pg_temp.h(g, 'num', 4)) ELSE '' END
  ELSE
    pg_temp.pick(v.style, g, 'style') || ' ' ||
    CASE WHEN pg_temp.h(g, 'stone?', 4) = 0 THEN '' ELSE pg_temp.pick(v.stone, g, 'stone') || ' ' END ||
    v.jewel_type[1 + pg_temp.h(g, 'kind', 4)]
  END AS base_name,
  pg_temp.pick(v.genre, g, 'genre') AS genre,
  pg_temp.pick(v.publisher, g, 'publisher') AS publisher,
  1 + pg_temp.h(g, 'kind', 4) AS kind,
  CASE WHEN pg_temp.h(g, 'stone?', 4) = 0 THEN NULL ELSE pg_temp.pick(v.stone, g, 'stone') END AS stone
FROM gen, vocab v;

CREATE TEMP TABLE gen_map (g int PRIMARY KEY, product_id bigint NOT NULL);
WITH ins AS (
  INSERT INTO products (slug, name, department, category_id, summary, description, featured, created_at,
                        search_text, keywords, status, launch_at)
  SELECT
    trim(BOTH '-' FROM regexp_replace(lower(gp.base_name), '[^a-z0-9]+', '-', 'g')) || '-' || gp.g,
    gp.base_name || ' #' || gp.g,
    gp.department,
    CASE WHEN gp.department = 'games'
      THEN (SELECT id FROM leafs WHERE department = 'games' AND i = pg_temp.h(gp.g, 'cat', (SELECT count(*)::int FROM leafs WHERE department = 'games')))
      ELSE coalesce((SELECT id FROM leafs WHERE slug = v.jewel_category[gp.kind]),
                    (SELECT id FROM leafs WHERE department = 'jewelry' AND i = 0))
    END,
    CASE WHEN gp.department = 'games'
      THEN 'A ' || lower(gp.genre) || ' game from ' || gp.publisher || '.'
      ELSE 'Handmade ' || lower(v.jewel_type[gp.kind]) || coalesce(' with a ' || lower(gp.stone), '') || ', made to order.'
    END,
    CASE WHEN gp.department = 'games'
      THEN 'Explore, fight and build in ' || gp.base_name || '. ' || gp.publisher || '''s ' || lower(gp.genre) ||
           ' adventure rewards patience and curiosity, with hours of content and a story worth finishing.'
      ELSE 'A ' || lower(pg_temp.pick(v.finish, gp.g, 'finish')) || ' piece from our workshop' ||
           coalesce(', set with a certified ' || lower(gp.stone), '') || '. Shipped insured in a gift box.'
    END,
    pg_temp.h(gp.g, 'featured', 100) = 0,
    now() - make_interval(days => pg_temp.h(gp.g, 'age', 1500), secs => pg_temp.h(gp.g, 'sec', 86400)),
    CASE WHEN gp.department = 'games'
      THEN gp.genre || ' ' || gp.publisher
      ELSE coalesce(gp.stone || ' gemstone ', '') || v.jewel_type[gp.kind] || ' gold platinum silver'
    END,
    '',
    CASE pg_temp.h(gp.g, 'status', 50) WHEN 0 THEN 'draft' WHEN 1 THEN 'archived' ELSE 'active' END,
    CASE WHEN pg_temp.h(gp.g, 'drop', 1000) = 0 THEN now() + interval '3 days' END
  FROM gen_products gp, vocab v
  RETURNING id, slug
)
INSERT INTO gen_map SELECT substring(slug FROM '-([0-9]+)$')::int, id FROM ins;

INSERT INTO game_details (product_id, genre, publisher, release_date, age_rating, system_requirements)
SELECT m.product_id, gp.genre, gp.publisher, date '2015-01-01' + pg_temp.h(gp.g, 'release', 4000),
       pg_temp.pick(v.age, gp.g, 'age'), 'Windows 10, 8 GB RAM, 40 GB disk'
FROM gen_products gp JOIN gen_map m USING (g), vocab v WHERE gp.department = 'games';

INSERT INTO jewelry_details (product_id, stone, carat_hundredths, finish, cert_lab, cert_number, cert_grade)
SELECT m.product_id, gp.stone,
       CASE WHEN gp.stone IS NOT NULL THEN 10 + pg_temp.h(gp.g, 'carat', 290) END,
       pg_temp.pick(v.finish, gp.g, 'finish'),
       CASE WHEN gp.stone = 'Diamond' THEN pg_temp.pick(v.lab, gp.g, 'lab') END,
       CASE WHEN gp.stone = 'Diamond' THEN 'N' || (1000000 + gp.g) END,
       CASE WHEN gp.stone = 'Diamond' THEN 'VS1' END
FROM gen_products gp JOIN gen_map m USING (g), vocab v WHERE gp.department = 'jewelry';

-- Games: a sparse platform x edition grid (each platform sold with one to three editions).
INSERT INTO variants (product_id, sku, price_minor, stock, position, platform, edition)
SELECT m.product_id,
       'GEN' || gp.g || '-' || v.platform_sku[p] || '-' || v.edition_sku[e],
       (999 + 1000 * pg_temp.h(gp.g, 'price', 6)) + (e - 1) * 1500,
       CASE WHEN pg_temp.h(gp.g * 16 + p * 4 + e, 'soldout', 10) = 0 THEN 0 ELSE 5 + pg_temp.h(gp.g * 16 + p * 4 + e, 'stock', 400) END,
       p * 4 + e, v.platform[p], v.edition[e]
FROM gen_products gp JOIN gen_map m USING (g), vocab v, generate_series(1, 4) p, generate_series(1, 3) e
WHERE gp.department = 'games'
  AND (p = 1 + pg_temp.h(gp.g, 'p0', 4) OR pg_temp.h(gp.g * 4 + p, 'p', 2) = 0)
  AND e <= 1 + pg_temp.h(gp.g * 4 + p, 'editions', 3);

-- Jewelry: a metal per row; rings by metal x size (a few sizes per metal).
INSERT INTO variants (product_id, sku, price_minor, stock, position, metal, ring_size)
SELECT m.product_id,
       'GEN' || gp.g || '-' || v.metal_sku[mt] || coalesce('-' || s, ''),
       (20000 + 1000 * pg_temp.h(gp.g, 'jprice', 300)) * v.metal_factor[mt] / 100,
       CASE WHEN pg_temp.h(gp.g * 100 + mt * 16 + coalesce(s, 0), 'jsoldout', 5) = 0 THEN 0 ELSE 1 + pg_temp.h(gp.g * 100 + mt * 16 + coalesce(s, 0), 'jstock', 8) END,
       mt * 16 + coalesce(s, 0), v.metal[mt], s::smallint
FROM gen_products gp JOIN gen_map m USING (g), vocab v, generate_series(1, 5) mt,
     LATERAL (SELECT s FROM generate_series(5, 10) s WHERE gp.kind = 1 AND pg_temp.h(gp.g * 16 + s, 'size', 2) = 0
              UNION ALL SELECT NULL WHERE gp.kind <> 1) sizes
WHERE gp.department = 'jewelry'
  AND (mt = 1 + pg_temp.h(gp.g, 'm0', 5) OR pg_temp.h(gp.g * 8 + mt, 'm', 3) = 0);

-- A ring with no size drawn gets size 7 in its first metal, so every product has a variant.
INSERT INTO variants (product_id, sku, price_minor, stock, position, metal, ring_size)
SELECT m.product_id, 'GEN' || gp.g || '-' || v.metal_sku[1 + pg_temp.h(gp.g, 'm0', 5)] || '-7', 30000, 3, 0,
       v.metal[1 + pg_temp.h(gp.g, 'm0', 5)], 7
FROM gen_products gp JOIN gen_map m USING (g), vocab v
WHERE NOT EXISTS (SELECT 1 FROM variants x WHERE x.product_id = m.product_id);

-- Search words name the platforms a game is sold on (as the shop's own search-text builder does).
UPDATE products p SET search_text = p.search_text || ' ' || pl.words
FROM (SELECT x.product_id, string_agg(DISTINCT x.platform, ' ') AS words FROM variants x JOIN gen_map m USING (product_id)
      WHERE x.platform IS NOT NULL GROUP BY 1) pl
WHERE pl.product_id = p.id;

-- The option axes staff see, in the order of the variants.
INSERT INTO product_option_values (product_id, axis, value, position)
SELECT product_id, 0, value, min(position) FROM (
  SELECT x.product_id, coalesce(x.platform, x.metal) AS value, x.position FROM variants x JOIN gen_map m USING (product_id)
) o GROUP BY 1, 3;
INSERT INTO product_option_values (product_id, axis, value, position)
SELECT product_id, 1, value, min(position) FROM (
  SELECT x.product_id, coalesce(x.edition, x.ring_size::text) AS value, coalesce(x.ring_size::int, x.position) AS position
  FROM variants x JOIN gen_map m USING (product_id)
) o WHERE value IS NOT NULL GROUP BY 1, 3;

-- One photo each, borrowed from a seeded product of the same department (the files exist).
CREATE TEMP TABLE photo_pool AS
SELECT row_number() OVER (PARTITION BY p.department ORDER BY i.id) - 1 AS i, p.department,
       i.path_prefix, i.widths, i.width, i.height, i.formats
FROM product_images i JOIN products p ON p.id = i.product_id
WHERE i.status = 'ready' AND i.option_value IS NULL AND i.position = 0 AND p.slug !~ '-[0-9]+$';
INSERT INTO product_images (product_id, position, alt, path_prefix, widths, width, height, formats, status)
SELECT m.product_id, 0, gp.base_name, pp.path_prefix, pp.widths, pp.width, pp.height, pp.formats, 'ready'
FROM gen_products gp JOIN gen_map m USING (g)
JOIN photo_pool pp ON pp.department = gp.department
 AND pp.i = pg_temp.h(gp.g, 'photo', (SELECT nullif(count(*)::int, 0) FROM photo_pool x WHERE x.department = gp.department));
SELECT listing_rebuild();
COMMIT;
ANALYZE;
