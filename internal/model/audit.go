package model

import "time"

// AuditLog is one recorded change: who made it (a user, through a password
// session or an API key), in which tenant, to what, which fields (secrets
// masked), when and from where.
type AuditLog struct {
	ID         string         `json:"id"`
	TenantID   string         `json:"tenant_id"`
	CreatedAt  time.Time      `json:"created_at"`
	UserID     string         `json:"user_id"`
	UserName   string         `json:"user_name"`
	APIKey     string         `json:"api_key"`
	SourceIP   string         `json:"source_ip"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	ObjectName string         `json:"object_name"`
	Fields     map[string]any `json:"fields"`
}

// Masked stands in the audit log for the value of a secret field.
const Masked = "********"

// secretFields are masked wherever they appear in an audit entry's fields.
var secretFields = map[string]bool{
	"password": true, "new_password": true, "old_password": true, "extension_password": true,
	"voicemail_pin": true, "oncall_pin": true, "secret": true, "otp_secret": true, "code": true,
}

// MaskSecrets returns fields with every secret value replaced by Masked,
// at any depth (the admin of a tenant's create body nests a password).
func MaskSecrets(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch {
		case secretFields[k]:
			out[k] = Masked
		default:
			if m, ok := v.(map[string]any); ok {
				out[k] = MaskSecrets(m)
			} else {
				out[k] = v
			}
		}
	}
	return out
}
