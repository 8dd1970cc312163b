-- Which calls of a tenant have their media anchored in the media relay (--rtpengine):
-- NAT (those with a party behind NAT) or ALWAYS.
ALTER TABLE tenants ADD COLUMN media_relay TEXT NOT NULL DEFAULT 'NAT';
