package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kjb/kjb/internal/testdb"
)

const testSecretKeys = "KJB_SECRET_KEYS=k1:a2piLWNtZC10ZXN0LXdlYmhvb2stc2VjcmV0cy1rZXk="

// TestProductionNeedsSecretKeys: outside sandbox mode the api refuses to start without keys
// to seal webhook secrets with, naming the variable; `kjb secrets rewrap` runs with them.
func TestProductionNeedsSecretKeys(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	cmd := exec.Command(binary, "api")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_SANDBOX=false", "KJB_LISTEN=127.0.0.1:0", "KJB_METRICS_LISTEN=127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "KJB_SECRET_KEYS is not set") {
		t.Fatalf("exit %v: %s", err, out)
	}
	rewrap := exec.Command(binary, "secrets", "rewrap")
	rewrap.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_SANDBOX=false", testSecretKeys)
	if out, err := rewrap.CombinedOutput(); err != nil || !strings.Contains(string(out), "rewrapped the secrets of 0 webhook endpoint(s)") {
		t.Fatalf("rewrap: %v %s", err, out)
	}
	bad := exec.Command(binary, "secrets", "rewrap")
	bad.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_SANDBOX=false", "KJB_SECRET_KEYS=k1:short")
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "KJB_SECRET_KEYS") {
		t.Fatalf("a malformed key: %v %s", err, out)
	}
}
