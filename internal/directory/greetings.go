package directory

import (
	"context"
	"encoding/json"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

const (
	greetingKind        = "greeting"
	maxGreetingsPerUser = 20
)

// Greeting is a voicemail greeting: an uploaded audio file. At most one
// of a user's greetings is enabled.
type Greeting struct {
	ID       string `json:"id"`
	Enabled  bool   `json:"enabled"`
	FileID   string `json:"file_id"`
	FileName string `json:"file_name"`
	FileSize int64  `json:"file_size"`
	FileURL  string `json:"file_url"`
}

func decodeGreeting(it *store.Item) (Greeting, error) {
	var g Greeting
	err := json.Unmarshal(it.Data, &g)
	g.ID = it.ID
	return g, err
}

// ListGreetings lists a user's greetings (userID "" for the caller's).
func (s *Service) ListGreetings(ctx context.Context, c *Caller, userID string) ([]Greeting, error) {
	sc, err := s.colScope(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	return s.greetingsOf(ctx, sc.tenantID, sc.userID)
}

// greetingsOf lists a user's greetings.
func (s *Service) greetingsOf(ctx context.Context, tenantID, userID string) ([]Greeting, error) {
	items, err := s.store.ListItems(ctx, tenantID, userID, greetingKind, maxGreetingsPerUser)
	if err != nil {
		return nil, err
	}
	out := make([]Greeting, 0, len(items))
	for i := range items {
		g, err := decodeGreeting(&items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// CreateGreeting makes a greeting of an uploaded audio file (disabled
// until enabled).
func (s *Service) CreateGreeting(ctx context.Context, c *Caller, userID, fileID string) (string, error) {
	sc, err := s.colScope(ctx, c, userID, true)
	if err != nil {
		return "", err
	}
	b, err := s.blobFor(ctx, c, fileID)
	if err != nil {
		return "", model.Invalid("file_id", "is not a file you uploaded")
	}
	if b.Kind != model.BlobAudio {
		return "", model.Invalid("file_id", "is a %s, not a WAV or MP3 audio file", b.ContentType)
	}
	g := Greeting{ID: model.NewID(), FileID: b.ID, FileName: b.Name, FileSize: b.Size, FileURL: blobURL(b.ID)}
	data, _ := json.Marshal(g)
	e := c.audit("create", greetingKind, g.ID, sc.name, map[string]any{"file_id": fileID})
	it := &store.Item{ID: g.ID, TenantID: sc.tenantID, UserID: sc.userID, Kind: greetingKind, Data: data}
	if err := s.store.CreateItem(store.WithAudit(ctx, e), it, store.ItemKeyField{}, maxGreetingsPerUser, "file_id"); err != nil {
		return "", err
	}
	return g.ID, nil
}

// SetGreetingEnabled enables a greeting (disabling the user's others, in
// the same transaction) or disables it.
func (s *Service) SetGreetingEnabled(ctx context.Context, c *Caller, userID, id string, on bool) error {
	sc, err := s.colScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	action := "disable"
	if on {
		action = "enable"
	}
	e := c.audit(action, greetingKind, id, sc.name, nil)
	return s.store.UpdateItems(store.WithAudit(ctx, e), sc.tenantID, sc.userID, greetingKind, func(items []store.Item) ([]store.Item, error) {
		found := false
		var changed []store.Item
		for _, it := range items {
			g, err := decodeGreeting(&it)
			if err != nil {
				return nil, err
			}
			want := g.Enabled
			switch {
			case it.ID == id:
				found, want = true, on
			case on:
				want = false
			}
			if want != g.Enabled {
				g.Enabled = want
				it.Data, _ = json.Marshal(g)
				changed = append(changed, it)
			}
		}
		if !found {
			return nil, model.ErrNotFound
		}
		return changed, nil
	})
}

// DeleteGreeting removes a greeting (the file stays).
func (s *Service) DeleteGreeting(ctx context.Context, c *Caller, userID, id string) error {
	sc, err := s.colScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("delete", greetingKind, id, sc.name, nil)
	return s.store.DeleteItem(store.WithAudit(ctx, e), sc.tenantID, sc.userID, greetingKind, id)
}
