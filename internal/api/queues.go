package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// huntDoc documents the body of a call queue or ring group (the handler
// reads the raw body, so left-out members keep their value).
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

type huntBody struct {
	Body    huntDoc
	RawBody []byte
}

type huntUpdate struct {
	ID      string `path:"id" maxLength:"64"`
	Body    huntDoc
	RawBody []byte
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

func (s *Server) queueRoutes() {
	d := s.deps.Directory
	for _, kind := range []string{model.KindCallQueue, model.KindRingGroup} {
		base, name, tag := "/api/call_queues", "call queue", "Call queues"
		if kind == model.KindRingGroup {
			base, name, tag = "/api/ring_groups", "ring group", "Ring groups"
		}
		admin := func(method, path, id, summary string, status int) route {
			return route{method: method, path: path, id: id, summary: summary, tag: tag, access: perm, permission: directory.PermUsers, status: status}
		}
		register(s, admin(http.MethodGet, base, "list-"+kind+"s", "List the tenant's "+name+"s", 0),
			func(ctx context.Context, c *directory.Caller, in *struct{}) (*struct {
				Body struct {
					Items []model.HuntGroup `json:"items"`
				}
			}, error) {
				list, err := d.ListHuntGroups(ctx, c, kind)
				if err != nil {
					return nil, err
				}
				out := &struct {
					Body struct {
						Items []model.HuntGroup `json:"items"`
					}
				}{}
				out.Body.Items = list
				return out, nil
			})
		register(s, admin(http.MethodPost, base, "create-"+kind, "Add a "+name+" (its extension may not be a user's)", http.StatusCreated),
			func(ctx context.Context, c *directory.Caller, in *huntBody) (*createdOutput, error) {
				return created(d.CreateHuntGroup(ctx, c, kind, in.RawBody))
			})
		register(s, admin(http.MethodGet, base+"/{id}", "get-"+kind, "Get a "+name+" with its members", 0),
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct {
				Body struct {
					*model.HuntGroup
					Members []model.Agent `json:"members"`
				}
			}, error) {
				g, members, err := d.GetHuntGroup(ctx, c, kind, in.ID)
				if err != nil {
					return nil, err
				}
				out := &struct {
					Body struct {
						*model.HuntGroup
						Members []model.Agent `json:"members"`
					}
				}{}
				out.Body.HuntGroup, out.Body.Members = g, members
				return out, nil
			})
		register(s, admin(http.MethodPost, base+"/{id}", "update-"+kind, "Change a "+name, http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *huntUpdate) (*struct{}, error) {
				return nil, d.UpdateHuntGroup(ctx, c, kind, in.ID, in.RawBody)
			})
		register(s, admin(http.MethodPost, base+"/{id}/destroy", "destroy-"+kind, "Delete a "+name, http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.DeleteHuntGroup(ctx, c, kind, in.ID)
			})
		register(s, admin(http.MethodPost, base+"/{id}/members/{user_id}", "set-"+kind+"-member", "Add a user to a "+name+" (or change its skill level)", http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *struct {
				ID     string `path:"id" maxLength:"64"`
				UserID string `path:"user_id" maxLength:"64"`
				Body   *struct {
					SkillLevel int `json:"skill_level,omitempty" minimum:"1" maximum:"10"`
				} `required:"false"`
			}) (*struct{}, error) {
				skill := 0
				if in.Body != nil {
					skill = in.Body.SkillLevel
				}
				return nil, d.SetHuntMember(ctx, c, kind, in.ID, in.UserID, skill)
			})
		register(s, admin(http.MethodPost, base+"/{id}/members/{user_id}/destroy", "remove-"+kind+"-member", "Take a user out of a "+name, http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *huntMemberPath) (*struct{}, error) {
				return nil, d.RemoveHuntMember(ctx, c, kind, in.ID, in.UserID)
			})
		mine := "/api/user/call_queues"
		if kind == model.KindRingGroup {
			mine = "/api/user/ring_groups"
		}
		register(s, route{method: http.MethodGet, path: mine, id: "my-" + kind + "s", tag: tag, access: self,
			summary: "The " + name + "s you belong to"},
			func(ctx context.Context, c *directory.Caller, in *struct{}) (*summariesOutput, error) {
				list, err := d.MyHuntGroups(ctx, c, kind, "")
				if err != nil {
					return nil, err
				}
				out := &summariesOutput{}
				out.Body.Items = list
				return out, nil
			})
	}
	register(s, route{method: http.MethodGet, path: "/api/call_queues/{id}/agent_events", id: "call-queue-agent-events", tag: "Call queues",
		access: perm, permission: directory.PermUsers, summary: "The queue's agent status changes with their times, oldest first (the last 1,000)"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct {
			Body struct {
				Items []model.AgentEvent `json:"items"`
			}
		}, error) {
			list, err := d.AgentEvents(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					Items []model.AgentEvent `json:"items"`
				}
			}{}
			out.Body.Items = list
			return out, nil
		})
	// A user's own agent state, and an admin's view of anyone's.
	agentOut := func(a *model.Agent, err error) (*struct{ Body *model.Agent }, error) {
		if err != nil {
			return nil, err
		}
		return &struct{ Body *model.Agent }{Body: a}, nil
	}
	register(s, route{method: http.MethodGet, path: "/api/user/call_queues/{id}/agent", id: "my-agent", tag: "Call queues", access: self,
		summary: "Your agent state in a call queue"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{ Body *model.Agent }, error) {
			return agentOut(d.Agent(ctx, c, "", in.ID))
		})
	register(s, route{method: http.MethodPost, path: "/api/user/call_queues/{id}/agent", id: "set-my-agent", tag: "Call queues", access: self,
		status: http.StatusNoContent, summary: "Set your agent status in a call queue (logged out: LOGGED_IN or READY first)"},
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body agentStatusDoc
		}) (*struct{}, error) {
			return nil, d.SetAgentStatus(ctx, c, "", in.ID, in.Body.Status)
		})
	register(s, route{method: http.MethodGet, path: "/api/users/{id}/call_queues", id: "user-call-queues", tag: "Call queues", access: perm,
		permission: directory.PermUsers, summary: "The call queues a user belongs to"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*summariesOutput, error) {
			list, err := d.MyHuntGroups(ctx, c, model.KindCallQueue, in.ID)
			if err != nil {
				return nil, err
			}
			out := &summariesOutput{}
			out.Body.Items = list
			return out, nil
		})
	register(s, route{method: http.MethodGet, path: "/api/users/{id}/call_queues/{queue_id}/agent", id: "user-agent", tag: "Call queues", access: perm,
		permission: directory.PermUsers, summary: "A user's agent state in a call queue"},
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID      string `path:"id" maxLength:"64"`
			QueueID string `path:"queue_id" maxLength:"64"`
		}) (*struct{ Body *model.Agent }, error) {
			return agentOut(d.Agent(ctx, c, in.ID, in.QueueID))
		})
	register(s, route{method: http.MethodPost, path: "/api/users/{id}/call_queues/{queue_id}/agent", id: "set-user-agent", tag: "Call queues", access: perm,
		permission: directory.PermUsers, status: http.StatusNoContent, summary: "Set a user's agent status in a call queue"},
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID      string `path:"id" maxLength:"64"`
			QueueID string `path:"queue_id" maxLength:"64"`
			Body    agentStatusDoc
		}) (*struct{}, error) {
			return nil, d.SetAgentStatus(ctx, c, in.ID, in.QueueID, in.Body.Status)
		})
}
