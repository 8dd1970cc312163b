-- users_search without its per-row size table (schema version 35, SQLite):
-- a contentless FTS5 table that may delete rows keeps each row's token
-- counts (about 16 bytes a user), which a list search never reads. Without
-- that option a row is deleted with the 'delete' command and the text it
-- was indexed with, which the triggers have (old.search_text). The index
-- is rebuilt from users.
DROP TRIGGER users_search_insert;
DROP TRIGGER users_search_update;
DROP TRIGGER users_search_delete;
DROP TRIGGER users_search_tenant_delete;
DROP TABLE users_search;

CREATE VIRTUAL TABLE users_search USING fts5 (
    search_text,
    content = '',
    columnsize = 0,
    tokenize = 'trigram case_sensitive 1',
    detail = full
);

INSERT INTO users_search (rowid, search_text)
    SELECT t.rowid * 1099511627776 + u.rowid, u.search_text FROM users u JOIN tenants t ON t.id = u.tenant_id;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search_text)
        SELECT t.rowid * 1099511627776 + new.rowid, new.search_text FROM tenants t WHERE t.id = new.tenant_id;
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO users_search (users_search, rowid, search_text)
        SELECT 'delete', t.rowid * 1099511627776 + old.rowid, old.search_text FROM tenants t WHERE t.id = old.tenant_id;
    INSERT INTO users_search (rowid, search_text)
        SELECT t.rowid * 1099511627776 + new.rowid, new.search_text FROM tenants t WHERE t.id = new.tenant_id;
END;

-- When a tenant goes, its users' entries go first (while the users are
-- still there to say what they were indexed with); the users' own trigger
-- then finds no tenant and does nothing.
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, search_text)
        SELECT 'delete', t.rowid * 1099511627776 + old.rowid, old.search_text FROM tenants t WHERE t.id = old.tenant_id;
END;

CREATE TRIGGER users_search_tenant_delete BEFORE DELETE ON tenants BEGIN
    INSERT INTO users_search (users_search, rowid, search_text)
        SELECT 'delete', old.rowid * 1099511627776 + u.rowid, u.search_text FROM users u WHERE u.tenant_id = old.id;
END;
