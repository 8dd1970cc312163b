package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
)

const floodPassword = "flood-Admin-Secret-42"

// floodFiles is the node's file limit in TestSIPFlood: far below the
// connections the test opens.
const floodFiles = 256

// TestFloodNode is the node of TestSIPFlood, run in a process of its own
// with a low file limit; it prints its addresses and serves until its
// standard input closes.
func TestFloodNode(t *testing.T) {
	if os.Getenv("SB_FLOOD_NODE") == "" {
		t.Skip("the node of TestSIPFlood (runs only in its child process)")
	}
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		t.Fatal(err)
	}
	r.Cur = floodFiles
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0", AdminPassword: floodPassword,
		LogLevel: "info", Login: config.LoginLimits{AccountLimit: 1000, SourceLimit: 100000, Window: time.Minute, Lockout: time.Minute}}
	cfg.Net.SIPFirstTimeout = 2 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.Start(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		app.Options{HashParams: &auth.FastParams, Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	fmt.Printf("NODE %s %s\n", a.HTTPAddr(), a.SIPAddr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	cancel()
	<-done
}

// TestSIPFlood: 1,000 idle TCP connections to the SIP port of a node
// whose file limit is 256. The node keeps answering /healthz and
// sign-in while they are open, closes what is over its cap at once and
// the rest after the first-request timeout, and then answers SIP over
// TCP again.
func TestSIPFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFloodNode$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SB_FLOOD_NODE=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	var httpAddr, sipAddr string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "NODE" {
			httpAddr, sipAddr = f[1], f[2]
			break
		}
	}
	if sipAddr == "" {
		t.Fatal("the node did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 1000 {
		c, err := net.DialTimeout("tcp", sipAddr, time.Second)
		if err == nil {
			conns = append(conns, c)
		}
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	res, err := hc.Get("http://" + httpAddr + "/healthz")
	if err != nil {
		t.Fatalf("/healthz with %d SIP connections open: %v", len(conns), err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/healthz: %d", res.StatusCode)
	}
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, directory.BootstrapAdminName, floodPassword)
	res, err = hc.Post("http://"+httpAddr+"/api/auth/sign_in", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("sign-in with %d SIP connections open: %v", len(conns), err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	open := 0
	for _, c := range conns {
		if !closedWithin(c, 5*time.Second) {
			open++
		}
	}
	if open > 0 {
		t.Fatalf("%d of %d idle connections still open after the first-request timeout", open, len(conns))
	}
	c, err := net.DialTimeout("tcp", sipAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := "OPTIONS sip:" + sipAddr + " SIP/2.0\r\nVia: SIP/2.0/TCP " + c.LocalAddr().String() + ";branch=z9hG4bKflood\r\nMax-Forwards: 70\r\n" +
		"From: <sip:t@example.com>;tag=1\r\nTo: <sip:t@example.com>\r\nCall-ID: flood\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SIP/2.0 200") {
		t.Fatalf("OPTIONS over TCP after the flood: %q %v", line, err)
	}
}

func closedWithin(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}
