-- Every staff change is recorded here, in the same transaction as the change itself: who (user id
-- and e-mail as they were), from where, when, what (entity, id, action) and the entity before and
-- after. Append-only: the database refuses to change or delete a row.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid,
    actor_email text NOT NULL,
    ip          inet,
    entity      text NOT NULL CHECK (entity ~ '^[a-z_]{1,40}$'),
    entity_id   text NOT NULL,
    action      text NOT NULL CHECK (action ~ '^[a-z_.]{1,60}$'),
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
