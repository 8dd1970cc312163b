// Package client is the Go client of the Switchboard REST API.
//
// Every operation of the API's OpenAPI document (GET /api/openapi.json) has
// a typed method here, and the client's types carry the API's JSON names
// exactly. A test checks the types against the served document, so the
// client cannot drift from the API silently.
//
//	c := client.New("https://pbx.example.com")
//	tok, err := c.SignIn(ctx, client.SignInRequest{Username: "alice", Password: pw, Domain: "acme.example"})
//	if err != nil { ... }
//	admin := c.With(client.WithToken(tok.AccessToken))
//	id, err := admin.CreateUser(ctx, client.UserCreate{Name: "bob", Email: "bob@acme.example",
//		ExtensionNumber: "102", Password: "Bob-pass-2024"})
//	err = admin.UpdateUser(ctx, id, client.UserUpdate{Department: client.Ptr("Sales")})
//
// Updates send only the fields that are set (the API keeps the others), so
// update types hold pointers; Ptr makes one. Answers with a status of 400
// or more come back as *Error, which carries the status and the API's
// error envelope.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one Switchboard server. It is safe for concurrent use; With
// derives a client with other options (another token) that shares the
// HTTP client.
type Client struct {
	base      string
	token     string
	http      *http.Client
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithToken sends token (an access token from SignIn, RefreshToken or
// APIKeyToken) as the bearer token of every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient sends the requests through h instead of
// http.DefaultClient (for timeouts, proxies, TLS settings or tests).
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL (scheme, host and port,
// e.g. "http://127.0.0.1:8887"; a trailing slash is ignored).
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), http: http.DefaultClient, userAgent: "switchboard-go-client"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// With returns a copy of the client with opts applied on top of its own.
func (c *Client) With(opts ...Option) *Client {
	cp := *c
	for _, o := range opts {
		o(&cp)
	}
	return &cp
}

// BaseURL returns the server's base URL the client was made with.
func (c *Client) BaseURL() string { return c.base }

// Ptr returns a pointer to v, for the optional fields of create and update
// types (client.Ptr("Sales"), client.Ptr(false)).
func Ptr[T any](v T) *T { return &v }

// call is one request of a typed method.
type call struct {
	method, path string
	query        url.Values
	in           any       // JSON-encoded body (nil: no body)
	raw          io.Reader // raw body, sent with contentType
	contentType  string
	out          any       // JSON-decoded answer (nil: ignored)
	sink         io.Writer // raw answer (instead of out)
	header       *http.Header
	// requestHeader is sent with the request (empty values are not).
	requestHeader http.Header
}

// send performs a call: it encodes the body, checks the status and decodes
// the answer. A status of 400 or more is returned as *Error.
func (c *Client) send(ctx context.Context, cl call) error {
	body, ctype := cl.raw, cl.contentType
	if cl.in != nil {
		b, err := json.Marshal(cl.in)
		if err != nil {
			return fmt.Errorf("switchboard: encode %s %s: %w", cl.method, cl.path, err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	}
	res, err := c.do(ctx, cl.method, cl.path, cl.query, ctype, body, cl.requestHeader)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
		return newError(res.StatusCode, res.Header, raw)
	}
	if cl.header != nil {
		*cl.header = res.Header
	}
	switch {
	case cl.sink != nil:
		_, err = io.Copy(cl.sink, res.Body)
	case cl.out != nil && res.StatusCode != http.StatusNoContent:
		err = json.NewDecoder(res.Body).Decode(cl.out)
	default:
		_, err = io.Copy(io.Discard, res.Body)
	}
	if err != nil {
		return fmt.Errorf("switchboard: read the answer of %s %s: %w", cl.method, cl.path, err)
	}
	return nil
}

// do sends one HTTP request with the client's credentials.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, contentType string, body io.Reader, header http.Header) (*http.Response, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("switchboard: %s %s: %w", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range header {
		for _, v := range vs {
			if v != "" {
				req.Header.Add(k, v)
			}
		}
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("switchboard: %s %s: %w", method, path, err)
	}
	return res, nil
}

// get fetches path into out.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	return c.send(ctx, call{method: http.MethodGet, path: path, query: query, out: out})
}

// post sends in (nil: no body) to path and decodes the answer into out
// (nil: the answer is discarded).
func (c *Client) post(ctx context.Context, path string, in, out any) error {
	return c.send(ctx, call{method: http.MethodPost, path: path, in: in, out: out})
}

// pathf joins a path pattern with escaped segments: pathf("/api/users/%s",
// id) escapes id so that no id can reach another endpoint.
func pathf(pattern string, segments ...string) string {
	args := make([]any, len(segments))
	for i, s := range segments {
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(pattern, args...)
}

// Response is the answer of Raw, whatever its status.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Err returns the answer as *Error when its status is 400 or more, nil
// otherwise.
func (r *Response) Err() error {
	if r.Status < 400 {
		return nil
	}
	return newError(r.Status, r.Header, r.Body)
}

// Raw sends a request as is, with the client's base URL and token, and
// returns the answer whatever its status: for what the typed methods cannot
// send (bodies that are not what the API takes, other content types).
// path may carry a query ("/api/users?top=1"); contentType is sent when
// body is not nil.
func (c *Client) Raw(ctx context.Context, method, path, contentType string, body []byte) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else {
		contentType = ""
	}
	res, err := c.do(ctx, method, path, nil, contentType, rd, nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("switchboard: read the answer of %s %s: %w", method, path, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}

// OpenAPI returns the server's OpenAPI document (GET /api/openapi.json).
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) {
	var b bytes.Buffer
	if err := c.send(ctx, call{method: http.MethodGet, path: "/api/openapi.json", sink: &b}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
