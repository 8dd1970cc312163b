package client

import "context"

// The meeting rooms of the signed-in user (general.meeting): the owner
// changes and runs a room; invitees see it.

// ListMeetings lists the rooms the signed-in user owns or is invited to
// (GET /api/user/meetings).
func (c *Client) ListMeetings(ctx context.Context, opts *ListOptions) (*List[Meeting], error) {
	return list[Meeting](ctx, c, "/api/user/meetings", opts)
}

// CreateMeeting creates a room (POST /api/user/meetings).
func (c *Client) CreateMeeting(ctx context.Context, in MeetingInput) (*MeetingCreated, error) {
	var out MeetingCreated
	if err := c.post(ctx, "/api/user/meetings", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetMeeting returns a room (GET /api/user/meetings/{id}).
func (c *Client) GetMeeting(ctx context.Context, id string) (*Meeting, error) {
	return one[Meeting](ctx, c, meetingPath(id, ""))
}

// UpdateMeeting changes a room; its mode stays (POST
// /api/user/meetings/{id}).
func (c *Client) UpdateMeeting(ctx context.Context, id string, in MeetingInput) error {
	return c.post(ctx, meetingPath(id, ""), in, nil)
}

// DeleteMeeting deletes a room (POST /api/user/meetings/{id}/destroy).
func (c *Client) DeleteMeeting(ctx context.Context, id string) error {
	return c.post(ctx, meetingPath(id, "/destroy"), nil, nil)
}

// MeetingAction is an action on a running room.
type MeetingAction string

// The actions of MeetingDo.
const (
	MeetingStart          MeetingAction = "start"
	MeetingStop           MeetingAction = "stop"
	MeetingLock           MeetingAction = "lock"
	MeetingUnlock         MeetingAction = "unlock"
	MeetingMute           MeetingAction = "mute"
	MeetingUnmute         MeetingAction = "unmute"
	MeetingStartRecording MeetingAction = "start_recording"
	MeetingStopRecording  MeetingAction = "stop_recording"
)

// MeetingDo starts, stops, locks, unlocks, mutes, unmutes or records a
// room (POST /api/user/meetings/{id}/{action}).
func (c *Client) MeetingDo(ctx context.Context, id string, action MeetingAction) error {
	return c.post(ctx, meetingPath(id, pathf("/%s", string(action))), nil, nil)
}

// GetMeetingStatus returns a room's status (GET
// /api/user/meetings/{id}/status).
func (c *Client) GetMeetingStatus(ctx context.Context, id string) (*MeetingStatus, error) {
	return one[MeetingStatus](ctx, c, meetingPath(id, "/status"))
}

// ListParticipants lists a room's participants (GET
// /api/user/meetings/{id}/participants).
func (c *Client) ListParticipants(ctx context.Context, id string) ([]Participant, error) {
	return itemsOf[Participant](ctx, c, meetingPath(id, "/participants"))
}

// InviteParticipant calls a number into a room (POST
// /api/user/meetings/{id}/participants/invite).
func (c *Client) InviteParticipant(ctx context.Context, id, number string) error {
	return c.post(ctx, meetingPath(id, "/participants/invite"), numberBody{Number: number}, nil)
}

// SetMeetingLayout places participants (ids, in order) in the video
// layout (POST /api/user/meetings/{id}/participants/layout).
func (c *Client) SetMeetingLayout(ctx context.Context, id string, participantIDs []string) error {
	if participantIDs == nil {
		participantIDs = []string{}
	}
	return c.post(ctx, meetingPath(id, "/participants/layout"), idListBody{Items: participantIDs}, nil)
}

// GetParticipant returns a participant (GET
// /api/user/meetings/{id}/participants/{participant_id}).
func (c *Client) GetParticipant(ctx context.Context, id, participantID string) (*Participant, error) {
	return one[Participant](ctx, c, meetingPath(id, pathf("/participants/%s", participantID)))
}

// ParticipantAction is an action on one participant.
type ParticipantAction string

// The actions of ParticipantDo.
const (
	ParticipantMute     ParticipantAction = "mute"
	ParticipantUnmute   ParticipantAction = "unmute"
	ParticipantChairman ParticipantAction = "chairman"
	// ParticipantRemove hangs the participant up.
	ParticipantRemove ParticipantAction = "destroy"
)

// ParticipantDo mutes, unmutes, makes chairman or removes a participant
// (POST /api/user/meetings/{id}/participants/{participant_id}/{action}).
func (c *Client) ParticipantDo(ctx context.Context, id, participantID string, action ParticipantAction) error {
	return c.post(ctx, meetingPath(id, pathf("/participants/%s/%s", participantID, string(action))), nil, nil)
}

// SetParticipantPosition places a participant in the video layout; -1
// hides them (POST
// /api/user/meetings/{id}/participants/{participant_id}/position).
func (c *Client) SetParticipantPosition(ctx context.Context, id, participantID string, position int) error {
	return c.post(ctx, meetingPath(id, pathf("/participants/%s/position", participantID)), positionBody{Position: position}, nil)
}

// ReportMeetingEvent reports a join or leave from the media server and
// returns the participant's id (POST /api/meetings/{id}/events;
// company_call_log full access).
func (c *Client) ReportMeetingEvent(ctx context.Context, id string, ev MeetingEvent) (string, error) {
	var out participantBody
	if err := c.post(ctx, pathf("/api/meetings/%s/events", id), ev, &out); err != nil {
		return "", err
	}
	return out.ParticipantID, nil
}

func meetingPath(id, rest string) string { return pathf("/api/user/meetings/%s", id) + rest }
