-- Call recording (schema version 23, PostgreSQL): a tenant may keep calls between its users out of recording.
ALTER TABLE tenants ADD COLUMN never_record_internal BOOLEAN NOT NULL DEFAULT FALSE;
