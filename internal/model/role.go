package model

import (
	"reflect"
	"strings"
	"sync"
)

// Built-in role names, reserved in any case for custom roles.
const (
	RoleSystemAdmin               = "SystemAdmin"
	RoleReplicator                = "Replicator"
	RoleDealer                    = "Dealer"
	RoleAdmin                     = "Admin"
	RoleStandardUser              = "StandardUser"
	RoleStandardInternationalUser = "StandardInternationalUser"
	RoleQueueManager              = "QueueManager"
)

// Permissions is the contract's role permission matrix.
type Permissions struct {
	General struct {
		VoicemailViewOnly   bool `json:"voicemail_view_only"`
		VoicemailFullAccess bool `json:"voicemail_full_access"`
		Meeting             bool `json:"meeting"`
	} `json:"general"`
	System struct {
		Information bool `json:"information"`
		Dealer      bool `json:"dealer"`
		Tenant      bool `json:"tenant"`
	} `json:"system"`
	Trunk          ViewFull `json:"trunk"`
	Company        ViewFull `json:"company"`
	CompanyCallLog CallLog  `json:"company_call_log"`
	PhoneSystem    ViewFull `json:"phone_system"`
	UserManagement struct {
		Roles bool `json:"roles"`
		Users bool `json:"users"`
	} `json:"user_management"`
	UserCallLog CallLog `json:"user_call_log"`
	Policies    struct {
		DomesticCalls      bool `json:"domestic_calls"`
		InternalCalls      bool `json:"internal_calls"`
		InternationalCalls bool `json:"international_calls"`
		// ForwardExternalCalls lets the user's forward rules, mobile
		// forward and network unavailability number send calls to outside
		// numbers; FollowMe lets the user ring outside numbers with Follow
		// Me. Both legs are still checked against the call classes above.
		ForwardExternalCalls bool `json:"forward_external_calls"`
		FollowMe             bool `json:"follow_me"`
	} `json:"policies"`
	Analytics struct {
		CallReportViewOnly   bool `json:"call_report_view_only"`
		CallReportFullAccess bool `json:"call_report_full_access"`
	} `json:"analytics"`
	Billing ViewFull `json:"billing"`
}

// ViewFull is a pair of view-only and full-access flags.
type ViewFull struct {
	ViewOnly   bool `json:"view_only"`
	FullAccess bool `json:"full_access"`
}

// CallLog is the call log and recording access of a role.
type CallLog struct {
	CallLogViewOnly         bool `json:"call_log_view_only"`
	CallLogFullAccess       bool `json:"call_log_full_access"`
	CallRecordingViewOnly   bool `json:"call_recording_view_only"`
	CallRecordingFullAccess bool `json:"call_recording_full_access"`
}

// flagField is one permission flag's dotted name and field index path.
type flagField struct {
	name  string
	index []int
}

// flagFields lists the matrix's flags once, in declaration order.
var flagFields = sync.OnceValues(func() ([]flagField, map[string][]int) {
	var list []flagField
	byName := map[string][]int{}
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if prefix != "" {
				name = prefix + "." + name
			}
			idx := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, name, idx)
				continue
			}
			list = append(list, flagField{name: name, index: idx})
			byName[name] = idx
		}
	}
	walk(reflect.TypeFor[Permissions](), "", nil)
	return list, byName
})

// Flags lists the matrix as dotted flag names ("user_management.users")
// with their values, in a fixed order.
func (p Permissions) Flags() []Flag {
	list, _ := flagFields()
	v := reflect.ValueOf(p)
	out := make([]Flag, len(list))
	for i, f := range list {
		out[i] = Flag{Name: f.name, Value: v.FieldByIndex(f.index).Bool()}
	}
	return out
}

// Has reports whether the dotted flag is set. An unknown flag is false.
func (p Permissions) Has(flag string) bool {
	_, byName := flagFields()
	idx, ok := byName[flag]
	return ok && reflect.ValueOf(p).FieldByIndex(idx).Bool()
}

// Covers reports whether p holds every flag that other holds, so that a
// holder of p may grant other.
func (p Permissions) Covers(other Permissions) bool {
	mine := p.Flags()
	for i, f := range other.Flags() {
		if f.Value && !mine[i].Value {
			return false
		}
	}
	return true
}

// Flag is one named permission flag.
type Flag struct {
	Name  string
	Value bool
}

// setAll sets every flag of p to true.
func setAll(p *Permissions) {
	v := reflect.ValueOf(p).Elem()
	var set func(reflect.Value)
	set = func(v reflect.Value) {
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.Kind() == reflect.Struct {
				set(f)
			} else {
				f.SetBool(true)
			}
		}
	}
	set(v)
}

// Role is a named permission set. Built-in roles are the same in every
// tenant and cannot be changed.
type Role struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Permissions Permissions `json:"permissions"`
	BuiltIn     bool        `json:"built_in"`
}

// BuiltInRoles returns the contract's built-in roles, freshly built.
func BuiltInRoles() []Role {
	var sys Permissions
	setAll(&sys)

	var admin Permissions
	setAll(&admin)
	admin.System.Information, admin.System.Dealer, admin.System.Tenant = false, false, false

	var dealer Permissions
	dealer.System.Dealer = true
	dealer.Company.ViewOnly = true
	dealer.Billing = ViewFull{ViewOnly: true, FullAccess: true}

	var replicator Permissions
	replicator.CompanyCallLog = CallLog{true, true, true, true}
	replicator.UserCallLog = CallLog{true, true, true, true}

	var std Permissions
	std.General.VoicemailViewOnly, std.General.VoicemailFullAccess, std.General.Meeting = true, true, true
	std.UserCallLog = CallLog{true, true, true, true}
	std.Policies.InternalCalls, std.Policies.DomesticCalls = true, true
	std.Policies.ForwardExternalCalls, std.Policies.FollowMe = true, true

	intl := std
	intl.Policies.InternationalCalls = true

	queue := std
	queue.PhoneSystem.ViewOnly = true
	queue.Analytics.CallReportViewOnly = true

	return []Role{
		{Name: RoleSystemAdmin, Description: "The system administrator has almost all permissions.", Permissions: sys, BuiltIn: true},
		{Name: RoleReplicator, Description: "The application permissions collection.", Permissions: replicator, BuiltIn: true},
		{Name: RoleDealer, Description: "The sales manager has all sold tenant resource permissions.", Permissions: dealer, BuiltIn: true},
		{Name: RoleAdmin, Description: "The admin has all tenant-wide resource permissions.", Permissions: admin, BuiltIn: true},
		{Name: RoleStandardUser, Description: "The user has all user-wide resource permissions.", Permissions: std, BuiltIn: true},
		{Name: RoleStandardInternationalUser, Description: "The user has all user-wide resource permissions with international call permissions.", Permissions: intl, BuiltIn: true},
		{Name: RoleQueueManager, Description: "The call queue manager.", Permissions: queue, BuiltIn: true},
	}
}

// BuiltInRole returns the built-in role named name (exact case).
func BuiltInRole(name string) (Role, bool) {
	r, ok := builtInByName()[name]
	return r, ok // a copy: Role holds no references
}

// BuiltInRoleFold returns the built-in role whose name is name in any case.
func BuiltInRoleFold(name string) (Role, bool) {
	for n, r := range builtInByName() {
		if strings.EqualFold(n, name) {
			return r, true
		}
	}
	return Role{}, false
}

var builtInByName = sync.OnceValue(func() map[string]Role {
	m := map[string]Role{}
	for _, r := range BuiltInRoles() {
		m[r.Name] = r
	}
	return m
})

// IsReservedRoleName reports whether name is a built-in role name in any case.
func IsReservedRoleName(name string) bool {
	for _, r := range BuiltInRoles() {
		if strings.EqualFold(r.Name, name) {
			return true
		}
	}
	return false
}

// MaxRoleDescription bounds a role's description.
const MaxRoleDescription = 256

// ValidateRole checks a custom role: a name of 1 to 64 ASCII letters,
// digits, spaces and _ - . (not starting or ending with a space), not a
// built-in role's name in any case, and a bounded description.
func ValidateRole(r *Role) error {
	name := r.Name
	if name == "" {
		return Invalid("name", "is required")
	}
	if len(name) > MaxNameLen {
		return Invalid("name", "must be at most %d characters", MaxNameLen)
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.', c == ' ':
		default:
			return Invalid("name", "contains %q; use ASCII letters, digits, spaces and _ - . only", c)
		}
	}
	if strings.TrimSpace(name) != name {
		return Invalid("name", "must not start or end with a space")
	}
	if IsReservedRoleName(name) {
		return Invalid("name", "%q is a built-in role's name", name)
	}
	return checkText("description", r.Description, MaxRoleDescription, false)
}
