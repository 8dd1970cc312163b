package model

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strconv"
)

// NewID returns an opaque identifier in the contract's style: the base64 of
// a decimal 63-bit number. The number is random, so IDs reveal neither row
// counts nor creation order.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	n := binary.BigEndian.Uint64(b[:]) >> 1
	if n < 1e17 { // keep every ID the same length
		n += 1e17
	}
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatUint(n, 10)))
}

// ValidID reports whether s has the shape of an ID made by NewID. Handlers
// use it to answer 404 early without touching the database.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) == 0 {
		return false
	}
	_, err = strconv.ParseUint(string(raw), 10, 64)
	return err == nil
}
