package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// The types below are aliases of unnamed structs on purpose: huma names
// an unnamed body's schema after its operation (List-meetingsResponse,
// ...), and those names are part of the published document.

type participantPath struct {
	ID            string `path:"id" maxLength:"64"`
	ParticipantID string `path:"participant_id" maxLength:"64"`
}

type meetingListOutput = struct {
	Body struct {
		Count int                      `json:"count"`
		Items []*directory.MeetingView `json:"items"`
	}
}

type meetingCreatedOutput = struct {
	Body struct {
		ID              string `json:"id"`
		ExtensionNumber string `json:"extension_number"`
	}
}

type participantsOutput = struct {
	Body struct {
		Items []model.Participant `json:"items"`
	}
}

type inviteInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Number string `json:"number" maxLength:"32" required:"true"`
	}
}

type layoutInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Items []string `json:"items" maxItems:"100" required:"true"`
	}
}

type positionInput = struct {
	ID            string `path:"id" maxLength:"64"`
	ParticipantID string `path:"participant_id" maxLength:"64"`
	Body          struct {
		Position int `json:"position" minimum:"-1" maximum:"99"`
	}
}

type meetingEventInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body directory.MeetingEvent
}

type meetingEventOutput = struct {
	Body struct {
		ParticipantID string `json:"participant_id"`
	}
}

// meetingRoute is a route under /api/user/meetings (general.meeting).
func meetingRoute(method, path, id, summary string, status int) route {
	return route{method: method, path: "/api/user/meetings" + path, id: id, summary: summary, tag: "Meetings", access: perm,
		permission: directory.PermMeetings, status: status}
}

func (s *Server) meetingRoutes() {
	d := s.deps.Directory
	handle(s, meetingRoute(http.MethodGet, "", "list-meetings", "List the meetings you own or are invited to", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*meetingListOutput, error) {
			n, list, err := d.ListMeetings(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &meetingListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	handle(s, meetingRoute(http.MethodPost, "", "create-meeting", "Create a meeting room (it gets an extension from 8000–8999)", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *createInput[model.MeetingSettings, model.MeetingSettings]) (*meetingCreatedOutput, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			m, err := d.CreateMeeting(ctx, c, p)
			if err != nil {
				return nil, err
			}
			out := &meetingCreatedOutput{}
			out.Body.ID, out.Body.ExtensionNumber = m.ID, m.ExtensionNumber
			return out, nil
		})
	handle(s, meetingRoute(http.MethodGet, "/{id}", "get-meeting", "Get a meeting room", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[directory.MeetingView], error) {
			return oneOut(d.GetMeeting(ctx, c, in.ID))
		})
	handle(s, meetingRoute(http.MethodPost, "/{id}", "update-meeting", "Change a meeting room (the owner; not its mode)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[model.MeetingSettings, model.MeetingSettings]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateMeeting(ctx, c, in.ID, p)
		})
	handle(s, meetingRoute(http.MethodPost, "/{id}/destroy", "destroy-meeting", "Delete a meeting room (the owner)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteMeeting(ctx, c, in.ID)
		})
}

// meetingControlRoutes run a room: its state and its controls.
func (s *Server) meetingControlRoutes() {
	d := s.deps.Directory
	handle(s, meetingRoute(http.MethodGet, "/{id}/status", "meeting-status", "A meeting's running state", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.MeetingStatus], error) {
			return oneOut(d.MeetingStatus(ctx, c, in.ID))
		})
	for _, action := range []string{"start", "stop", "lock", "unlock", "mute", "unmute", "start_recording", "stop_recording"} {
		handle(s, meetingRoute(http.MethodPost, "/{id}/"+action, "meeting-"+action, "Meeting control: "+action+" (the owner; 409 when the meeting's state does not allow it)", http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.MeetingAction(ctx, c, in.ID, action)
			})
	}
	// The media server's side: joins and leaves.
	handle(s, route{method: http.MethodPost, path: "/api/meetings/{id}/events", id: "meeting-event", tag: "Meetings", access: perm,
		permission: directory.PermMediaServer, summary: "A media server reports a join or a leave (trusted switch role)"},
		func(ctx context.Context, c *directory.Caller, in *meetingEventInput) (*meetingEventOutput, error) {
			pid, err := d.ReportMeetingEvent(ctx, c, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			out := &meetingEventOutput{}
			out.Body.ParticipantID = pid
			return out, nil
		})
}

// participantRoutes list a room's participants and act on them.
func (s *Server) participantRoutes() {
	d := s.deps.Directory
	handle(s, meetingRoute(http.MethodGet, "/{id}/participants", "meeting-participants", "The meeting's participants (invited and joined)", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*participantsOutput, error) {
			list, err := d.Participants(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &participantsOutput{}
			out.Body.Items = list
			return out, nil
		})
	handle(s, meetingRoute(http.MethodPost, "/{id}/participants/invite", "meeting-invite", "Invite a number (extension or phone) into the running meeting: recorded as INVITING until it joins", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *inviteInput) (*struct{}, error) {
			_, err := d.Invite(ctx, c, in.ID, in.Body.Number)
			return nil, err
		})
	handle(s, meetingRoute(http.MethodPost, "/{id}/participants/layout", "meeting-layout", "Place participants in the video layout in this order (VIDEO rooms)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *layoutInput) (*struct{}, error) {
			return nil, d.SetLayout(ctx, c, in.ID, in.Body.Items)
		})
	handle(s, meetingRoute(http.MethodGet, "/{id}/participants/{participant_id}", "meeting-participant", "One participant", 0),
		func(ctx context.Context, c *directory.Caller, in *participantPath) (*itemOutput[model.Participant], error) {
			return oneOut(d.Participant(ctx, c, in.ID, in.ParticipantID))
		})
	for _, action := range []string{"mute", "unmute", "chairman", "destroy"} {
		handle(s, meetingRoute(http.MethodPost, "/{id}/participants/{participant_id}/"+action, "meeting-participant-"+action,
			"Participant control: "+action+" (the owner)", http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *participantPath) (*struct{}, error) {
				return nil, d.ParticipantAction(ctx, c, in.ID, in.ParticipantID, action, 0)
			})
	}
	handle(s, meetingRoute(http.MethodPost, "/{id}/participants/{participant_id}/position", "meeting-participant-position",
		"Set a participant's place in the video layout (-1 hides it; VIDEO rooms)", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *positionInput) (*struct{}, error) {
			return nil, d.ParticipantAction(ctx, c, in.ID, in.ParticipantID, "position", in.Body.Position)
		})
}
