package model

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// NameKey is what two names are compared by when one must not pass for
// the other (reserved names, unique names): the UTS #39 confusable
// skeleton of the name, case-folded and without combining marks, so that
// "аdmin" (Cyrillic а), "admın" (dotless ı), "ADMİN" (dotted İ), "ädmin"
// and "admin" share one key. Keys are compared, never shown.
func NameKey(name string) string {
	s := stripMarks(strings.ToLower(name))
	// The skeleton may map to capitals (Cherokee Ꭺ to A) or to sequences
	// whose own skeleton differs (ǀ to l): fold and map again.
	s = confusables.Skeleton(s)
	s = stripMarks(strings.ToLower(s))
	return confusables.Skeleton(s)
}

// stripMarks decomposes s (compatibility forms too: ﬁ is fi) and drops
// its combining marks.
func stripMarks(s string) string {
	s = norm.NFKD.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// SameName reports whether two names share a NameKey.
func SameName(a, b string) bool { return NameKey(a) == NameKey(b) }
