package model

import "time"

// Recording is a user's call recording; its audio is a file (blob) the
// user owns.
type Recording struct {
	ID        string    `json:"id"`
	Caller    string    `json:"caller"`
	Callee    string    `json:"callee"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
	Duration  int64     `json:"duration" doc:"Seconds from start to end"`
	CallID    string    `json:"call_id"`
	FileID    string    `json:"file_id"`
	FileName  string    `json:"file_name"`
	FileSize  int64     `json:"file_size"`
	FileURL   string    `json:"file_url"`

	TenantID string `json:"-"`
	UserID   string `json:"-"`
}

// External message enumerations.
var (
	MessageTypes      = []string{"UNKNOWN", "SMS", "MMS"}
	MessageDirections = []string{"IN", "OUT"}
	MessageDeliveries = []string{"PENDING", "SENT", "DELIVERED", "ERR"}
)

// ExternalMessage is an SMS (or MMS) a user sent or received through a
// provider, with the seed's fields.
type ExternalMessage struct {
	ID            string    `json:"id"`
	ConfigID      string    `json:"config_id" maxLength:"64" doc:"The messaging configuration (provider account) it went through"`
	Sender        string    `json:"sender" maxLength:"64"`
	SenderName    string    `json:"sender_name" maxLength:"128"`
	Receiver      string    `json:"receiver" maxLength:"64"`
	ReceiverName  string    `json:"receiver_name" maxLength:"128"`
	ChannelName   string    `json:"channel_name" maxLength:"128"`
	ChannelNumber string    `json:"channel_number" maxLength:"64"`
	Brand         string    `json:"brand" maxLength:"128"`
	DID           string    `json:"did" maxLength:"64"`
	MsgType       string    `json:"msg_type" enum:"UNKNOWN,SMS,MMS"`
	Direction     string    `json:"direction" enum:"IN,OUT"`
	Content       string    `json:"content" maxLength:"4096"`
	Reason        string    `json:"reason" maxLength:"256"`
	Delivery      string    `json:"delivery" enum:"PENDING,SENT,DELIVERED,ERR"`
	ProviderMsgID string    `json:"provider_msg_id" maxLength:"128"`
	CreatedAt     time.Time `json:"created_at"`

	TenantID string `json:"-"`
	UserID   string `json:"-"`
}

// messageLens bound a message's texts, as their tags declare them.
var messageLens = maxLengths[ExternalMessage]("config_id", "sender", "sender_name", "receiver", "receiver_name", "channel_name",
	"channel_number", "brand", "did", "content", "reason", "provider_msg_id")

// ValidateExternalMessage checks a message's enumerations and lengths.
func ValidateExternalMessage(m *ExternalMessage) error {
	if m.MsgType == "" {
		m.MsgType = "SMS"
	}
	if m.Delivery == "" {
		m.Delivery = "DELIVERED"
	}
	for _, e := range []struct {
		field, v string
		allowed  []string
	}{{"msg_type", m.MsgType, MessageTypes}, {"direction", m.Direction, MessageDirections}, {"delivery", m.Delivery, MessageDeliveries}} {
		if err := OneOf(e.field, e.v, e.allowed); err != nil {
			return err
		}
	}
	if m.Sender == "" {
		return Invalid("sender", "is required")
	}
	if m.Receiver == "" {
		return Invalid("receiver", "is required")
	}
	for _, f := range []struct{ field, v string }{{"config_id", m.ConfigID}, {"sender", m.Sender}, {"sender_name", m.SenderName},
		{"receiver", m.Receiver}, {"receiver_name", m.ReceiverName}, {"channel_name", m.ChannelName}, {"channel_number", m.ChannelNumber},
		{"brand", m.Brand}, {"did", m.DID}, {"content", m.Content}, {"reason", m.Reason}, {"provider_msg_id", m.ProviderMsgID}} {
		if max := messageLens[f.field]; len(f.v) > max {
			return Invalid(f.field, "is longer than %d characters", max)
		}
	}
	return nil
}
