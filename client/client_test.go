package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestErrorCarriesTheEnvelope(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "0123456789abcdef")
		w.Header().Set("Retry-After", "42")
		switch r.URL.Path {
		case "/api/users":
			w.WriteHeader(409)
			fmt.Fprint(w, `{"errors":[{"code":"CONFLICT","message":"taken","detail":{"field":"extension_number"}},{"code":"CONFLICT","message":"x"}]}`)
		default:
			w.WriteHeader(502)
			fmt.Fprint(w, `<html>bad gateway</html>`)
		}
	}))
	defer srv.Close()
	c := New(srv.URL + "/")
	_, err := c.CreateUser(context.Background(), UserCreate{Name: "a"})
	var e *Error
	if !errors.As(err, &e) || e.Status != 409 || e.Code() != "CONFLICT" || e.Field() != "extension_number" || e.Message() != "taken" ||
		e.RequestID() != "0123456789abcdef" || e.RetryAfter() != 42*time.Second || StatusOf(err) != 409 || IsNotFound(err) {
		t.Fatalf("error: %#v", err)
	}
	if s := e.Error(); s != "switchboard: 409 CONFLICT: taken (field extension_number) and 1 more" {
		t.Fatalf("message %q", s)
	}
	_, err = c.GetUser(context.Background(), "x")
	if !errors.As(err, &e) || e.Status != 502 || e.Code() != "" || string(e.Body) != "<html>bad gateway</html>" ||
		err.Error() != "switchboard: 502 Bad Gateway" {
		t.Fatalf("not an envelope: %#v", err)
	}
	if StatusOf(errors.New("dial")) != 0 {
		t.Fatal("a transport error has a status")
	}
}

func TestOptionsAndRaw(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"auth":%q,"ua":%q,"ct":%q,"path":%q}`, r.Header.Get("Authorization"), r.Header.Get("User-Agent"),
			r.Header.Get("Content-Type"), r.URL.RequestURI())
	}))
	defer srv.Close()
	hc := &http.Client{Timeout: time.Second}
	base := New(srv.URL, WithHTTPClient(hc), WithUserAgent("ua/1"))
	tok := base.With(WithToken("abc"))
	ctx := context.Background()
	r, err := tok.Raw(ctx, "POST", "/api/users?top=1", "text/plain", []byte("x"))
	if err != nil || r.Status != 200 || r.Err() != nil ||
		string(r.Body) != `{"auth":"Bearer abc","ua":"ua/1","ct":"text/plain","path":"/api/users?top=1"}` {
		t.Fatalf("raw: %v %s", err, r.Body)
	}
	// The base client is unchanged by With, and ids are escaped.
	if r, _ := base.Raw(ctx, "GET", "/x", "text/plain", nil); string(r.Body) != `{"auth":"","ua":"ua/1","ct":"","path":"/x"}` {
		t.Fatalf("base: %s", r.Body)
	}
	var got map[string]string
	if err := base.get(ctx, pathf("/api/users/%s", "../../a b"), nil, &got); err != nil || got["path"] != "/api/users/..%2F..%2Fa%20b" {
		t.Fatalf("escaped path: %v %v", err, got)
	}
	if base.BaseURL() != srv.URL || base.http != hc {
		t.Fatal("options not applied")
	}
}

func TestListOptionsAndAll(t *testing.T) {
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		top, _ := strconv.Atoi(r.URL.Query().Get("top"))
		var items []string
		for i := skip; i < min(skip+top, 5); i++ {
			items = append(items, fmt.Sprintf(`{"name":"u%d"}`, i))
		}
		fmt.Fprintf(w, `{"count":5,"items":[%s]}`, strings.Join(items, ","))
	}))
	defer srv.Close()
	c := New(srv.URL)
	var names []string
	for u, err := range All(context.Background(), c.ListUsers, &ListOptions{Filter: "enabled eq true", Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, u.Name)
	}
	if strings.Join(names, ",") != "u0,u1,u2,u3,u4" || len(queries) != 3 ||
		queries[0] != "filter=enabled+eq+true&top=2" || queries[2] != "filter=enabled+eq+true&skip=4&top=2" {
		t.Fatalf("names %v queries %v", names, queries)
	}
	if v := (*ListOptions)(nil).values(); v != nil {
		t.Fatalf("nil options: %v", v)
	}
}

func TestChangeAndPermissions(t *testing.T) {
	var d SyncDiff[Contact]
	err := json.Unmarshal([]byte(`{"token":"n","items":[{"id":"a","name":"Zoë","change_type":"CREATED"},{"id":"b","change_type":"DELETED"}]}`), &d)
	if err != nil || d.Token != "n" || len(d.Items) != 2 || d.Items[0].Object.Name != "Zoë" || d.Items[0].ChangeType != "CREATED" ||
		d.Items[1].ID != "b" || d.Items[1].Object.ID != "b" || d.Items[1].ChangeType != "DELETED" {
		t.Fatalf("diff: %v %+v", err, d)
	}
	flags := PermissionFlags()
	// the contract's 29 flags and the two call-policy switches
	if len(flags) != 31 || flags[0] != "analytics.call_report_full_access" {
		t.Fatalf("%d flags: %v", len(flags), flags)
	}
	p := Permissions{General: GeneralPermissions{Meeting: true}}
	if f := p.Flags(); !f["general.meeting"] || f["trunk.view_only"] {
		t.Fatalf("flags: %v", f)
	}
	b, _ := json.Marshal(RoleInput{Permissions: Grant("trunk.view_only").Revoke("user_management.users")})
	if string(b) != `{"permissions":{"trunk":{"view_only":true},"user_management":{"users":false}}}` {
		t.Fatalf("role body %s", b)
	}
	b, _ = json.Marshal(UserUpdate{Department: Ptr(""), EnableDND: Ptr(false), BLFs: []BLF{}})
	if string(b) != `{"blfs":[],"department":"","enable_dnd":false}` {
		t.Fatalf("update body %s", b)
	}
}
