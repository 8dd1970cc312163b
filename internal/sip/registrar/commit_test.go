package registrar

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/siptest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// register sends REGISTER cseq for user 201 with contact, answers the
// challenge with password, and returns the final status.
func register(t *testing.T, s *Registrar, password string, cseq int, contact string) int {
	t.Helper()
	req := func(extra string) *sip.Request {
		msg, err := sip.ParseMessage([]byte(fmt.Sprintf(seedRegister, cseq, extra+"Contact: "+contact+"\r\nExpires: 600\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		r := msg.(*sip.Request)
		r.SetSource("192.0.2.1:5060")
		return r
	}
	res := s.Handle(context.Background(), req(""))
	if res.StatusCode != 401 {
		return res.StatusCode
	}
	ch := res.GetHeaders("WWW-Authenticate")[0].Value()
	nonce := ch[strings.Index(ch, `nonce="`)+7:]
	nonce = nonce[:strings.IndexByte(nonce, '"')]
	c := &digest.Credentials{Nonce: nonce, URI: "sip:acme.example", CNonce: "c1", QOP: "auth", NC: "00000001"}
	ha1 := auth.SIPCredentials(siptest.Ext, siptest.Domain, password).HA1SHA256
	authz := fmt.Sprintf("Authorization: Digest username=\"201\", realm=\"acme.example\", nonce=\"%s\", uri=\"sip:acme.example\", response=\"%s\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c1\"\r\n",
		nonce, digest.ExpectedResponse(digest.AlgSHA256, ha1, "REGISTER", c))
	return s.Handle(context.Background(), req(authz)).StatusCode
}

// TestRegisterAfterPasswordChange: the registrar caches users, but a
// REGISTER with the old password after a change is refused and one with
// the new password accepted, even with no change event heard (this
// registrar does not Follow): the batch compares the locked user with
// the cached one.
func TestRegisterAfterPasswordChange(t *testing.T) {
	s := fuzzServer(t)
	if got := register(t, s, siptest.Password, 1, "<sip:201@192.0.2.1:5060>"); got != 200 {
		t.Fatalf("first: %d", got)
	}
	if !s.users.cached(digest.AOR{Ext: siptest.Ext, Domain: siptest.Domain}) {
		t.Fatal("the user is not cached")
	}
	ctx := context.Background()
	u, err := s.st.SIPUserByAOR(ctx, siptest.Domain, siptest.Ext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.UpdateUser(ctx, u.TenantID, u.UserID, func(m *model.User) error {
		m.SIP = auth.SIPCredentials(siptest.Ext, siptest.Domain, "New-secret-201")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := register(t, s, siptest.Password, 2, "<sip:201@192.0.2.1:5060>"); got != 401 {
		t.Fatalf("old password after the change: %d", got)
	}
	if got := register(t, s, "New-secret-201", 3, "<sip:201@192.0.2.1:5060>"); got != 200 {
		t.Fatalf("new password: %d", got)
	}
	if got := register(t, s, siptest.Password, 4, "<sip:201@192.0.2.1:5060>"); got != 401 {
		t.Fatalf("old password again: %d", got)
	}
}

// TestRegisterFollowDropsUser: with Follow, a user's change event drops
// the cached user at once.
func TestRegisterFollowDropsUser(t *testing.T) {
	s := fuzzServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Follow(ctx); err != nil {
		t.Fatal(err)
	}
	a := digest.AOR{Ext: siptest.Ext, Domain: siptest.Domain}
	if got := register(t, s, siptest.Password, 1, "<sip:201@192.0.2.1:5060>"); got != 200 || !s.users.cached(a) {
		t.Fatalf("register: %d, cached %v", got, s.users.cached(a))
	}
	u, _ := s.st.SIPUserByAOR(ctx, siptest.Domain, siptest.Ext)
	if err := s.st.Publish(ctx, store.Event{Kind: store.EventUser, TenantID: u.TenantID, ID: u.UserID}); err != nil {
		t.Fatal(err)
	}
	for s.users.cached(a) { // delivered by the hub's goroutine; the test's deadline bounds the wait
		time.Sleep(time.Millisecond)
	}
}

// TestCommitterConcurrent: REGISTERs that arrive together share batches
// and the registrar's rules still hold exactly: of 24 phones adding a
// binding for a user with max_bindings 3, 3 get in, and each REGISTER is
// answered with its own outcome.
func TestCommitterConcurrent(t *testing.T) {
	s := fuzzServer(t)
	const phones = 24
	codes := make([]int, phones)
	var wg sync.WaitGroup
	for i := 0; i < phones; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = register(t, s, siptest.Password, i+1, fmt.Sprintf("<sip:201@198.51.100.%d:5060>", i+1))
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 403:
		default:
			t.Fatalf("answers %v", codes)
		}
	}
	u, _ := s.st.SIPUserByAOR(context.Background(), siptest.Domain, siptest.Ext)
	list, err := s.st.ListBindings(context.Background(), u.TenantID, u.UserID, s.now())
	if err != nil || ok != siptest.MaxBindings || len(list) != siptest.MaxBindings {
		t.Fatalf("%d accepted, %d bound (%v), want %d", ok, len(list), err, siptest.MaxBindings)
	}
}

// TestCommitterReportsEachOutcome: in one batch a refused update and a
// user that is gone get their own errors; the others commit.
func TestCommitterReportsEachOutcome(t *testing.T) {
	s := fuzzServer(t)
	u, _ := s.st.SIPUserByAOR(context.Background(), siptest.Domain, siptest.Ext)
	boom := errors.New("boom")
	add := store.BindingUpdate{TenantID: u.TenantID, UserID: u.UserID, Apply: func(_ *store.SIPUser, cur []model.Binding) ([]model.Binding, error) {
		return append(cur, model.Binding{InstanceID: "i1", Contact: "<sip:201@192.0.2.1>", CallID: "c", CSeq: 1, ExpiresAt: s.now().Add(600e9), CreatedAt: s.now()}), nil
	}}
	refuse := store.BindingUpdate{TenantID: u.TenantID, UserID: u.UserID, Apply: func(*store.SIPUser, []model.Binding) ([]model.Binding, error) { return nil, boom }}
	gone := store.BindingUpdate{TenantID: u.TenantID, UserID: model.NewID(), Apply: add.Apply}
	batch := []*pending{{up: add, done: make(chan struct{})}, {up: refuse, done: make(chan struct{})}, {up: gone, done: make(chan struct{})}}
	s.batch.run(batch)
	if batch[0].err != nil || !errors.Is(batch[1].err, boom) || !errors.Is(batch[2].err, model.ErrNotFound) {
		t.Fatalf("outcomes %v %v %v", batch[0].err, batch[1].err, batch[2].err)
	}
	if list, _ := s.st.ListBindings(context.Background(), u.TenantID, u.UserID, s.now()); len(list) != 1 {
		t.Fatalf("bindings %+v", list)
	}
}
