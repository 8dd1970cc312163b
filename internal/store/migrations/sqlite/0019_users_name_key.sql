-- A user's name key (model.NameKey: the confusable skeleton, case-folded,
-- without marks), so that a look-alike of a taken name is refused (schema
-- version 18). Migrate fills it for existing users and then makes it
-- unique per tenant when no two users already share one.
ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX users_tenant_name_key_idx ON users (tenant_id, name_key);
