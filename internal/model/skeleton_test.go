package model

import "testing"

func TestNameKeyConfusables(t *testing.T) {
	for _, look := range []string{"admin", "ADMIN", "аdmin", "admın", "ADMİN", "ädmin", "ａｄｍｉｎ", "adm\u200bin", "adrnin"} {
		if !SameName(look, "admin") {
			t.Errorf("%q (%+q) does not pass for admin: key %+q vs %+q", look, look, NameKey(look), NameKey("admin"))
		}
	}
	for _, other := range []string{"admins", "adman", "badmin", "root"} {
		if SameName(other, "admin") {
			t.Errorf("%q passes for admin", other)
		}
	}
	if !SameName("alice", "аlicе") || SameName("alice", "alicia") || !SameName("Ｒoot", "root") {
		t.Error("alice/root keys")
	}
}

func TestReservedNamesByLookalike(t *testing.T) {
	for _, name := range []string{"аdmin", "admın", "ADMİN", "ѕуѕtеm", "rооt", "Administratоr"} {
		if err := ValidateUserName(name, false); err == nil {
			t.Errorf("%q (%+q) passed the reserved-name check", name, name)
		}
		if err := ValidateUserName(name, true); err != nil {
			t.Errorf("%q in the system tenant: %v", name, err)
		}
	}
}
