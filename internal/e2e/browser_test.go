package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// EnvArtifacts is where the browser test keeps its screenshots (default:
// a temporary directory). .ci/run sets it to .ci/artifacts/browser.
const EnvArtifacts = "SWITCHBOARD_TEST_ARTIFACTS"

// TestBrowser drives the portal in Debian's Chromium (browser/portal.mjs):
// sign in, add a user, edit forwarding (a number the user's role may not
// call is refused with the reason), import with a bad row then fixed,
// remove a user keeping the mailbox, My Phone, and two-factor enrolment.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("/usr/bin/chromium is not installed (apt-get install -y chromium); .ci/run installs it")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat("browser/node_modules/playwright-core"); err != nil {
		t.Skip("playwright-core is not installed (cd internal/e2e/browser && npm ci); .ci/run installs it")
	}
	s := startServer(t, storetest.DSN(t, "sqlite"))
	s.tenant("acme.example")           // boss / boss-Password-1
	frenchTenant(t, s, "acme.example") // French numbers are domestic, others international
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		dir = t.TempDir()
	}
	dir, _ = filepath.Abs(filepath.Join(dir, "browser"))
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "portal.mjs")
	cmd.Dir = "browser"
	cmd.Env = append(os.Environ(), "BASE="+s.base, "DOMAIN=acme.example", "ADMIN_USER=boss", "ADMIN_PASSWORD=boss-Password-1", "SYSTEM_PASSWORD="+adminPassword, "ARTIFACTS="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser run: %v\n%s\nscreenshots: %s", err, out, dir)
	}
	t.Logf("%s", out)
}
