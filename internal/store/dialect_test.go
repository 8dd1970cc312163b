package store

import "testing"

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b = ?`, `a = $1 AND b = $2`},
		{`x LIKE ? ESCAPE '\' AND y = ?`, `x LIKE $1 ESCAPE '\' AND y = $2`},
		{`s = 'why?' AND t = ?`, `s = 'why?' AND t = $1`},
		{`"odd?col" = ? -- what?` + "\n" + `AND z = ?`, `"odd?col" = $1 -- what?` + "\n" + `AND z = $2`},
		{`s = 'it''s?' AND t = ?`, `s = 'it''s?' AND t = $1`},
	}
	for _, c := range cases {
		if got := rebind(DialectPostgres, c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := rebind(DialectSQLite, c.in); got != c.in {
			t.Errorf("sqlite rebind changed %q to %q", c.in, got)
		}
	}
}

func TestContainsColumn(t *testing.T) {
	msg := "constraint failed: UNIQUE constraint failed: users.tenant_id, users.name_lower (2067)"
	if !containsColumn(msg, "users.name_lower") || containsColumn(msg, "users.name") || containsColumn(msg, "users.id") {
		t.Fatal("containsColumn misreads SQLite's message")
	}
}
