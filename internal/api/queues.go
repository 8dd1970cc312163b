package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// huntDoc documents the body of a call queue or ring group (the directory
// reads it as a patch, so left-out members keep their value).
type huntDoc struct {
	Name            string `json:"name,omitempty" maxLength:"64"`
	ExtensionNumber string `json:"extension_number,omitempty" maxLength:"64"`
	Strategy        string `json:"strategy,omitempty" enum:"RING_ALL,HUNT,LEAST_RECENT,FEWEST_CALLS,RANDOM"`
	RingTimeout     int    `json:"ring_timeout,omitempty" minimum:"5" maximum:"600"`
}

// agentStatusDoc is the body that sets an agent status.
type agentStatusDoc struct {
	Status string `json:"status" required:"true" enum:"READY,NOT_READY,WRAP_UP,BREAK,LUNCH,LOGGED_IN,LOGGED_OUT"`
}

type huntMemberPath struct {
	ID     string `path:"id" maxLength:"64"`
	UserID string `path:"user_id" maxLength:"64"`
}

type summariesOutput struct {
	Body struct {
		Items []model.HuntGroupSummary `json:"items"`
	}
}

// The aliases of unnamed structs keep the schema names huma derives from
// the operations (List-call_queuesResponse, ...).

type huntGroupsOutput = struct {
	Body struct {
		Items []model.HuntGroup `json:"items"`
	}
}

type huntGroupOutput = struct {
	Body struct {
		*model.HuntGroup
		Members []model.Agent `json:"members"`
	}
}

type huntMemberInput = struct {
	ID     string `path:"id" maxLength:"64"`
	UserID string `path:"user_id" maxLength:"64"`
	Body   *struct {
		SkillLevel int `json:"skill_level,omitempty" minimum:"1" maximum:"10"`
	} `required:"false"`
}

type agentEventsOutput = struct {
	Body struct {
		Items []model.AgentEvent `json:"items"`
	}
}

type agentPath = struct {
	ID      string `path:"id" maxLength:"64"`
	QueueID string `path:"queue_id" maxLength:"64"`
}

type myAgentStatusInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body agentStatusDoc
}

type agentStatusInput = struct {
	ID      string `path:"id" maxLength:"64"`
	QueueID string `path:"queue_id" maxLength:"64"`
	Body    agentStatusDoc
}

// huntKind names the routes of call queues or ring groups.
type huntKind struct {
	kind, base, mine, name, tag string
}

var huntKinds = []huntKind{
	{model.KindCallQueue, "/api/call_queues", "/api/user/call_queues", "call queue", "Call queues"},
	{model.KindRingGroup, "/api/ring_groups", "/api/user/ring_groups", "ring group", "Ring groups"},
}

func (k huntKind) admin(method, path, id, summary string, status int) route {
	return route{method: method, path: path, id: id, summary: summary, tag: k.tag, access: perm, permission: directory.PermUsers, status: status}
}

// huntGroupRoutes manage the tenant's call queues or ring groups.
func (s *Server) huntGroupRoutes(k huntKind) {
	d, kind := s.deps.Directory, k.kind
	handle(s, k.admin(http.MethodGet, k.base, "list-"+kind+"s", "List the tenant's "+k.name+"s", 0),
		func(ctx context.Context, c *directory.Caller, in *struct{}) (*huntGroupsOutput, error) {
			list, err := d.ListHuntGroups(ctx, c, kind)
			if err != nil {
				return nil, err
			}
			out := &huntGroupsOutput{}
			out.Body.Items = list
			return out, nil
		})
	handle(s, k.admin(http.MethodPost, k.base, "create-"+kind, "Add a "+k.name+" (its extension may not be a user's)", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[huntDoc, model.HuntGroup]) (*createdOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return created(d.CreateHuntGroup(ctx, c, kind, p))
		})
	handle(s, k.admin(http.MethodGet, k.base+"/{id}", "get-"+kind, "Get a "+k.name+" with its members", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*huntGroupOutput, error) {
			g, members, err := d.GetHuntGroup(ctx, c, kind, in.ID)
			if err != nil {
				return nil, err
			}
			out := &huntGroupOutput{}
			out.Body.HuntGroup, out.Body.Members = g, members
			return out, nil
		})
	handle(s, k.admin(http.MethodPost, k.base+"/{id}", "update-"+kind, "Change a "+k.name, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[huntDoc, model.HuntGroup]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateHuntGroup(ctx, c, kind, in.ID, p)
		})
	handle(s, k.admin(http.MethodPost, k.base+"/{id}/destroy", "destroy-"+kind, "Delete a "+k.name, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteHuntGroup(ctx, c, kind, in.ID)
		})
}

// huntMemberRoutes manage a call queue's or ring group's members, and
// show a user the groups they belong to.
func (s *Server) huntMemberRoutes(k huntKind) {
	d, kind := s.deps.Directory, k.kind
	handle(s, k.admin(http.MethodPost, k.base+"/{id}/members/{user_id}", "set-"+kind+"-member", "Add a user to a "+k.name+" (or change its skill level)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *huntMemberInput) (*struct{}, error) {
			skill := 0
			if in.Body != nil {
				skill = in.Body.SkillLevel
			}
			return nil, d.SetHuntMember(ctx, c, kind, in.ID, in.UserID, skill)
		})
	handle(s, k.admin(http.MethodPost, k.base+"/{id}/members/{user_id}/destroy", "remove-"+kind+"-member", "Take a user out of a "+k.name, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *huntMemberPath) (*struct{}, error) {
			return nil, d.RemoveHuntMember(ctx, c, kind, in.ID, in.UserID)
		})
	handle(s, route{method: http.MethodGet, path: k.mine, id: "my-" + kind + "s", tag: k.tag, access: self,
		summary: "The " + k.name + "s you belong to"},
		func(ctx context.Context, c *directory.Caller, in *struct{}) (*summariesOutput, error) {
			return summaries(d.MyHuntGroups(ctx, c, kind, ""))
		})
}

func summaries(list []model.HuntGroupSummary, err error) (*summariesOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &summariesOutput{}
	out.Body.Items = list
	return out, nil
}

// agentRoutes are call queue agents' states: a user's own, and an admin's
// view of anyone's.
func (s *Server) agentRoutes() {
	d := s.deps.Directory
	queues := huntKinds[0]
	handle(s, queues.admin(http.MethodGet, "/api/call_queues/{id}/agent_events", "call-queue-agent-events",
		"The queue's agent status changes with their times, oldest first (the last 1,000)", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*agentEventsOutput, error) {
			list, err := d.AgentEvents(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &agentEventsOutput{}
			out.Body.Items = list
			return out, nil
		})
	handle(s, route{method: http.MethodGet, path: "/api/user/call_queues/{id}/agent", id: "my-agent", tag: "Call queues", access: self,
		summary: "Your agent state in a call queue"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Agent], error) {
			return oneOut(d.Agent(ctx, c, "", in.ID))
		})
	handle(s, route{method: http.MethodPost, path: "/api/user/call_queues/{id}/agent", id: "set-my-agent", tag: "Call queues", access: self,
		status: http.StatusNoContent, summary: "Set your agent status in a call queue (logged out: LOGGED_IN or READY first)"},
		func(ctx context.Context, c *directory.Caller, in *myAgentStatusInput) (*struct{}, error) {
			return nil, d.SetAgentStatus(ctx, c, "", in.ID, in.Body.Status)
		})
	handle(s, queues.admin(http.MethodGet, "/api/users/{id}/call_queues", "user-call-queues", "The call queues a user belongs to", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*summariesOutput, error) {
			return summaries(d.MyHuntGroups(ctx, c, model.KindCallQueue, in.ID))
		})
	handle(s, queues.admin(http.MethodGet, "/api/users/{id}/call_queues/{queue_id}/agent", "user-agent", "A user's agent state in a call queue", 0),
		func(ctx context.Context, c *directory.Caller, in *agentPath) (*itemOutput[model.Agent], error) {
			return oneOut(d.Agent(ctx, c, in.ID, in.QueueID))
		})
	handle(s, queues.admin(http.MethodPost, "/api/users/{id}/call_queues/{queue_id}/agent", "set-user-agent", "Set a user's agent status in a call queue", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *agentStatusInput) (*struct{}, error) {
			return nil, d.SetAgentStatus(ctx, c, in.ID, in.QueueID, in.Body.Status)
		})
}
