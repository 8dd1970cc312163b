-- The node (its SIP address, host:port) that holds the connection or NAT
-- mapping a binding is reached by (RFC 5626 flows): other nodes reach such
-- a phone through that node. Empty for bindings reached at their Contact.
ALTER TABLE sip_bindings ADD COLUMN node TEXT NOT NULL DEFAULT '';
