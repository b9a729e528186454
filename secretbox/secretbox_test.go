package secretbox_test

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/secretbox"
)

var _ domain.SecretSealer = (*secretbox.Keyring)(nil)

func key(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestSealOpenRotate(t *testing.T) {
	t.Parallel()
	k1, k2 := "k1:"+key(t), "k2:"+key(t)
	old, err := secretbox.Parse(k1)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.Seal("whsec_abc")
	if err != nil || strings.Contains(sealed, "whsec_abc") {
		t.Fatalf("%q %v", sealed, err)
	}
	if again, _ := old.Seal("whsec_abc"); again == sealed {
		t.Fatal("sealing twice gave the same value")
	}
	if plain, err := old.Open(sealed); err != nil || plain != "whsec_abc" {
		t.Fatalf("open: %q %v", plain, err)
	}
	// Rotation: the new key first, the old one still opens.
	both, err := secretbox.Parse(k2 + "," + k1)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := both.Open(sealed); err != nil || plain != "whsec_abc" {
		t.Fatalf("open with both: %q %v", plain, err)
	}
	rewrapped, changed, err := both.Rewrap(sealed)
	if err != nil || !changed || !strings.HasPrefix(rewrapped, "kjbsec1.k2.") {
		t.Fatalf("rewrap: %q %v %v", rewrapped, changed, err)
	}
	if _, changed, _ := both.Rewrap(rewrapped); changed {
		t.Fatal("rewrapping twice changed it")
	}
	onlyNew, _ := secretbox.Parse(k2)
	if plain, err := onlyNew.Open(rewrapped); err != nil || plain != "whsec_abc" {
		t.Fatalf("open after the old key is gone: %q %v", plain, err)
	}
	if _, err := onlyNew.Open(sealed); err == nil {
		t.Fatal("a value sealed under a dropped key opened")
	}
	// Tampering with any part is detected.
	parts := strings.Split(rewrapped, ".")
	for i := 2; i < 4; i++ {
		b := []byte(parts[i])
		b[len(b)/2] ^= 1
		forged := strings.Join(append(append(append([]string{}, parts[:i]...), string(b)), parts[i+1:]...), ".")
		if _, err := onlyNew.Open(forged); err == nil {
			t.Errorf("part %d altered and still opened", i)
		}
	}
	// Values stored before sealing read as they are until rewrapped.
	if plain, err := onlyNew.Open("whsec_legacy"); err != nil || plain != "whsec_legacy" {
		t.Fatalf("legacy value: %q %v", plain, err)
	}
	if sealedLegacy, changed, err := onlyNew.Rewrap("whsec_legacy"); err != nil || !changed || strings.Contains(sealedLegacy, "legacy") {
		t.Fatalf("rewrap legacy: %q %v %v", sealedLegacy, changed, err)
	}
	for _, bad := range []string{"", "k1", "k1:short", "k1:" + key(t) + ",k1:" + key(t), "bad id:" + key(t)} {
		if _, err := secretbox.Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
