package api

import (
	"strings"
	"testing"
)

func TestJSONShape(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"k":1`)
		}
		return b.String() + "}"
	}
	for _, c := range []struct {
		body string
		bad  bool
	}{
		{`{"a":1}`, false},
		{many(MaxObjectMembers), false},
		{many(MaxObjectMembers + 1), true},
		{`[` + strings.Repeat(`{"a":1},`, 5000) + `{}]`, false},  // many objects, each small
		{`{"s":"` + strings.Repeat(`:,{\"`, 5000) + `"}`, false}, // colons and braces inside a string
		{strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth), false},
		{strings.Repeat("[", MaxJSONDepth+1), true},
		{`not json {{{`, false},
	} {
		if got := jsonShape([]byte(c.body)) != ""; got != c.bad {
			t.Errorf("%.40q: refused %v, want %v", c.body, got, c.bad)
		}
	}
}
