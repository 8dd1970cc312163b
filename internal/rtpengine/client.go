// Package rtpengine drives Sipwise rtpengine media relays over their ng
// control protocol (a cookie and a bencoded dictionary per UDP
// datagram): offer, answer and delete of the calls whose media the
// proxy anchors in a relay. A call always goes to the same relay of the
// set, chosen by a hash of its Call-ID, so every node sharing the set
// picks the same one without sharing state.
package rtpengine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"strings"
	"time"
)

// maxReply bounds a reply datagram (an SDP body and a few keys).
const maxReply = 65535

// Client sends ng commands to a set of rtpengine control addresses.
type Client struct {
	addrs []string
	// Timeout bounds one command, retransmissions included; Retry is
	// the time between retransmissions (rtpengine answers a repeated
	// cookie from its cache, without doing the command twice).
	Timeout, Retry time.Duration
}

// New makes a client of the relays at addrs (host:port of --listen-ng).
func New(addrs []string) *Client {
	return &Client{addrs: addrs, Timeout: 3 * time.Second, Retry: 500 * time.Millisecond}
}

// ParseAddrs reads the --rtpengine value: host:port[,host:port...].
func ParseAddrs(v string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(v, ",") {
		a = strings.TrimSpace(a)
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" || port == "" {
			return nil, fmt.Errorf("--rtpengine: %q is not host:port (the relay's --listen-ng address)", a)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, errors.New("--rtpengine: no address")
	}
	return out, nil
}

// For is the relay that handles callID.
func (c *Client) For(callID string) string {
	h := fnv.New32a()
	h.Write([]byte(callID))
	return c.addrs[h.Sum32()%uint32(len(c.addrs))]
}

// Offer has the call's relay anchor the SDP offer sdp of the party with
// fromTag and returns the SDP to send on instead.
func (c *Client) Offer(ctx context.Context, callID, fromTag, sdp string) (string, error) {
	return c.sdp(ctx, callID, map[string]any{"command": "offer", "call-id": callID, "from-tag": fromTag, "sdp": sdp,
		"replace": []string{"origin", "session-connection"}, "ICE": "remove"})
}

// Answer has the relay anchor the SDP answer sdp of the party with
// toTag, to the offer of fromTag, and returns the SDP to send on.
func (c *Client) Answer(ctx context.Context, callID, fromTag, toTag, sdp string) (string, error) {
	return c.sdp(ctx, callID, map[string]any{"command": "answer", "call-id": callID, "from-tag": fromTag, "to-tag": toTag, "sdp": sdp,
		"replace": []string{"origin", "session-connection"}, "ICE": "remove"})
}

// Delete ends the call's media in its relay.
func (c *Client) Delete(ctx context.Context, callID, fromTag string) error {
	_, err := c.Do(ctx, c.For(callID), map[string]any{"command": "delete", "call-id": callID, "from-tag": fromTag})
	return err
}

func (c *Client) sdp(ctx context.Context, callID string, cmd map[string]any) (string, error) {
	res, err := c.Do(ctx, c.For(callID), cmd)
	if err != nil {
		return "", err
	}
	sdp, ok := res["sdp"].(string)
	if !ok || sdp == "" {
		return "", errors.New("rtpengine: reply without sdp")
	}
	return sdp, nil
}

// Do sends one command to addr and returns the reply dictionary, or an
// error when the relay answers "error" or does not answer in time.
func (c *Client) Do(ctx context.Context, addr string, cmd map[string]any) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var cookie [8]byte
	if _, err := rand.Read(cookie[:]); err != nil {
		return nil, err
	}
	var msg bytes.Buffer
	msg.WriteString(hex.EncodeToString(cookie[:]) + " ")
	if err := encode(&msg, cmd); err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "udp", addr)
	if err != nil {
		return nil, fmt.Errorf("rtpengine %s: %w", addr, err)
	}
	defer conn.Close()
	prefix := msg.Bytes()[:len(cookie)*2+1]
	buf := make([]byte, maxReply)
	for {
		if _, err := conn.Write(msg.Bytes()); err != nil {
			return nil, fmt.Errorf("rtpengine %s: %w", addr, err)
		}
		wait := time.Now().Add(c.Retry)
		if dl, _ := ctx.Deadline(); dl.Before(wait) {
			wait = dl
		}
		_ = conn.SetReadDeadline(wait)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				break // retransmit, or give up below
			}
			if !bytes.HasPrefix(buf[:n], prefix) {
				continue // the reply to an earlier command
			}
			return reply(buf[len(prefix):n], cmd["command"])
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("rtpengine %s: no answer to %v", addr, cmd["command"])
		}
	}
}

// reply checks a reply dictionary's result.
func reply(data []byte, command any) (map[string]any, error) {
	d, err := decodeDict(data)
	if err != nil {
		return nil, fmt.Errorf("rtpengine: %v reply: %w", command, err)
	}
	switch d["result"] {
	case "ok", "pong":
		return d, nil
	case "error":
		return nil, fmt.Errorf("rtpengine: %v: %v", command, d["error-reason"])
	}
	return nil, fmt.Errorf("rtpengine: %v: result %v", command, d["result"])
}
