package client

import (
	"context"
	"time"
)

// Message is an SMS or MMS of the signed-in user, in or out.
type Message struct {
	ID string `json:"id"`
	// Direction is IN or OUT.
	Direction string `json:"direction"`
	// MsgType is UNKNOWN, SMS or MMS.
	MsgType      string `json:"msg_type"`
	Sender       string `json:"sender"`
	SenderName   string `json:"sender_name"`
	Receiver     string `json:"receiver"`
	ReceiverName string `json:"receiver_name"`
	Content      string `json:"content"`
	DID          string `json:"did"`
	// Delivery is PENDING, SENT, DELIVERED or ERR (with Reason).
	Delivery      string `json:"delivery"`
	Reason        string `json:"reason"`
	Brand         string `json:"brand"`
	ChannelName   string `json:"channel_name"`
	ChannelNumber string `json:"channel_number"`
	// ConfigID is the messaging configuration (provider account) it went
	// through.
	ConfigID      string    `json:"config_id"`
	ProviderMsgID string    `json:"provider_msg_id"`
	CreatedAt     time.Time `json:"created_at"`
}

// MessageInput is a message a trusted gateway sends (IngestMessages): a
// Message of the user with Extension. Zero fields are left out.
type MessageInput struct {
	// Extension is the extension of the user the message belongs to.
	Extension     string    `json:"extension"`
	ID            string    `json:"id,omitempty"`
	Direction     string    `json:"direction,omitempty"`
	MsgType       string    `json:"msg_type,omitempty"`
	Group         bool      `json:"group,omitempty"`
	Sender        string    `json:"sender,omitempty"`
	SenderName    string    `json:"sender_name,omitempty"`
	Receiver      string    `json:"receiver,omitempty"`
	ReceiverName  string    `json:"receiver_name,omitempty"`
	Content       string    `json:"content,omitempty"`
	DID           string    `json:"did,omitempty"`
	Delivery      string    `json:"delivery,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	Brand         string    `json:"brand,omitempty"`
	ChannelName   string    `json:"channel_name,omitempty"`
	ChannelNumber string    `json:"channel_number,omitempty"`
	ConfigID      string    `json:"config_id,omitempty"`
	ProviderMsgID string    `json:"provider_msg_id,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
}

// ListMessages lists the signed-in user's messages (GET
// /api/user/external_messages).
func (c *Client) ListMessages(ctx context.Context, opts *ListOptions) (*List[Message], error) {
	return list[Message](ctx, c, "/api/user/external_messages", opts)
}

// GetMessage returns one of the signed-in user's messages (GET
// /api/user/external_messages/{id}).
func (c *Client) GetMessage(ctx context.Context, id string) (*Message, error) {
	return one[Message](ctx, c, pathf("/api/user/external_messages/%s", id))
}

// IngestMessages stores the messages of a trusted gateway, all or none;
// users with an SMS auto-responder answer inbound ones (POST
// /api/external_messages; company_call_log full access).
func (c *Client) IngestMessages(ctx context.Context, messages []MessageInput) (*IngestResult, error) {
	var out IngestResult
	if err := c.post(ctx, "/api/external_messages", ingestBody[MessageInput]{Items: messages}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
