package client

import "context"

// Group is a user group; its caller IDs are offered to its members.
type Group struct {
	ID                string             `json:"id"`
	Name              string             `json:"name"`
	Description       string             `json:"description"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids"`
}

// GroupInput is the body of CreateGroup and UpdateGroup; an update
// changes only what is set.
type GroupInput struct {
	Name              *string            `json:"name,omitempty"`
	Description       *string            `json:"description,omitempty"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids,omitzero"`
}

// GroupMember is a user in a group.
type GroupMember struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	DisplayName     string `json:"display_name"`
	ExtensionNumber string `json:"extension_number"`
}

// ListGroups lists the tenant's groups (GET /api/groups).
func (c *Client) ListGroups(ctx context.Context, opts *ListOptions) (*List[Group], error) {
	return list[Group](ctx, c, "/api/groups", opts)
}

// CreateGroup creates a group and returns its id (POST /api/groups).
func (c *Client) CreateGroup(ctx context.Context, in GroupInput) (string, error) {
	return create(ctx, c, "/api/groups", in)
}

// GetGroup returns a group (GET /api/groups/{id}).
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	return one[Group](ctx, c, pathf("/api/groups/%s", id))
}

// UpdateGroup changes a group (POST /api/groups/{id}).
func (c *Client) UpdateGroup(ctx context.Context, id string, in GroupInput) error {
	return c.post(ctx, pathf("/api/groups/%s", id), in, nil)
}

// DeleteGroup deletes a group (POST /api/groups/{id}/destroy).
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/groups/%s/destroy", id), nil, nil)
}

// ListGroupMembers lists a group's members (GET /api/groups/{id}/members).
func (c *Client) ListGroupMembers(ctx context.Context, id string) ([]GroupMember, error) {
	return itemsOf[GroupMember](ctx, c, pathf("/api/groups/%s/members", id))
}

// GetGroupMember returns the member with an extension (GET
// /api/groups/{id}/members/{extension_number}).
func (c *Client) GetGroupMember(ctx context.Context, id, extension string) (*GroupMember, error) {
	return one[GroupMember](ctx, c, pathf("/api/groups/%s/members/%s", id, extension))
}

// AddGroupMember adds the user with an extension to a group; adding twice
// is harmless (POST /api/groups/{id}/members/{extension_number}).
func (c *Client) AddGroupMember(ctx context.Context, id, extension string) error {
	return c.post(ctx, pathf("/api/groups/%s/members/%s", id, extension), nil, nil)
}

// RemoveGroupMember removes the user with an extension from a group (POST
// /api/groups/{id}/members/{extension_number}/destroy).
func (c *Client) RemoveGroupMember(ctx context.Context, id, extension string) error {
	return c.post(ctx, pathf("/api/groups/%s/members/%s/destroy", id, extension), nil, nil)
}
