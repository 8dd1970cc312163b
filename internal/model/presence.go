package model

// Presence values, as the contract spells them.
const (
	PresenceAvailable    = "AVAILABLE"
	PresenceAway         = "AWAY"
	PresenceDND          = "DO_NOT_DISTURB"
	PresenceLunch        = "LUNCH"
	PresenceBusinessTrip = "BUSINESS_TRIP"
)

// Presences lists the values POST /api/user/presence accepts.
var Presences = []string{PresenceDND, PresenceAvailable, PresenceAway, PresenceBusinessTrip, PresenceLunch}

// MaxPresenceNote bounds a presence note.
const MaxPresenceNote = 128

// ValidatePresence checks a presence and its note.
func ValidatePresence(presence, note string) error {
	if err := OneOf("presence", presence, Presences); err != nil {
		return err
	}
	return checkText("presence_note", note, MaxPresenceNote, false)
}
