package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/secretbox"
)

// sandboxSecretKey seals webhook secrets in sandbox mode when KJB_SECRET_KEYS is unset. It is
// published here, so it protects nothing: production sets its own keys.
const sandboxSecretKey = "sandbox:a2piLXNhbmRib3gtd2ViaG9vay1zZWNyZXRzLWtleTE="

// keyring is KJB_SECRET_KEYS (the sandbox key in sandbox mode when unset); nil outside sandbox
// mode without keys, where the store refuses webhook secrets and the api and worker refuse
// to start (requireSecretKeys).
func keyring(cfg config) (*secretbox.Keyring, error) {
	keys := cfg.SecretKeys
	if keys == "" && cfg.Sandbox {
		keys = sandboxSecretKey
	}
	if keys == "" {
		return nil, nil
	}
	ring, err := secretbox.Parse(keys)
	if err != nil {
		return nil, fmt.Errorf("KJB_SECRET_KEYS: %w", err)
	}
	return ring, nil
}

// sealSecrets gives the store the keyring, when there is one.
func sealSecrets(store *db.Store, cfg config) error {
	ring, err := keyring(cfg)
	if ring != nil {
		store.SealSecretsWith(ring)
	}
	return err
}

func requireSecretKeys(cfg config) error {
	if cfg.Sandbox || cfg.SecretKeys != "" {
		return nil
	}
	return errors.New("KJB_SECRET_KEYS is not set: outside sandbox mode webhook signing secrets are sealed with keys " +
		"from the environment (id:base64 of 32 random bytes, e.g. k1:$(openssl rand -base64 32))")
}

// cmdSecrets re-encrypts every stored webhook secret under the first key of KJB_SECRET_KEYS.
func cmdSecrets(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "rewrap" {
		return errors.New("usage: kjb secrets rewrap")
	}
	p, err := connect(ctx, false, false, "kjb-secrets")
	if err != nil {
		return err
	}
	defer p.close()
	if err := requireSecretKeys(p.cfg); err != nil {
		return err
	}
	ring, err := keyring(p.cfg)
	if err != nil {
		return err
	}
	n, err := db.RewrapSecrets(ctx, p.pool, ring)
	if err != nil {
		return err
	}
	fmt.Printf("rewrapped the secrets of %d webhook endpoint(s)\n", n)
	return nil
}
