package proxy

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// call is the proxy's state of one call it routed.
type call struct {
	tenant               *model.Tenant
	caller, callee       *model.User // callee nil for a call to an outside number
	calleeNumber         string      // the extension or number the call is at now
	dialled, dialledName string      // what the caller called, and its name
	diversions           []string    // Diversion values of its forwards, newest first
	direction            string
	started, rang, ans   time.Time
	status               int
	endReason, reroute   string
	callID, callerNumber string
	trunk, did           string
	ackedCSeq            uint32 // the INVITE's, when the proxy sent the ACK itself
	callerLeg, calleeLeg bool   // in the store's call legs (busy lamps)
	// note says what policy did to the call (a refused leg), kept in the
	// record's user_data.
	note      string
	emergency bool // a call to an emergency number
	// anchor relays the call's media when a leg of it is anchored here;
	// callerTag tells the caller's in-dialog requests from the callee's.
	anchor    Anchor
	callerTag string
	// toMedia: the call goes to voicemail or a feature code (the media
	// engine's, or a voicemail server's): it is not recorded.
	toMedia bool
	// ringingExt is the extension whose devices a fork rings now (a
	// pickup of that extension joins the fork).
	ringingExt string
	picker     string // the extension that picked the call up
	outside    bool   // admitted under the fraud limits (see limits.go)
	// relayed: the call's media is in the media relay (rtpengine),
	// offered with the caller's From tag relayTag.
	relayed  bool
	relayTag string
}

// addNote adds to what the call's record says of policy.
func (c *call) addNote(s string) {
	if c.note != "" {
		c.note += " "
	}
	c.note += s
}

// dialogs remembers this node's answered calls until their BYE (for
// their records). Who is on a call (busy without call waiting) and which
// Follow Me number answered last (Memory Hunt) are kept in the database,
// so every node, and the directory's routing, sees them.
type dialogs struct {
	mu     sync.Mutex
	m      map[string]*call
	st     *store.Store
	writes *store.CallWrites
	now    func() time.Time
	log    *slog.Logger
}

const maxDialogs = 100000

// hold keeps an answered call in this node's memory.
func (d *dialogs) hold(id string, c *call) {
	d.mu.Lock()
	if len(d.m) < maxDialogs {
		d.m[id] = c
	}
	d.mu.Unlock()
}

func (d *dialogs) get(id string) *call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[id]
}

// persist records a held call as in progress for every node.
func (d *dialogs) persist(id string, c *call) {
	var users []string
	for _, u := range []*model.User{c.caller, c.callee} {
		if u != nil {
			users = append(users, u.ID)
		}
	}
	if err := d.writes.AddActiveCall(context.Background(), id, users, d.now()); err != nil {
		d.log.Warn("sip active call", "error", err)
	}
}

func (d *dialogs) take(id string) *call {
	d.mu.Lock()
	c := d.m[id]
	delete(d.m, id)
	d.mu.Unlock()
	if c != nil {
		if err := d.writes.RemoveActiveCall(context.Background(), id); err != nil {
			d.log.Warn("sip active call", "error", err)
		}
	}
	return c
}

// answeredBy remembers the Follow Me number that answered a user's call.
func (d *dialogs) answeredBy(userID, number string) {
	if err := d.st.SetFollowMeLast(context.Background(), userID, number); err != nil {
		d.log.Warn("sip follow me memory", "error", err)
	}
}
