package subscribe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// state is what the NOTIFYs of one resource say, read once per change
// and shared by its subscriptions (never changed once made).
type state struct {
	empty            bool // no body (a terminating NOTIFY without state)
	gone             bool // the watched user no longer exists or is disabled
	newMsgs, oldMsgs int  // message-summary
	legs             []leg
	presence, note   string
	onPhone          bool
}

// leg is one call of the watched user as the dialog package shows it.
type leg struct {
	id, callID, direction, state string
	peer, peerName               string // empty unless the tenant shows callers
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }

// load reads res's current state.
func (n *Notifier) load(ctx context.Context, res resource, entity string) (*state, error) {
	switch res.pkg {
	case PkgMessageSummary:
		nw, old, err := n.st.MailboxCounts(ctx, res.tenantID, res.userID)
		return &state{newMsgs: nw, oldMsgs: old}, err
	case PkgDialog, PkgPresence:
		u, err := n.st.GetUser(ctx, res.tenantID, res.userID)
		if isNotFound(err) || err == nil && !u.Enabled {
			return &state{gone: true}, nil
		} else if err != nil {
			return nil, err
		}
		legs, err := n.st.CallLegs(ctx, res.tenantID, res.userID, n.now().Add(-store.MaxCallAge))
		if err != nil {
			return nil, err
		}
		st := &state{presence: u.Presence, note: u.PresenceNote}
		showCaller := n.showCallers(ctx, res.tenantID)
		for _, l := range legs {
			st.onPhone = st.onPhone || l.State == store.LegConfirmed
			v := leg{id: dialogID(l.CallID, res.userID), callID: l.CallID, direction: l.Direction, state: l.State}
			if showCaller || l.State == store.LegConfirmed || l.Direction == store.LegInitiator {
				v.peer, v.peerName = l.Peer, l.PeerName
			}
			st.legs = append(st.legs, v)
		}
		return st, nil
	}
	return nil, fmt.Errorf("unknown event package %q", res.pkg)
}

// dialogID names a user's side of a call in dialog-info documents.
func dialogID(callID, userID string) string {
	return fmt.Sprintf("%x", fnv64(callID+"\x00"+userID))
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// body is the content type and text of s's NOTIFY of st (s locked).
func (n *Notifier) body(s *subscription, st *state) (string, string) {
	if st == nil || st.empty {
		return "", ""
	}
	switch s.res.pkg {
	case PkgMessageSummary:
		return "application/simple-message-summary", messageSummary(s.entity, st)
	case PkgDialog:
		return "application/dialog-info+xml", n.dialogInfo(s, st)
	}
	return "application/pidf+xml", pidf(s.entity, st)
}

// messageSummary is an RFC 3842 body.
func messageSummary(account string, st *state) string {
	waiting := "no"
	if st.newMsgs > 0 {
		waiting = "yes"
	}
	return fmt.Sprintf("Messages-Waiting: %s\r\nMessage-Account: %s\r\nVoice-Message: %d/%d (0/0)\r\n", waiting, account, st.newMsgs, st.oldMsgs)
}

// xmlText escapes s for XML text and attribute values.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
