package media

import (
	"context"

	"github.com/emiago/diago"
)

// mailboxByPhone opens a mailbox by phone (feature codes *97 and *98).
func (e *Engine) mailboxByPhone(ctx context.Context, d *diago.DialogServerSession, h handoff, own bool) error {
	return d.Respond(501, "Not Implemented", nil)
}
