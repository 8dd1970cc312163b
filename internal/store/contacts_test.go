package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func changeTypes(t *testing.T, s *store.Store, tenantID, userID, kind string, shared bool, after int64) []string {
	t.Helper()
	ch, err := s.Changes(ctx, tenantID, userID, kind, shared, after, 1000)
	must(t, err)
	var out []string
	for _, c := range ch {
		out = append(out, c.Type)
	}
	return out
}

// TestContactsAndChangeLog: contacts are the owner's; every change is in
// the log once, in order; favorites log only real changes; a user's
// extension-contact changes come from user writes.
func TestContactsAndChangeLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		head, err := s.SyncHead(ctx, tn.ID)
		must(t, err)
		ct := &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, ContactFields: model.ContactFields{Name: "Zoë"}}
		must(t, s.CreateContact(ctx, ct, 2))
		must(t, s.UpdateContact(ctx, tn.ID, ann.ID, ct.ID, func(c *model.Contact) error { c.Notes = "x"; return nil }))
		wantNotFound(t, s.UpdateContact(ctx, tn.ID, "someone-else", ct.ID, func(*model.Contact) error { return nil }))
		must(t, s.SetFavorite(ctx, tn.ID, ann.ID, store.SyncContact, ct.ID, true))
		must(t, s.SetFavorite(ctx, tn.ID, ann.ID, store.SyncContact, ct.ID, true)) // no change, no log
		fav, err := s.Favorites(ctx, ann.ID, store.SyncContact)
		must(t, err)
		eq(t, "favorite", fav[ct.ID], true)
		must(t, s.CreateContact(ctx, &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, ContactFields: model.ContactFields{Name: "B"}}, 2))
		wantConflict(t, s.CreateContact(ctx, &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, ContactFields: model.ContactFields{Name: "C"}}, 2), "name")
		must(t, s.DeleteContact(ctx, tn.ID, ann.ID, ct.ID))
		fav, err = s.Favorites(ctx, ann.ID, store.SyncContact)
		must(t, err)
		eq(t, "favorite gone with the contact", len(fav), 0)
		eq(t, "contact changes", fmt.Sprint(changeTypes(t, s, tn.ID, ann.ID, store.SyncContact, false, head)), "[CREATED UPDATED UPDATED CREATED DELETED]")
		// Another user sees none of ann's personal changes.
		bob := mkUser(t, s, tn.ID, "bob", "202")
		eq(t, "bob's view", len(changeTypes(t, s, tn.ID, bob.ID, store.SyncContact, false, head)), 0)
		// User writes are extension-contact changes for everyone; a change
		// that does not show in the directory is not one.
		h2, err := s.SyncHead(ctx, tn.ID)
		must(t, err)
		_, err = s.UpdateUser(ctx, tn.ID, ann.ID, func(u *model.User) error { u.Department = "Sales"; return nil })
		must(t, err)
		_, err = s.UpdateUser(ctx, tn.ID, ann.ID, func(u *model.User) error { u.EnableDND = true; return nil })
		must(t, err)
		must(t, s.DeleteUser(ctx, tn.ID, bob.ID))
		eq(t, "extension changes", fmt.Sprint(changeTypes(t, s, tn.ID, ann.ID, store.SyncExtensionContact, true, h2)), "[UPDATED DELETED]")
	})
}

// TestChangeLogOrderUnderConcurrency: changes written at once by many
// transactions get sequence numbers in commit order: whatever a reader saw
// up to some number n while writers ran, no change numbered n or below
// appears later (else a client holding a token at n would miss it).
func TestChangeLogOrderUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		head, err := s.SyncHead(ctx, tn.ID)
		must(t, err)
		type view struct {
			upTo  int64
			count int
		}
		var views []view
		done := make(chan struct{})
		readerDone := make(chan struct{})
		go func() { // a syncing client, reading while the writers write
			defer close(readerDone)
			for {
				select {
				case <-done:
					return
				default:
				}
				ch, err := s.Changes(ctx, tn.ID, ann.ID, store.SyncContact, false, head, 1000)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ch) > 0 {
					views = append(views, view{ch[len(ch)-1].Seq, len(ch)})
				}
			}
		}()
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 6; i++ {
					c := &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, ContactFields: model.ContactFields{Name: fmt.Sprintf("c%d-%d", w, i)}}
					if err := s.CreateContact(ctx, c, 1000); err != nil {
						t.Error(err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(done)
		<-readerDone
		all, err := s.Changes(ctx, tn.ID, ann.ID, store.SyncContact, false, head, 1000)
		must(t, err)
		eq(t, "changes", len(all), 48)
		for _, v := range views {
			n := 0
			for _, c := range all {
				if c.Seq <= v.upTo {
					n++
				}
			}
			if n != v.count {
				t.Fatalf("a reader saw %d changes up to %d; in the end there are %d: one committed late", v.count, v.upTo, n)
			}
		}
		if len(views) == 0 {
			t.Log("the reader saw no intermediate state")
		}
	})
}

// TestAutoReplyWindow: one auto-reply per user and number per window, even
// when two transactions try at once.
func TestAutoReplyWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		reply := func() *model.ExternalMessage {
			return &model.ExternalMessage{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, Sender: "+331", Receiver: "+1415", MsgType: "SMS",
				Direction: "OUT", Delivery: "PENDING", Content: "away"}
		}
		now := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.CreateMessages(ctx, nil, []store.AutoReply{{UserID: ann.ID, Number: "+1415", Reply: reply()}}, now, 30*time.Second)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		eq(t, "replies at once", total, 1)
		n, err := s.CreateMessages(ctx, nil, []store.AutoReply{{UserID: ann.ID, Number: "+1415", Reply: reply()}}, now.Add(29*time.Second), 30*time.Second)
		must(t, err)
		eq(t, "within the window", n, 0)
		n, err = s.CreateMessages(ctx, nil, []store.AutoReply{{UserID: ann.ID, Number: "+1415", Reply: reply()}}, now.Add(31*time.Second), 30*time.Second)
		must(t, err)
		eq(t, "after the window", n, 1)
		n, err = s.CreateMessages(ctx, nil, []store.AutoReply{{UserID: ann.ID, Number: "+1999", Reply: reply()}}, now.Add(31*time.Second), 30*time.Second)
		must(t, err)
		eq(t, "another number", n, 1)
	})
}

// TestExtensionsAcrossKinds: users, call queues, ring groups and meeting
// rooms never share an extension in a tenant.
func TestExtensionsAcrossKinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		q := &model.HuntGroup{ID: model.NewID(), TenantID: tn.ID, Kind: model.KindCallQueue, Name: "Q", ExtensionNumber: "600", Strategy: "RING_ALL", RingTimeout: 20}
		must(t, s.CreateHuntGroup(ctx, q))
		wantConflict(t, s.CreateHuntGroup(ctx, &model.HuntGroup{ID: model.NewID(), TenantID: tn.ID, Kind: model.KindRingGroup, Name: "R",
			ExtensionNumber: "201", Strategy: "RING_ALL", RingTimeout: 20}), "extension_number")
		wantConflict(t, s.CreateHuntGroup(ctx, &model.HuntGroup{ID: model.NewID(), TenantID: tn.ID, Kind: model.KindRingGroup, Name: "R",
			ExtensionNumber: "600", Strategy: "RING_ALL", RingTimeout: 20}), "extension_number")
		wantConflict(t, s.CreateUser(ctx, newUser(tn.ID, "qq", "600")), "extension_number")
		m := &model.Meeting{ID: model.NewID(), TenantID: tn.ID, OwnerID: ann.ID}
		m.Mode, m.RuntimeStatus.Status = "AUDIO", "OFFLINE"
		must(t, s.CreateMeeting(ctx, m))
		eq(t, "room extension", m.ExtensionNumber, "8000")
		wantConflict(t, s.CreateUser(ctx, newUser(tn.ID, "mm", "8000")), "extension_number")
		mkUser(t, s, tn.ID, "eight", "8001")
		m2 := &model.Meeting{ID: model.NewID(), TenantID: tn.ID, OwnerID: ann.ID}
		m2.Mode, m2.RuntimeStatus.Status = "AUDIO", "OFFLINE"
		must(t, s.CreateMeeting(ctx, m2))
		eq(t, "next free room extension", m2.ExtensionNumber, "8002")
		// An import's duplicate check sees every kind's extensions.
		keys, err := s.TenantUserKeys(ctx, tn.ID)
		must(t, err)
		eq(t, "queue extension taken for imports", keys.Extensions["600"], true)
		eq(t, "room extension taken for imports", keys.Extensions["8000"], true)
		// Agent status: checked transition, one event per real change.
		must(t, s.SetMember(ctx, q.ID, ann.ID, 3))
		must(t, s.SetAgentStatus(ctx, tn.ID, q.ID, ann.ID, "READY", "ann", model.AgentTransition))
		must(t, s.SetAgentStatus(ctx, tn.ID, q.ID, ann.ID, "READY", "ann", model.AgentTransition))
		wantNotFound(t, s.SetAgentStatus(ctx, tn.ID, q.ID, "nobody", "READY", "ann", model.AgentTransition))
		ev, err := s.AgentEvents(ctx, q.ID)
		must(t, err)
		eq(t, "events", len(ev), 1)
		eq(t, "previous", ev[0].Previous, "LOGGED_OUT")
	})
}

// TestObjectsByID: a diff reads the changed objects in batches; more ids
// than one batch, missing ids and another owner's ids.
func TestObjectsByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		bob := mkUser(t, s, tn.ID, "bob", "202")
		var ids []string
		for i := 0; i < 1100; i++ {
			c := &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: ann.ID, ContactFields: model.ContactFields{Name: fmt.Sprintf("c%d", i)}}
			must(t, s.CreateContact(ctx, c, 2000))
			ids = append(ids, c.ID)
		}
		bobs := &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: bob.ID, ContactFields: model.ContactFields{Name: "b"}}
		must(t, s.CreateContact(ctx, bobs, 10))
		got, err := s.ContactsByID(ctx, tn.ID, ann.ID, append(ids, "bm8tc3VjaA==", bobs.ID))
		must(t, err)
		eq(t, "found", len(got), 1100)
		eq(t, "name", got[ids[1099]].Name, "c1099")
		users, err := s.UsersByID(ctx, tn.ID, []string{ann.ID, bob.ID, "bm8tc3VjaA=="})
		must(t, err)
		eq(t, "users", len(users), 2)
	})
}
