// Package secretbox is the envelope-encryption adapter: it implements domain.SecretSealer
// with keys from the environment. Each secret is encrypted (AES-256-GCM) with a fresh data
// key, and the data key is encrypted with the current key-encryption key, whose id is kept
// beside it. The database holds only sealed values, so a dump alone reveals no secret.
//
// Rotation without downtime: start every process with the new key first and the old one after
// it (both open, the first seals), run `kjb secrets rewrap` (each data key is re-encrypted
// under the new key; the secrets themselves are untouched), then drop the old key.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

const prefix = "kjbsec1"

// Keyring holds the key-encryption keys by id; the first seals.
type Keyring struct {
	ids  []string
	keys map[string]cipher.AEAD
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Parse reads "id:base64key,id2:base64key2" (32-byte keys, standard or URL base64); the
// first key seals, every key opens.
func Parse(spec string) (*Keyring, error) {
	k := &Keyring{keys: map[string]cipher.AEAD{}}
	for _, part := range strings.Split(spec, ",") {
		id, enc, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || !keyID.MatchString(id) {
			return nil, errors.New(`each key must be written id:base64 (id of letters, digits, "-" or "_")`)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			raw, err = base64.RawURLEncoding.DecodeString(enc)
		}
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("key %q must be 32 bytes in base64", id)
		}
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("key %q is given twice", id)
		}
		aead, err := newAEAD(raw)
		if err != nil {
			return nil, err
		}
		k.ids = append(k.ids, id)
		k.keys[id] = aead
	}
	return k, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext under a fresh data key wrapped by the current key.
func (k *Keyring) Seal(plaintext string) (string, error) {
	dek := make([]byte, 32)
	if _, err := rand.Read(dek); err != nil {
		return "", err
	}
	data, err := newAEAD(dek)
	if err != nil {
		return "", err
	}
	id := k.ids[0]
	body := seal(data, []byte(plaintext), []byte(prefix))
	wrapped := seal(k.keys[id], dek, []byte(prefix+"."+id))
	return strings.Join([]string{prefix, id, enc(wrapped), enc(body)}, "."), nil
}

// Open decrypts a sealed value; an error when it is malformed, its key is not in the ring,
// or it was altered. A value stored before secrets were sealed (no "kjbsec1." prefix) is
// returned as it is, until Rewrap seals it.
func (k *Keyring) Open(sealed string) (string, error) {
	if !strings.HasPrefix(sealed, prefix+".") {
		return sealed, nil
	}
	_, dek, body, err := k.unwrap(sealed)
	if err != nil {
		return "", err
	}
	data, err := newAEAD(dek)
	if err != nil {
		return "", err
	}
	plain, err := open(data, body, []byte(prefix))
	if err != nil {
		return "", errors.New("secretbox: the sealed value was altered")
	}
	return string(plain), nil
}

// Rewrap re-encrypts a sealed value's data key under the current key (and seals a value stored
// in plain text); changed is false when it already was.
func (k *Keyring) Rewrap(sealed string) (out string, changed bool, err error) {
	if !strings.HasPrefix(sealed, prefix+".") {
		out, err = k.Seal(sealed) // stored before secrets were sealed
		return out, err == nil, err
	}
	id, dek, body, err := k.unwrap(sealed)
	if err != nil || id == k.ids[0] {
		return sealed, false, err
	}
	wrapped := seal(k.keys[k.ids[0]], dek, []byte(prefix+"."+k.ids[0]))
	return strings.Join([]string{prefix, k.ids[0], enc(wrapped), enc(body)}, "."), true, nil
}

func (k *Keyring) unwrap(sealed string) (id string, dek, body []byte, err error) {
	parts := strings.Split(sealed, ".")
	if len(parts) != 4 || parts[0] != prefix {
		return "", nil, nil, errors.New("secretbox: not a sealed value")
	}
	kek, ok := k.keys[parts[1]]
	if !ok {
		return "", nil, nil, fmt.Errorf("secretbox: key %q is not in KJB_SECRET_KEYS", parts[1])
	}
	wrapped, err1 := base64.RawURLEncoding.DecodeString(parts[2])
	body, err2 := base64.RawURLEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return "", nil, nil, errors.New("secretbox: not a sealed value")
	}
	if dek, err = open(kek, wrapped, []byte(prefix+"."+parts[1])); err != nil {
		return "", nil, nil, errors.New("secretbox: the sealed value was altered")
	}
	return parts[1], dek, body, nil
}

func seal(a cipher.AEAD, plain, ad []byte) []byte {
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return a.Seal(nonce, nonce, plain, ad)
}

func open(a cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < a.NonceSize() {
		return nil, errors.New("short")
	}
	return a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], ad)
}

func enc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
