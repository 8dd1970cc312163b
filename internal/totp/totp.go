// Package totp implements time-based one-time passwords (RFC 6238 over the
// HOTP of RFC 4226, HMAC-SHA1, 30-second steps, 6 digits, as every
// authenticator app expects), otpauth:// URIs and recovery codes.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"rsc.io/qr"
)

// Period is the length of one step.
const Period = 30 * time.Second

// Digits is the length of a code.
const Digits = 6

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrBadSecret reports a secret that is not base32.
var ErrBadSecret = errors.New("totp: the secret is not base32")

// NewSecret returns a fresh 160-bit secret in base32 (RFC 4226 advises
// 160 bits for HMAC-SHA1).
func NewSecret() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return b32.EncodeToString(b[:])
}

func decode(secret string) ([]byte, error) {
	key, err := b32.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil || len(key) == 0 {
		return nil, ErrBadSecret
	}
	return key, nil
}

// Step returns the step number of t.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// hotp is RFC 4226's HOTP with the given number of digits.
func hotp(key []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Code returns the code of secret for the step of t.
func Code(secret string, t time.Time) (string, error) {
	key, err := decode(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, Step(t), Digits), nil
}

// Verify checks code against the steps of t, one before and one after
// (clock drift between phone and server), and refuses any step at or
// before lastStep so that a code works only once. It returns the step
// that matched; the caller stores it as the next lastStep.
func Verify(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != Digits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	key, err := decode(secret)
	if err != nil {
		return 0, false
	}
	now := Step(t)
	for _, s := range []int64{now - 1, now, now + 1} {
		// Compare every candidate so the time taken does not say which matched.
		if subtle.ConstantTimeCompare([]byte(hotp(key, s, Digits)), []byte(code)) == 1 && s > lastStep && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// URI returns the otpauth:// URI that authenticator apps scan.
func URI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(Digits))
	q.Set("period", fmt.Sprint(int(Period/time.Second)))
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// recoveryAlphabet leaves out characters people misread (0 o 1 l i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// RecoveryCodes returns n one-time recovery codes like "abcd-efgh-jk"
// (10 random characters, about 50 bits each).
func RecoveryCodes(n int) []string {
	out := make([]string, n)
	for i := range out {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		var sb strings.Builder
		for j, c := range b {
			if j == 4 || j == 8 {
				sb.WriteByte('-')
			}
			// 256 is not a multiple of 31: the bias is under 1%, harmless
			// for codes that are also rate limited.
			sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
		}
		out[i] = sb.String()
	}
	return out
}

// NormalizeRecoveryCode lowercases a typed recovery code and drops spaces
// and dashes, so "ABCD EFGH-JK" matches "abcd-efgh-jk".
func NormalizeRecoveryCode(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// QRPNG renders uri as a QR code PNG (error correction level M), for the
// enrolment screen.
func QRPNG(uri string) ([]byte, error) {
	c, err := qr.Encode(uri, qr.M)
	if err != nil {
		return nil, fmt.Errorf("totp: QR code: %w", err)
	}
	c.Scale = 6
	return c.PNG(), nil
}
