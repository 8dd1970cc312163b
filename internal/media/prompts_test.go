package media

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every prompt the engine names exists in the embedded set, and the
// number, date and time sayers only name existing prompts.
func TestPromptsExist(t *testing.T) {
	p, err := LoadPrompts()
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != len(PromptTexts()) {
		t.Fatalf("%d prompt files for %d texts", len(p), len(PromptTexts()))
	}
	need := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"((?:vm|kp|rec)-[a-z-]+)"`)
	for _, f := range files {
		src, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			need[m[1]] = true
		}
	}
	for n := 0; n < 1000; n++ {
		for _, name := range sayNumber(n) {
			need[name] = true
		}
	}
	for t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); t0.Year() == 2026; t0 = t0.Add(97 * time.Minute) {
		for _, h24 := range []bool{false, true} {
			for _, name := range sayDateTime(t0, h24) {
				need[name] = true
			}
		}
	}
	for name := range need {
		if len(p[name]) == 0 {
			t.Errorf("prompt %s is missing or empty", name)
		}
	}
}

func TestSayDateTime(t *testing.T) {
	at := time.Date(2026, 3, 23, 15, 5, 0, 0, time.UTC) // a Monday
	for _, c := range []struct {
		h24  bool
		want string
	}{
		{false, "d-1 m-3 n-20 o-3 n-3 n-oh n-5 n-pm"},
		{true, "d-1 m-3 n-20 o-3 n-15 n-oh n-5 n-hours"},
	} {
		if got := strings.Join(sayDateTime(at, c.h24), " "); got != c.want {
			t.Errorf("24h=%v: %s, want %s", c.h24, got, c.want)
		}
	}
	if got := strings.Join(sayDateTime(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), false), " "); got != "d-2 m-3 n-30 o-1 n-12 n-oclock n-am" {
		t.Errorf("midnight: %s", got)
	}
	if got := strings.Join(sayNumber(342), " "); got != "n-3 n-hundred n-40 n-2" {
		t.Errorf("342: %s", got)
	}
}

// The pace of received packets: on time, early (moves the anchor),
// late by more than readLate, and a new stream.
func TestPacer(t *testing.T) {
	var p pacer
	t0 := time.Unix(100, 0)
	if p.late(t0, 10, 160) || p.late(t0.Add(20*time.Millisecond), 11, 160) || p.late(t0.Add(30*time.Millisecond), 12, 160) {
		t.Fatal("on time counted late")
	}
	if p.late(t0.Add(35*time.Millisecond), 13, 160) { // early: anchor moves to 35 ms for seq 13
		t.Fatal("early counted late")
	}
	if !p.late(t0.Add(35*time.Millisecond+20*time.Millisecond+41*time.Millisecond), 14, 160) {
		t.Fatal("41 ms late not counted")
	}
	if p.late(t0.Add(time.Hour), 9000, 160) {
		t.Fatal("a new stream counted late")
	}
}
