package directory

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Contact limits.
const (
	maxPersonalContacts = 10000
	maxBusinessContacts = 50000
	// SyncTokenTTL is how long a sync token stays good; the change log
	// keeps the same span.
	SyncTokenTTL = 30 * 24 * time.Hour
	// maxDiffChanges bounds the changes one diff reads; the token it
	// answers continues from the last one read.
	maxDiffChanges = 5000
)

var (
	contactRules    = fieldRules{accept: keysOf(model.ContactFields{}), readOnly: keySet([]string{"id", "sync_type", "favorite"})}
	errBadSyncToken = model.Forbidden("the sync token is not valid or has expired: list again and ask for a new token")
)

// ---- personal and business contacts ----

// contactOwner is whose contacts a call works on: the caller's own, or
// the tenant's business contacts ("").
func contactOwner(c *Caller, business bool) string {
	if business {
		return ""
	}
	return c.UserID
}

func contactKind(business bool) string {
	if business {
		return store.SyncBusinessContact
	}
	return store.SyncContact
}

// requireContactWrite checks who may change contacts: personal contacts
// are their owner's; business contacts are written by those who manage
// users (everyone reads them and marks favorites).
func requireContactWrite(c *Caller, business bool) error {
	if business {
		return c.require(PermUsers)
	}
	return nil
}

// ListContacts lists the caller's personal contacts, or the tenant's
// business contacts, by name, with favorite marks.
func (s *Service) ListContacts(ctx context.Context, c *Caller, business bool, p query.Params) (int, []model.Contact, error) {
	q, err := query.Parse(p, store.ContactSchema())
	if err != nil {
		return 0, nil, err
	}
	n, list, err := s.store.ListContacts(ctx, c.TenantID, contactOwner(c, business), q)
	if err != nil {
		return 0, nil, err
	}
	fav, err := s.store.Favorites(ctx, c.UserID, contactKind(business))
	if err != nil {
		return 0, nil, err
	}
	for i := range list {
		list[i].Favorite = fav[list[i].ID]
	}
	return n, list, nil
}

// GetContact returns one contact with the caller's favorite mark.
func (s *Service) GetContact(ctx context.Context, c *Caller, business bool, id string) (*model.Contact, error) {
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	ct, err := s.store.GetContact(ctx, c.TenantID, contactOwner(c, business), id)
	if err != nil {
		return nil, err
	}
	fav, err := s.store.Favorites(ctx, c.UserID, contactKind(business))
	if err != nil {
		return nil, err
	}
	ct.Favorite = fav[ct.ID]
	return ct, nil
}

// ContactPatch is the body of a contact's create or update.
type ContactPatch = Patch[model.ContactFields]

// CreateContact adds a personal or business contact.
func (s *Service) CreateContact(ctx context.Context, c *Caller, business bool, p *ContactPatch) (string, error) {
	if err := requireContactWrite(c, business); err != nil {
		return "", err
	}
	ct := &model.Contact{ID: model.NewID(), TenantID: c.TenantID, UserID: contactOwner(c, business)}
	if err := apply(p, &ct.ContactFields, contactRules); err != nil {
		return "", err
	}
	if err := model.ValidateContact(&ct.ContactFields); err != nil {
		return "", err
	}
	max := maxPersonalContacts
	if business {
		max = maxBusinessContacts
	}
	return ct.ID, s.store.CreateContact(ctx, ct, max)
}

// UpdateContact changes the members given.
func (s *Service) UpdateContact(ctx context.Context, c *Caller, business bool, id string, p *ContactPatch) error {
	if err := requireContactWrite(c, business); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return update(ctx, c, id, p, updater[model.ContactFields]{rules: contactRules,
		store: func(ctx context.Context, change func(*model.ContactFields) error) error {
			return s.store.UpdateContact(ctx, c.TenantID, contactOwner(c, business), id, func(ct *model.Contact) error {
				return change(&ct.ContactFields)
			})
		},
		after: model.ValidateContact,
	})
}

// DeleteContact removes a contact.
func (s *Service) DeleteContact(ctx context.Context, c *Caller, business bool, id string) error {
	if err := requireContactWrite(c, business); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.store.DeleteContact(ctx, c.TenantID, contactOwner(c, business), id)
}

// Contact kinds a user can mark as favorites, by their path name.
const (
	KindContact          = store.SyncContact
	KindBusinessContact  = store.SyncBusinessContact
	KindExtensionContact = store.SyncExtensionContact
	KindCDR              = store.SyncCDR
)

// SetFavorite marks a contact of kind as one of the caller's favorites
// (or not). The contact must be one the caller sees.
func (s *Service) SetFavorite(ctx context.Context, c *Caller, kind, id string, on bool) error {
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	var err error
	switch kind {
	case KindContact:
		_, err = s.store.GetContact(ctx, c.TenantID, c.UserID, id)
	case KindBusinessContact:
		_, err = s.store.GetContact(ctx, c.TenantID, "", id)
	case KindExtensionContact:
		_, err = s.store.GetUser(ctx, c.TenantID, id)
	default:
		return model.ErrNotFound
	}
	if err != nil {
		return err
	}
	return s.store.SetFavorite(ctx, c.TenantID, c.UserID, kind, id, on)
}

// ListExtensionContacts lists the tenant's users as the directory shows
// them (derived from the users, never copied), with favorite marks.
func (s *Service) ListExtensionContacts(ctx context.Context, c *Caller, p query.Params) (int, []model.ExtensionContact, error) {
	q, err := query.Parse(p, store.ExtensionContactSchema())
	if err != nil {
		return 0, nil, err
	}
	n, users, err := s.store.ListUsers(ctx, c.TenantID, q)
	if err != nil {
		return 0, nil, err
	}
	fav, err := s.store.Favorites(ctx, c.UserID, KindExtensionContact)
	if err != nil {
		return 0, nil, err
	}
	out := make([]model.ExtensionContact, len(users))
	for i := range users {
		out[i] = model.ExtensionContactOf(&users[i])
		out[i].Favorite = fav[out[i].ID]
	}
	return n, out, nil
}

// ---- change sync ----

// SyncDiff is the answer of a diff: the next token and the changes, each
// the object as it is now with its change_type (only the id when deleted).
type SyncDiff struct {
	Token string            `json:"token"`
	Items []json.RawMessage `json:"items"`
}

type syncToken struct {
	kind, tenant, user string
	seq                int64
	issued             time.Time
}

func (s *Service) syncKey(ctx context.Context) ([]byte, error) {
	s.sync.mu.Lock()
	defer s.sync.mu.Unlock()
	if s.sync.key != nil {
		return s.sync.key, nil
	}
	secret, err := s.store.NodeSecret(ctx, "sync_token_key")
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(secret)
	if err != nil {
		return nil, err
	}
	s.sync.key = k
	return k, nil
}

// encode makes the opaque token: the state and an HMAC over it.
func (t syncToken) encode(key []byte) string {
	var buf []byte
	for _, part := range []string{t.kind, t.tenant, t.user} {
		buf = binary.AppendUvarint(buf, uint64(len(part)))
		buf = append(buf, part...)
	}
	buf = binary.AppendVarint(buf, t.seq)
	buf = binary.AppendVarint(buf, t.issued.Unix())
	mac := hmac.New(sha256.New, key)
	mac.Write(buf)
	return base64.RawURLEncoding.EncodeToString(append(buf, mac.Sum(nil)[:16]...))
}

func decodeSyncToken(s string, key []byte) (syncToken, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 17 || len(s) > 1024 {
		return syncToken{}, false
	}
	body, sum := raw[:len(raw)-16], raw[len(raw)-16:]
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)[:16]) {
		return syncToken{}, false
	}
	var t syncToken
	parts := make([]string, 3)
	for i := range parts {
		n, k := binary.Uvarint(body)
		if k <= 0 || uint64(len(body)-k) < n {
			return syncToken{}, false
		}
		parts[i], body = string(body[k:k+int(n)]), body[k+int(n):]
	}
	seq, k := binary.Varint(body)
	if k <= 0 {
		return syncToken{}, false
	}
	issued, k2 := binary.Varint(body[k:])
	if k2 <= 0 {
		return syncToken{}, false
	}
	t.kind, t.tenant, t.user, t.seq, t.issued = parts[0], parts[1], parts[2], seq, time.Unix(issued, 0)
	return t, true
}

// syncAccess checks the caller may sync kind.
func syncAccess(c *Caller, kind string) error {
	switch kind {
	case KindContact, KindBusinessContact, KindExtensionContact:
		return nil
	case KindCDR:
		return c.require(PermOwnCallLog)
	}
	return model.ErrNotFound
}

// NewSyncToken is a token at the newest change: a client lists the
// objects after taking it, then asks for diffs from it.
func (s *Service) NewSyncToken(ctx context.Context, c *Caller, kind string) (string, error) {
	if err := syncAccess(c, kind); err != nil {
		return "", err
	}
	key, err := s.syncKey(ctx)
	if err != nil {
		return "", err
	}
	now := s.now()
	s.sync.mu.Lock()
	prune := now.Sub(s.sync.lastPrune) > time.Hour
	if prune {
		s.sync.lastPrune = now
	}
	s.sync.mu.Unlock()
	if prune {
		if err := s.store.PruneChanges(ctx, now.Add(-SyncTokenTTL)); err != nil {
			s.log.Warn("prune sync changes", "error", err)
		}
	}
	head, err := s.store.SyncHead(ctx, c.TenantID)
	if err != nil {
		return "", err
	}
	return syncToken{kind: kind, tenant: c.TenantID, user: c.UserID, seq: head, issued: now}.encode(key), nil
}

// Diff lists the changes since a token: every object of kind the caller
// sees that changed, as it is now (CREATED when it is new since the token,
// UPDATED otherwise), or DELETED with its id; an object created and
// deleted since the token is left out. A token that is not this caller's
// for this kind, was tampered with, or has expired is refused (403): the
// client lists again and takes a new token.
func (s *Service) Diff(ctx context.Context, c *Caller, kind, token string) (*SyncDiff, error) {
	if err := syncAccess(c, kind); err != nil {
		return nil, err
	}
	key, err := s.syncKey(ctx)
	if err != nil {
		return nil, err
	}
	t, ok := decodeSyncToken(token, key)
	now := s.now()
	if !ok || t.kind != kind || t.tenant != c.TenantID || t.user != c.UserID || now.Sub(t.issued) > SyncTokenTTL || t.issued.After(now.Add(time.Minute)) {
		return nil, errBadSyncToken
	}
	shared := kind == KindBusinessContact || kind == KindExtensionContact
	changes, err := s.store.Changes(ctx, c.TenantID, c.UserID, kind, shared, t.seq, maxDiffChanges)
	if err != nil {
		return nil, err
	}
	next := t
	next.issued = now
	type seen struct{ created, last int }
	order := []string{}
	state := map[string]*seen{}
	for i, ch := range changes {
		next.seq = ch.Seq
		st := state[ch.ObjectID]
		if st == nil {
			st = &seen{created: -1}
			state[ch.ObjectID] = st
			order = append(order, ch.ObjectID)
		}
		if ch.Type == store.ChangeCreated {
			st.created = i
		}
		st.last = i
	}
	if len(changes) == 0 {
		// Nothing new: the same position, renewed.
		next.seq = t.seq
	}
	out := &SyncDiff{Token: next.encode(key), Items: []json.RawMessage{}}
	var fav map[string]bool
	if kind != KindCDR {
		if fav, err = s.store.Favorites(ctx, c.UserID, kind); err != nil {
			return nil, err
		}
	}
	objs, err := s.syncObjects(ctx, c, kind, order, fav)
	if err != nil {
		return nil, err
	}
	for _, id := range order {
		st := state[id]
		obj := objs[id]
		var item json.RawMessage
		switch {
		case obj == nil && st.created >= 0:
			continue // created and deleted since the token: never seen
		case obj == nil:
			item, _ = json.Marshal(map[string]string{"id": id, "change_type": store.ChangeDeleted})
		default:
			ct := store.ChangeUpdated
			if st.created >= 0 {
				ct = store.ChangeCreated
			}
			item = withChangeType(obj, ct)
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// syncObjects is the current JSON of the objects of kind among ids (the
// ones gone are absent), read in batches.
func (s *Service) syncObjects(ctx context.Context, c *Caller, kind string, ids []string, fav map[string]bool) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(ids))
	put := func(id string, v any) error {
		raw, err := json.Marshal(v)
		out[id] = raw
		return err
	}
	switch kind {
	case KindContact, KindBusinessContact:
		found, err := s.store.ContactsByID(ctx, c.TenantID, contactOwner(c, kind == KindBusinessContact), ids)
		if err != nil {
			return nil, err
		}
		for id, ct := range found {
			ct.Favorite = fav[id]
			if err := put(id, ct); err != nil {
				return nil, err
			}
		}
	case KindExtensionContact:
		found, err := s.store.UsersByID(ctx, c.TenantID, ids)
		if err != nil {
			return nil, err
		}
		for id, u := range found {
			e := model.ExtensionContactOf(u)
			e.Favorite = fav[id]
			if err := put(id, e); err != nil {
				return nil, err
			}
		}
	case KindCDR:
		found, err := s.store.CDRsByID(ctx, c.TenantID, c.UserID, ids)
		if err != nil {
			return nil, err
		}
		for id, r := range found {
			// The seed's CDR diff item holds the record in "items".
			if err := put(id, map[string]any{"id": id, "items": []*model.CDR{r}}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// withChangeType adds "change_type" to a JSON object.
func withChangeType(obj json.RawMessage, ct string) json.RawMessage {
	s := strings.TrimSuffix(strings.TrimSpace(string(obj)), "}")
	if !strings.HasSuffix(s, "{") {
		s += ","
	}
	return json.RawMessage(s + `"change_type":"` + ct + `"}`)
}
