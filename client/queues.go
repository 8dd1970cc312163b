package client

import (
	"context"
	"time"
)

// HuntGroup is a call queue or a ring group: an extension that rings its
// members by a strategy.
type HuntGroup struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ExtensionNumber string `json:"extension_number"`
	// Strategy is RING_ALL, HUNT, LEAST_RECENT, FEWEST_CALLS or RANDOM.
	Strategy string `json:"strategy"`
	// RingTimeout is how many seconds a member rings before the next
	// (default 20).
	RingTimeout int       `json:"ring_timeout"`
	CreatedAt   time.Time `json:"created_at"`
}

// HuntGroupDetail is a hunt group with its members.
type HuntGroupDetail struct {
	HuntGroup
	Members []Agent `json:"members"`
}

// HuntGroupSummary names a hunt group.
type HuntGroupSummary struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ExtensionNumber string `json:"extension_number"`
}

// HuntGroupInput is the body that creates or changes a hunt group: only
// the fields set are sent.
type HuntGroupInput struct {
	Name            *string `json:"name,omitempty"`
	ExtensionNumber *string `json:"extension_number,omitempty"`
	Strategy        *string `json:"strategy,omitempty"`
	RingTimeout     *int    `json:"ring_timeout,omitempty"`
}

// Agent is a member of a hunt group, with its agent status (READY,
// NOT_READY, WRAP_UP, BREAK, LUNCH, LOGGED_IN or LOGGED_OUT).
type Agent struct {
	UserID          string    `json:"user_id"`
	DisplayName     string    `json:"display_name"`
	ExtensionNumber string    `json:"extension_number"`
	SkillLevel      int       `json:"skill_level"`
	Status          string    `json:"status"`
	StatusAt        time.Time `json:"status_at"`
}

// AgentEvent is one change of an agent's status.
type AgentEvent struct {
	UserID   string `json:"user_id"`
	Previous string `json:"previous"`
	Status   string `json:"status"`
	// By is who changed it (the agent, or an admin).
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// HuntGroups reaches the tenant's call queues or its ring groups
// (user_management.users).
type HuntGroups struct {
	c    *Client
	base string
}

// CallQueues reaches the call queues (/api/call_queues).
func (c *Client) CallQueues() *HuntGroups { return &HuntGroups{c, "/api/call_queues"} }

// RingGroups reaches the ring groups (/api/ring_groups).
func (c *Client) RingGroups() *HuntGroups { return &HuntGroups{c, "/api/ring_groups"} }

// List lists the hunt groups.
func (h *HuntGroups) List(ctx context.Context) ([]HuntGroup, error) {
	return itemsOf[HuntGroup](ctx, h.c, h.base)
}

// Create creates a hunt group and returns its id.
func (h *HuntGroups) Create(ctx context.Context, in HuntGroupInput) (string, error) {
	return create(ctx, h.c, h.base, in)
}

// Get returns a hunt group with its members.
func (h *HuntGroups) Get(ctx context.Context, id string) (*HuntGroupDetail, error) {
	return one[HuntGroupDetail](ctx, h.c, h.base+pathf("/%s", id))
}

// Update changes a hunt group.
func (h *HuntGroups) Update(ctx context.Context, id string, in HuntGroupInput) error {
	return h.c.post(ctx, h.base+pathf("/%s", id), in, nil)
}

// Delete deletes a hunt group.
func (h *HuntGroups) Delete(ctx context.Context, id string) error {
	return h.c.post(ctx, h.base+pathf("/%s/destroy", id), nil, nil)
}

// SetMember adds a user to a hunt group or changes their skill level (1 to
// 10; 0 leaves it to the server).
func (h *HuntGroups) SetMember(ctx context.Context, id, userID string, skillLevel int) error {
	var in any
	if skillLevel != 0 {
		in = skillBody{SkillLevel: skillLevel}
	}
	return h.c.post(ctx, h.base+pathf("/%s/members/%s", id, userID), in, nil)
}

// RemoveMember removes a user from a hunt group.
func (h *HuntGroups) RemoveMember(ctx context.Context, id, userID string) error {
	return h.c.post(ctx, h.base+pathf("/%s/members/%s/destroy", id, userID), nil, nil)
}

// CallQueueAgentEvents lists the agent status changes of a call queue (GET
// /api/call_queues/{id}/agent_events).
func (c *Client) CallQueueAgentEvents(ctx context.Context, id string) ([]AgentEvent, error) {
	return itemsOf[AgentEvent](ctx, c, pathf("/api/call_queues/%s/agent_events", id))
}

// MyRingGroups lists the ring groups the signed-in user is a member of
// (GET /api/user/ring_groups).
func (c *Client) MyRingGroups(ctx context.Context) ([]HuntGroupSummary, error) {
	return itemsOf[HuntGroupSummary](ctx, c, "/api/user/ring_groups")
}
