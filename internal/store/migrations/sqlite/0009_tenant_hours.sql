-- A tenant's office hours (the week users with office_hours.mode GLOBAL
-- follow, as JSON) and its country calling code (domestic versus
-- international calls). '' means the defaults: Monday to Friday
-- 09:00-17:00, and no country code.
ALTER TABLE tenants ADD COLUMN office_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
