-- Users' list searches through a trigram index (schema version 34,
-- PostgreSQL): a GIN index of pg_trgm trigrams on the folded search_text
-- finds the users a rare word matches (search_text LIKE '%word%'), and the
-- index of the default order carries search_text so that counting a word
-- most users match is an index-only scan. They replace the covering
-- (tenant_id, search_text) index, which every search scanned whole.
--
-- pg_trgm is created once per database (a trusted extension: the database
-- owner may create it) in the schema being migrated unless it is already
-- installed, and the index names its operator class in whichever schema
-- holds it.
DO $$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        CREATE EXTENSION pg_trgm;
        ext_schema := current_schema();
    END IF;
    EXECUTE format('CREATE INDEX users_search_trgm_idx ON users USING gin (search_text %I.gin_trgm_ops)', ext_schema);
END
$$;

DROP INDEX users_tenant_search_idx;
DROP INDEX users_tenant_created_idx;
CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id) INCLUDE (search_text);
