package store_test

import (
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// raceCreates runs 30 creates at once and returns how many succeeded;
// every failure must be the limit's conflict.
func raceCreates(t *testing.T, create func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := create(i)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			if _, conflict := err.(*model.ConflictError); !conflict {
				t.Errorf("create %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	return ok
}

// TestCountLimitsUnderRaces: 30 parallel creates with 5 places left
// leave exactly the limit, for personal and business contacts, a user's
// and a tenant's items, API keys and voicemail messages.
func TestCountLimitsUnderRaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "race.example.com")
		ann := mkUser(t, s, tn.ID, "ann", "201")
		const max = 20
		for _, owner := range []string{ann.ID, ""} {
			contact := func(int) error {
				return s.CreateContact(ctx, &model.Contact{ID: model.NewID(), TenantID: tn.ID, UserID: owner, ContactFields: model.ContactFields{Name: "x"}}, max)
			}
			for i := 0; i < max-5; i++ {
				must(t, contact(i))
			}
			raceCreates(t, contact)
			n, _, err := s.ListContacts(ctx, tn.ID, owner, nil)
			must(t, err)
			if n != max {
				t.Errorf("contacts of owner %q: %d, the limit is %d", owner, n, max)
			}
		}
		for _, owner := range []string{ann.ID, ""} {
			item := func(int) error {
				return s.CreateItem(ctx, &store.Item{ID: model.NewID(), TenantID: tn.ID, UserID: owner, Kind: "race", Data: []byte("{}")}, store.ItemKeyField{}, max, "x")
			}
			for i := 0; i < max-5; i++ {
				must(t, item(i))
			}
			raceCreates(t, item)
			n, err := s.CountItems(ctx, tn.ID, owner, "race")
			must(t, err)
			if n != max {
				t.Errorf("items of owner %q: %d, the limit is %d", owner, n, max)
			}
		}
	})
}
