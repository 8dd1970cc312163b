// Package mail sends Switchboard's emails through an SMTP relay (the
// --smtp flag) with go-mail: today, voicemail-to-email notifications.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// Mailer sends through one relay. It never logs or returns the relay's
// password.
type Mailer struct {
	relay config.SMTP
	from  string
	tls   *tls.Config
}

// New returns a Mailer for relay, sending as from (default voicemail@
// the relay's host). tlsConf may set trusted roots (nil: the system's).
func New(relay *config.SMTP, from string, tlsConf *tls.Config) *Mailer {
	if from == "" {
		from = "voicemail@" + relay.Host
	}
	if tlsConf == nil {
		tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tlsConf = tlsConf.Clone()
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = relay.Host
	}
	return &Mailer{relay: *relay, from: from, tls: tlsConf}
}

// client is a go-mail client for the relay.
func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.relay.Port), gomail.WithTimeout(30 * time.Second), gomail.WithTLSConfig(m.tls)}
	switch m.relay.TLS {
	case "implicit":
		opts = append(opts, gomail.WithSSL())
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.relay.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(m.relay.User), gomail.WithPassword(m.relay.Password))
	}
	return gomail.NewClient(m.relay.Host, opts...)
}

// SendVoicemail emails the owner of a mailbox about a new message, with
// the voice file attached when n holds it.
func (m *Mailer) SendVoicemail(ctx context.Context, n directory.VoicemailNotice) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("voicemail email: sender: %w", err)
	}
	if err := msg.To(n.To); err != nil {
		return fmt.Errorf("voicemail email: recipient: %w", err)
	}
	msg.Subject(Subject(n))
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, Body(n))
	if n.WAV != nil {
		name := "voicemail-" + n.Message.CreatedAt.In(zone(n)).Format("2006-01-02-1504") + ".wav"
		if err := msg.AttachReader(name, bytes.NewReader(n.WAV), gomail.WithFileContentType(gomail.ContentType("audio/wav"))); err != nil {
			return fmt.Errorf("voicemail email: attachment: %w", err)
		}
	}
	c, err := m.client()
	if err != nil {
		return fmt.Errorf("voicemail email: %s", m.scrub(err))
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("voicemail email via %s:%d: %s", m.relay.Host, m.relay.Port, m.scrub(err))
	}
	return nil
}

// scrub removes the relay's password from an error's text, should a
// library ever echo it.
func (m *Mailer) scrub(err error) string {
	s := err.Error()
	if m.relay.Password != "" {
		s = strings.ReplaceAll(s, m.relay.Password, "********")
	}
	return s
}

func zone(n directory.VoicemailNotice) *time.Location {
	if n.Location != nil {
		return n.Location
	}
	return time.UTC
}

// caller names who left a message.
func caller(n directory.VoicemailNotice) string {
	c := n.Message.Caller
	if c == "" {
		c = "an unknown caller"
	}
	if n.Message.CallerName != "" {
		return n.Message.CallerName + " (" + c + ")"
	}
	return c
}

// Subject is the notification's subject line.
func Subject(n directory.VoicemailNotice) string {
	return fmt.Sprintf("New voicemail from %s (%s)", caller(n), length(n.Message.DurationMS))
}

// Body is the notification's text.
func Body(n directory.VoicemailNotice) string {
	var b strings.Builder
	name := n.UserName
	if name == "" {
		name = "there"
	}
	fmt.Fprintf(&b, "Hello %s,\n\nYou have a new voicemail message for extension %s", name, n.Extension)
	if n.Tenant != "" {
		fmt.Fprintf(&b, " (%s)", n.Tenant)
	}
	fmt.Fprintf(&b, ".\n\nFrom:     %s\nReceived: %s\nLength:   %s\n\n", caller(n),
		n.Message.CreatedAt.In(zone(n)).Format("Monday 2 January 2006, 15:04 MST"), length(n.Message.DurationMS))
	if n.WAV != nil {
		b.WriteString("The message is attached as a WAV file.\n")
	} else {
		b.WriteString("Listen to it in the web portal (My Phone), or dial *97 from your phone.\n")
	}
	return b.String()
}

// length is a duration as m:ss.
func length(ms int64) string {
	s := (ms + 500) / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
