package model

import "time"

// SystemTenantDomain is the SIP domain of the system tenant, which holds the
// SystemAdmin accounts. Sign-in may leave the domain out for it.
const SystemTenantDomain = "system.local"

// Tenant is one customer account with its own SIP domain.
type Tenant struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Domain   string    `json:"domain"`
	Enabled  bool      `json:"enabled"`
	TimeZone string    `json:"time_zone"`
	System   bool      `json:"system"`
	Created  time.Time `json:"created_at"`
	// OTPRequired makes two-factor login the default for the tenant's users.
	OTPRequired bool `json:"otp_required"`
}
