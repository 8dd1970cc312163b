package client

import (
	"context"
	"reflect"
	"sort"
	"strings"
)

// RoleSummary is a role as the list shows it.
type RoleSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	BuiltIn     bool   `json:"built_in"`
}

// Role is a role with its permission matrix.
type Role struct {
	RoleSummary
	Permissions Permissions `json:"permissions"`
}

// Permissions is the role matrix of the API contract. Flags lists it as
// "group.flag" names, as the operations' x-permission names them.
type Permissions struct {
	System         SystemPermissions         `json:"system"`
	Company        ViewFull                  `json:"company"`
	UserManagement UserManagementPermissions `json:"user_management"`
	PhoneSystem    ViewFull                  `json:"phone_system"`
	Trunk          ViewFull                  `json:"trunk"`
	Billing        ViewFull                  `json:"billing"`
	CompanyCallLog CallLogPermissions        `json:"company_call_log"`
	UserCallLog    CallLogPermissions        `json:"user_call_log"`
	Analytics      AnalyticsPermissions      `json:"analytics"`
	General        GeneralPermissions        `json:"general"`
	Policies       PolicyPermissions         `json:"policies"`
}

// SystemPermissions are the deployment-wide flags.
type SystemPermissions struct {
	Tenant      bool `json:"tenant"`
	Dealer      bool `json:"dealer"`
	Information bool `json:"information"`
}

// ViewFull is a pair of read and write flags.
type ViewFull struct {
	ViewOnly   bool `json:"view_only"`
	FullAccess bool `json:"full_access"`
}

// UserManagementPermissions manage users and roles.
type UserManagementPermissions struct {
	Users bool `json:"users"`
	Roles bool `json:"roles"`
}

// CallLogPermissions read or manage call logs and recordings.
type CallLogPermissions struct {
	CallLogViewOnly         bool `json:"call_log_view_only"`
	CallLogFullAccess       bool `json:"call_log_full_access"`
	CallRecordingViewOnly   bool `json:"call_recording_view_only"`
	CallRecordingFullAccess bool `json:"call_recording_full_access"`
}

// AnalyticsPermissions read or manage call reports.
type AnalyticsPermissions struct {
	CallReportViewOnly   bool `json:"call_report_view_only"`
	CallReportFullAccess bool `json:"call_report_full_access"`
}

// GeneralPermissions are a user's own features.
type GeneralPermissions struct {
	VoicemailViewOnly   bool `json:"voicemail_view_only"`
	VoicemailFullAccess bool `json:"voicemail_full_access"`
	Meeting             bool `json:"meeting"`
}

// PolicyPermissions are the kinds of calls allowed.
type PolicyPermissions struct {
	InternalCalls      bool `json:"internal_calls"`
	DomesticCalls      bool `json:"domestic_calls"`
	InternationalCalls bool `json:"international_calls"`
	// ForwardExternalCalls lets forward rules reach outside numbers.
	ForwardExternalCalls bool `json:"forward_external_calls"`
	// FollowMe lets Follow Me ring outside numbers.
	FollowMe bool `json:"follow_me"`
}

// Flags returns every flag of the matrix by its "group.flag" name.
func (p Permissions) Flags() map[string]bool {
	out := map[string]bool{}
	groups := reflect.ValueOf(p)
	for i := range groups.NumField() {
		g := groups.Field(i)
		gname := jsonName(groups.Type().Field(i))
		for j := range g.NumField() {
			out[gname+"."+jsonName(g.Type().Field(j))] = g.Field(j).Bool()
		}
	}
	return out
}

// PermissionFlags returns the names of every flag of the matrix, sorted.
func PermissionFlags() []string {
	var names []string
	for f := range (Permissions{}).Flags() {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}

// PermissionsUpdate is a set of flags for a role body: only the flags in
// it are sent, so an update changes those and keeps the rest. Build it
// with Grant and Revoke.
type PermissionsUpdate map[string]map[string]bool

// Grant sets flags ("group.flag", see PermissionFlags) on. The server
// refuses a name that is not a flag of the matrix, naming it.
func (p PermissionsUpdate) Grant(flags ...string) PermissionsUpdate { return p.set(true, flags) }

// Revoke sets flags off, as Grant sets them on.
func (p PermissionsUpdate) Revoke(flags ...string) PermissionsUpdate { return p.set(false, flags) }

func (p PermissionsUpdate) set(on bool, flags []string) PermissionsUpdate {
	for _, f := range flags {
		group, flag, _ := strings.Cut(f, ".")
		if p[group] == nil {
			p[group] = map[string]bool{}
		}
		p[group][flag] = on
	}
	return p
}

// Grant returns a PermissionsUpdate with flags on.
func Grant(flags ...string) PermissionsUpdate { return PermissionsUpdate{}.Grant(flags...) }

// RoleInput is the body of CreateRole and UpdateRole; an update changes
// only what is set (and of the permissions, only the flags listed).
type RoleInput struct {
	Name        *string           `json:"name,omitempty"`
	Description *string           `json:"description,omitempty"`
	Permissions PermissionsUpdate `json:"permissions,omitzero"`
}

// ListRoles lists the built-in roles and the tenant's own (GET
// /api/roles); filter and order on name, description and built_in.
func (c *Client) ListRoles(ctx context.Context, opts *ListOptions) (*List[RoleSummary], error) {
	return list[RoleSummary](ctx, c, "/api/roles", opts)
}

// CreateRole creates a custom role and returns its name (POST /api/roles).
// Nobody creates a role holding a permission they lack.
func (c *Client) CreateRole(ctx context.Context, in RoleInput) (string, error) {
	var out nameBody
	if err := c.post(ctx, "/api/roles", in, &out); err != nil {
		return "", err
	}
	return out.Name, nil
}

// GetRole returns a role by name, in any case (GET /api/roles/{name}).
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	return one[Role](ctx, c, pathf("/api/roles/%s", name))
}

// UpdateRole changes a custom role (POST /api/roles/{name}); a rename
// carries over to its users.
func (c *Client) UpdateRole(ctx context.Context, name string, in RoleInput) error {
	return c.post(ctx, pathf("/api/roles/%s", name), in, nil)
}

// DeleteRole deletes a custom role that nobody holds (POST
// /api/roles/{name}/destroy).
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	return c.post(ctx, pathf("/api/roles/%s/destroy", name), nil, nil)
}

// jsonName returns a struct field's JSON member name.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
