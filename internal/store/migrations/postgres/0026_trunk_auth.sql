-- What a tenant's trunk must show for its INVITEs to be inbound calls (schema
-- version 26): digest credentials (the user name and the password's HA1
-- hashes for the tenant's domain as realm; the password itself is not kept)
-- and/or a transport: ANY (UDP by address, the default), TCP (TCP or TLS) or
-- TLS. Over TCP or TLS the trunk is known by its IP address (any port).
ALTER TABLE tenants ADD COLUMN sip_trunk_require_digest BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenants ADD COLUMN sip_trunk_username TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN sip_trunk_ha1_md5 TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN sip_trunk_ha1_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN sip_trunk_transport TEXT NOT NULL DEFAULT 'ANY';
