-- A tenant's call policy (schema version 24): its emergency numbers (none:
-- the country's defaults), as JSON ('' when all are defaults).
ALTER TABLE tenants ADD COLUMN call_policy TEXT NOT NULL DEFAULT '';
