-- Where a tenant's calls leave the PBX: its outbound SIP trunk and its
-- voicemail server (SIP URIs; '' when not configured).
ALTER TABLE tenants ADD COLUMN sip_trunk TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN voicemail_server TEXT NOT NULL DEFAULT '';
