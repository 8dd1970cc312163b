package media

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
)

// promptFiles is the English prompt set, generated from prompts/prompts.txt
// by prompts/generate.sh (espeak-ng and sox).
//
//go:embed prompts/en/*.wav prompts/prompts.txt
var promptFiles embed.FS

// Prompts are the prompts of a language as 8 kHz samples, by name.
type Prompts map[string][]int16

// LoadPrompts decodes the embedded English prompt set.
func LoadPrompts() (Prompts, error) {
	entries, err := fs.ReadDir(promptFiles, "prompts/en")
	if err != nil {
		return nil, err
	}
	p := Prompts{}
	for _, e := range entries {
		data, err := promptFiles.ReadFile("prompts/en/" + e.Name())
		if err != nil {
			return nil, err
		}
		pcm, err := audio.Load(data)
		if err != nil {
			return nil, fmt.Errorf("prompt %s: %w", e.Name(), err)
		}
		p[strings.TrimSuffix(e.Name(), ".wav")] = pcm
	}
	return p, nil
}

// PromptTexts returns the prompt names and what each says, in the order
// of prompts.txt (tenants replace prompts by these names).
func PromptTexts() []PromptText {
	data, _ := promptFiles.ReadFile("prompts/prompts.txt")
	var out []PromptText
	for _, line := range strings.Split(string(data), "\n") {
		name, text, ok := strings.Cut(line, "|")
		if ok && !strings.HasPrefix(name, "#") {
			out = append(out, PromptText{Name: name, Text: text})
		}
	}
	return out
}

// PromptText is one prompt's name and words.
type PromptText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// say returns the prompts that speak n (0 to 999) as a number.
func sayNumber(n int) []string {
	switch {
	case n < 0:
		n = 0
	case n > 999:
		n = 999
	}
	var out []string
	if n >= 100 {
		out = append(out, fmt.Sprintf("n-%d", n/100), "n-hundred")
		n %= 100
		if n == 0 {
			return out
		}
	}
	if n < 20 {
		return append(out, fmt.Sprintf("n-%d", n))
	}
	out = append(out, fmt.Sprintf("n-%d", n/10*10))
	if n%10 != 0 {
		out = append(out, fmt.Sprintf("n-%d", n%10))
	}
	return out
}

// sayDigits returns the prompts that speak each digit of s.
func sayDigits(s string) []string {
	var out []string
	for _, r := range s {
		if r >= '0' && r <= '9' {
			out = append(out, "n-"+string(r))
		}
	}
	return out
}

// sayOrdinal returns the prompts of an ordinal day of the month (1-31).
func sayOrdinal(n int) []string {
	switch {
	case n <= 20 || n == 30:
		return []string{fmt.Sprintf("o-%d", n)}
	case n < 30:
		return []string{"n-20", fmt.Sprintf("o-%d", n-20)}
	}
	return []string{"n-30", fmt.Sprintf("o-%d", n-30)}
}

// sayDateTime returns the prompts of a date and time: "Monday March
// fifth 3 45 P M", or with h24 "Monday March fifth 15 45 hours"
// ("15 hundred hours" on the hour).
func sayDateTime(t time.Time, h24 bool) []string {
	out := []string{fmt.Sprintf("d-%d", int(t.Weekday())), fmt.Sprintf("m-%d", int(t.Month()))}
	out = append(out, sayOrdinal(t.Day())...)
	h, m := t.Hour(), t.Minute()
	if h24 {
		out = append(out, sayNumber(h)...)
		if m == 0 {
			return append(out, "n-hundred", "n-hours")
		}
		return append(append(out, sayMinutes(m)...), "n-hours")
	}
	ampm := "n-am"
	if h >= 12 {
		ampm = "n-pm"
	}
	if h = h % 12; h == 0 {
		h = 12
	}
	out = append(out, sayNumber(h)...)
	if m == 0 {
		return append(out, "n-oclock", ampm)
	}
	return append(append(out, sayMinutes(m)...), ampm)
}

// sayMinutes says minutes 1-59: "oh five", "forty five".
func sayMinutes(m int) []string {
	if m < 10 {
		return []string{"n-oh", fmt.Sprintf("n-%d", m)}
	}
	return sayNumber(m)
}

// MaxPromptSeconds bounds a tenant's replacement of a prompt.
const MaxPromptSeconds = 60

// Catalog is what tenants may replace: the prompts' names and words, and
// the check of a replacement's audio.
func Catalog() directory.PromptCatalog {
	c := directory.PromptCatalog{Texts: map[string]string{}, Check: checkPrompt}
	for _, p := range PromptTexts() {
		c.Names = append(c.Names, p.Name)
		c.Texts[p.Name] = p.Text
	}
	return c
}

// checkPrompt refuses audio the engine cannot use as a prompt.
func checkPrompt(data []byte) error {
	pcm, err := audio.Load(data)
	switch {
	case err != nil:
		return errors.New("is not a readable WAV or MP3 file")
	case len(pcm) > MaxPromptSeconds*audio.Rate:
		return fmt.Errorf("is longer than %d seconds", MaxPromptSeconds)
	case audio.Silent(pcm):
		return errors.New("is silent")
	}
	return nil
}

// promptsFor is the prompt set of a tenant: the built-in one with the
// tenant's replacements (decoded through the engine's cache); the
// built-in one alone when reading them fails.
func (e *Engine) promptsFor(ctx context.Context, tenantID string) Prompts {
	repl, err := e.dir.TenantPrompts(ctx, tenantID)
	if err != nil || len(repl) == 0 {
		return e.prompts
	}
	out := make(Prompts, len(e.prompts))
	for k, v := range e.prompts {
		out[k] = v
	}
	for name, b := range repl {
		if pcm, err := e.load(ctx, b); err == nil {
			out[name] = pcm
		}
	}
	return out
}
