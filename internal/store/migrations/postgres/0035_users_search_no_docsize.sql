-- Schema version 35 changes SQLite's users_search only; PostgreSQL has
-- nothing to change.
SELECT 1;
