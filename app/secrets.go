package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/parleycc/parley/secrets"
	"github.com/parleycc/parley/sqlstore"
)

// SecretKeys says where the key that encrypts credentials at rest comes
// from (package secrets). Key wins over KeyFile. With neither, a SQLite
// server keeps a key file beside its database (made on first start, so
// the demo needs no setup); a PostgreSQL server shared by several nodes
// needs the same key on every node and stores credentials unencrypted,
// with a warning, until it is given one.
type SecretKeys struct {
	Key     string // PARLEY_SECRET_KEY: 32 bytes, hex or base64
	KeyFile string // PARLEY_SECRET_KEY_FILE: a file holding such a key
	// Old keys still open values sealed before a rotation
	// (PARLEY_SECRET_KEY_OLD, comma-separated).
	Old string
}

// KeyFileName is the key file a SQLite server keeps beside its database.
const KeyFileName = "secret.key"

// Keyring loads the keys for database; nil (and no error) when there is
// no key to use. created reports a key file made just now.
func (k SecretKeys) Keyring(database string) (ring *secrets.Keyring, source string, created bool, err error) {
	var current []byte
	switch {
	case k.Key != "":
		current, err = secrets.ParseKey(k.Key)
		source = "PARLEY_SECRET_KEY"
	case k.KeyFile != "":
		current, err = secrets.ReadKeyFile(k.KeyFile)
		source = k.KeyFile
	case !isPostgres(database):
		source = filepath.Join(filepath.Dir(strings.TrimPrefix(database, "file:")), KeyFileName)
		current, created, err = secrets.EnsureKeyFile(source)
	default:
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("secret key: %w", err)
	}
	var old [][]byte
	for _, text := range strings.Split(k.Old, ",") {
		if strings.TrimSpace(text) == "" {
			continue
		}
		key, err := secrets.ParseKey(text)
		if err != nil {
			return nil, "", false, fmt.Errorf("old secret key: %w", err)
		}
		old = append(old, key)
	}
	ring, err = secrets.NewKeyring(current, old...)
	return ring, source, created, err
}

// useKeys gives the store its keyring and seals credentials stored before
// encryption (values sealed with another key are left to `parley secrets
// rotate`, so nodes in the middle of a rotation do not undo each other).
func useKeys(ctx context.Context, st *sqlstore.Store, k SecretKeys, database string, log *slog.Logger) error {
	ring, source, created, err := k.Keyring(database)
	if err != nil {
		return err
	}
	if ring == nil {
		if sealed, err := st.HasSealedSecrets(ctx); err != nil {
			return err
		} else if sealed {
			return errors.New("the stored credentials are encrypted and no key was given: set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE")
		}
		log.Warn("credentials are stored unencrypted: set PARLEY_SECRET_KEY (the same on every node) to encrypt them")
		return nil
	}
	if created {
		log.Info("made a key to encrypt credentials at rest; back it up with the database", slog.String("file", source))
	}
	st.SetKeyring(ring)
	n, err := st.ResealSecrets(ctx, false)
	if err != nil {
		if errors.Is(err, secrets.ErrUnknownKey) {
			return fmt.Errorf("credentials: %w", err)
		}
		return err
	}
	if n > 0 {
		log.Info("encrypted credentials stored before encryption", slog.Int("accounts", n))
	}
	return nil
}

// RotateSecrets re-encrypts every account's credentials with the current
// key of k (`parley secrets rotate`); the previous key must be in k.Old.
func RotateSecrets(ctx context.Context, database string, k SecretKeys) (keyID string, n int, err error) {
	ring, _, _, err := k.Keyring(database)
	if err != nil {
		return "", 0, err
	}
	if ring == nil {
		return "", 0, errors.New("no key: set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE")
	}
	st, err := OpenStore(ctx, database)
	if err != nil {
		return "", 0, err
	}
	defer st.Close()
	st.SetKeyring(ring)
	n, err = st.ResealSecrets(ctx, true)
	return ring.CurrentID(), n, err
}
