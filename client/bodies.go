package client

// The small request and answer bodies that methods take apart: the
// methods take and return their members, and the OpenAPI test checks these
// types against the document.

type otpChallenge struct {
	Token string `json:"token"`
	Code  string `json:"code"`
}

type tokenBody struct {
	Token string `json:"token"`
}

type refreshBody struct {
	RefreshToken string `json:"refresh_token"`
}

type apiKeyBody struct {
	Token  string `json:"token"`
	Secret string `json:"secret"`
}

type codeBody struct {
	Code string `json:"code"`
}

type recoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

type nameBody struct {
	Name string `json:"name"`
}

type passwordBody struct {
	Password string `json:"password"`
}

type changePasswordBody struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

type roleBody struct {
	Role string `json:"role"`
}

type fileBody struct {
	FileID string `json:"file_id"`
}

type idListBody struct {
	Items []string `json:"items"`
}

type statusBody struct {
	Status string `json:"status"`
}

type presenceBody struct {
	Presence     string `json:"presence"`
	PresenceNote string `json:"presence_note,omitempty"`
}

type ms365Body struct {
	ID string `json:"id"`
}

type mailboxBody struct {
	Mailbox string `json:"mailbox,omitempty"`
}

type skillBody struct {
	SkillLevel int `json:"skill_level,omitempty"`
}

type numberBody struct {
	Number string `json:"number"`
}

type positionBody struct {
	Position int `json:"position"`
}

type participantBody struct {
	ParticipantID string `json:"participant_id"`
}

type idsBody struct {
	IDs []string `json:"ids"`
}

type ingestBody[T any] struct {
	Items []T `json:"items"`
}
