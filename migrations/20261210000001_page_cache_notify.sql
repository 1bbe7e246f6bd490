-- Each instance keeps rendered public pages in memory (server/src/page_cache.rs). Every path the
-- purge triggers queue is also sent to them at commit (NOTIFY is transactional: a rolled-back
-- change sends nothing; duplicates within a transaction arrive once).
CREATE FUNCTION cache_purge_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('page_cache', NEW.path);
    RETURN NULL;
END $$;

CREATE TRIGGER cache_purge_notify AFTER INSERT ON cache_purges
    FOR EACH ROW EXECUTE FUNCTION cache_purge_notify();
