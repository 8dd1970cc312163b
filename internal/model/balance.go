package model

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Balance is an amount exact to five decimal places, kept as an integer
// number of 0.00001 units: no binary floating point touches it. In JSON it
// is a plain number ("balance": 12345678.12345).
type Balance int64

// BalanceScale is the number of units in one.
const BalanceScale = 100000

// MaxBalance bounds a balance to ±999,999,999,999.99999.
const MaxBalance = Balance(999_999_999_999*BalanceScale + 99999)

// ErrBalance explains what a balance may be.
var ErrBalance = errors.New("must be a number with at most five decimal places, from -999999999999.99999 to 999999999999.99999")

// ParseBalance reads a decimal number such as "-12.5", "0.00001" or
// "1e3" exactly; more than five decimals, or out of range, is an error.
func ParseBalance(s string) (Balance, error) {
	s = strings.TrimSpace(s)
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -30 || e > 30 {
			return 0, ErrBalance
		}
		mant, exp = s[:i], e
	}
	intPart, frac, dot := strings.Cut(mant, ".")
	if intPart == "" || (dot && frac == "") || strings.Trim(intPart, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, ErrBalance
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - exp // the value is digits × 10^-scale
	// Bring it to 5 decimals: drop trailing zeros beyond, refuse anything else.
	for scale > 5 {
		if digits == "" {
			scale = 5
			break
		}
		if digits[len(digits)-1] != '0' {
			return 0, ErrBalance
		}
		digits, scale = digits[:len(digits)-1], scale-1
	}
	if digits == "" {
		digits = "0"
	}
	digits += strings.Repeat("0", 5-scale)
	if len(digits) > 18 {
		return 0, ErrBalance
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || Balance(n) > MaxBalance {
		return 0, ErrBalance
	}
	if neg {
		n = -n
	}
	return Balance(n), nil
}

// String renders the amount with exactly five decimals.
func (b Balance) String() string {
	n := int64(b)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%05d", sign, n/BalanceScale, n%BalanceScale)
}

// MarshalJSON writes the amount as a JSON number with five decimals.
func (b Balance) MarshalJSON() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalJSON reads a JSON number exactly (strings are refused).
func (b *Balance) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] == '"' || bytes.Equal(data, []byte("null")) {
		return ErrBalance
	}
	v, err := ParseBalance(string(data))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Schema tells the OpenAPI document (huma) that a Balance is a JSON number.
func (Balance) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeNumber, Description: "Exact to five decimal places"}
}
