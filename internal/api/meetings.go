package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type meetingPath struct {
	ID string `path:"id" maxLength:"64"`
}

type participantPath struct {
	ID            string `path:"id" maxLength:"64"`
	ParticipantID string `path:"participant_id" maxLength:"64"`
}

func (s *Server) meetingRoutes() {
	d := s.deps.Directory
	mt := func(method, path, id, summary string, status int) route {
		return route{method: method, path: "/api/user/meetings" + path, id: id, summary: summary, tag: "Meetings", access: perm,
			permission: directory.PermMeetings, status: status}
	}
	register(s, mt(http.MethodGet, "", "list-meetings", "List the meetings you own or are invited to", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*struct {
			Body struct {
				Count int                      `json:"count"`
				Items []*directory.MeetingView `json:"items"`
			}
		}, error) {
			n, list, err := d.ListMeetings(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					Count int                      `json:"count"`
					Items []*directory.MeetingView `json:"items"`
				}
			}{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	register(s, mt(http.MethodPost, "", "create-meeting", "Create a meeting room (it gets an extension from 8000–8999)", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct {
			Body    model.MeetingSettings
			RawBody []byte
		}) (*struct {
			Body struct {
				ID              string `json:"id"`
				ExtensionNumber string `json:"extension_number"`
			}
		}, error) {
			m, err := d.CreateMeeting(ctx, c, in.RawBody)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					ID              string `json:"id"`
					ExtensionNumber string `json:"extension_number"`
				}
			}{}
			out.Body.ID, out.Body.ExtensionNumber = m.ID, m.ExtensionNumber
			return out, nil
		})
	register(s, mt(http.MethodGet, "/{id}", "get-meeting", "Get a meeting room", 0),
		func(ctx context.Context, c *directory.Caller, in *meetingPath) (*struct{ Body *directory.MeetingView }, error) {
			v, err := d.GetMeeting(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *directory.MeetingView }{Body: v}, nil
		})
	register(s, mt(http.MethodPost, "/{id}", "update-meeting", "Change a meeting room (the owner; not its mode)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID      string `path:"id" maxLength:"64"`
			Body    model.MeetingSettings
			RawBody []byte
		}) (*struct{}, error) {
			return nil, d.UpdateMeeting(ctx, c, in.ID, in.RawBody)
		})
	register(s, mt(http.MethodPost, "/{id}/destroy", "destroy-meeting", "Delete a meeting room (the owner)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *meetingPath) (*struct{}, error) {
			return nil, d.DeleteMeeting(ctx, c, in.ID)
		})
	register(s, mt(http.MethodGet, "/{id}/status", "meeting-status", "A meeting's running state", 0),
		func(ctx context.Context, c *directory.Caller, in *meetingPath) (*struct{ Body *model.MeetingStatus }, error) {
			st, err := d.MeetingStatus(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *model.MeetingStatus }{Body: st}, nil
		})
	for _, action := range []string{"start", "stop", "lock", "unlock", "mute", "unmute", "start_recording", "stop_recording"} {
		register(s, mt(http.MethodPost, "/{id}/"+action, "meeting-"+action, "Meeting control: "+action+" (the owner; 409 when the meeting's state does not allow it)", http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *meetingPath) (*struct{}, error) {
				return nil, d.MeetingAction(ctx, c, in.ID, action)
			})
	}
	register(s, mt(http.MethodGet, "/{id}/participants", "meeting-participants", "The meeting's participants (invited and joined)", 0),
		func(ctx context.Context, c *directory.Caller, in *meetingPath) (*struct {
			Body struct {
				Items []model.Participant `json:"items"`
			}
		}, error) {
			list, err := d.Participants(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					Items []model.Participant `json:"items"`
				}
			}{}
			out.Body.Items = list
			return out, nil
		})
	register(s, mt(http.MethodPost, "/{id}/participants/invite", "meeting-invite", "Invite a number (extension or phone) into the running meeting: recorded as INVITING until it joins", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				Number string `json:"number" maxLength:"32" required:"true"`
			}
		}) (*struct{}, error) {
			_, err := d.Invite(ctx, c, in.ID, in.Body.Number)
			return nil, err
		})
	register(s, mt(http.MethodPost, "/{id}/participants/layout", "meeting-layout", "Place participants in the video layout in this order (VIDEO rooms)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				Items []string `json:"items" maxItems:"100" required:"true"`
			}
		}) (*struct{}, error) {
			return nil, d.SetLayout(ctx, c, in.ID, in.Body.Items)
		})
	register(s, mt(http.MethodGet, "/{id}/participants/{participant_id}", "meeting-participant", "One participant", 0),
		func(ctx context.Context, c *directory.Caller, in *participantPath) (*struct{ Body *model.Participant }, error) {
			p, err := d.Participant(ctx, c, in.ID, in.ParticipantID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *model.Participant }{Body: p}, nil
		})
	for _, action := range []string{"mute", "unmute", "chairman", "destroy"} {
		register(s, mt(http.MethodPost, "/{id}/participants/{participant_id}/"+action, "meeting-participant-"+action,
			"Participant control: "+action+" (the owner)", http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *participantPath) (*struct{}, error) {
				return nil, d.ParticipantAction(ctx, c, in.ID, in.ParticipantID, action, 0)
			})
	}
	register(s, mt(http.MethodPost, "/{id}/participants/{participant_id}/position", "meeting-participant-position",
		"Set a participant's place in the video layout (-1 hides it; VIDEO rooms)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID            string `path:"id" maxLength:"64"`
			ParticipantID string `path:"participant_id" maxLength:"64"`
			Body          struct {
				Position int `json:"position" minimum:"-1" maximum:"99"`
			}
		}) (*struct{}, error) {
			return nil, d.ParticipantAction(ctx, c, in.ID, in.ParticipantID, "position", in.Body.Position)
		})
	// The media server's side: joins and leaves.
	register(s, route{method: http.MethodPost, path: "/api/meetings/{id}/events", id: "meeting-event", tag: "Meetings", access: perm,
		permission: directory.PermMediaServer, summary: "A media server reports a join or a leave (trusted switch role)"},
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body directory.MeetingEvent
		}) (*struct {
			Body struct {
				ParticipantID string `json:"participant_id"`
			}
		}, error) {
			pid, err := d.ReportMeetingEvent(ctx, c, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					ParticipantID string `json:"participant_id"`
				}
			}{}
			out.Body.ParticipantID = pid
			return out, nil
		})
}
