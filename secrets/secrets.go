// Package secrets encrypts credentials at rest: page tokens, app secrets,
// verify tokens and every channel setting marked secret
// (parley.SecretSetting) are stored sealed with AES-256-GCM. A Keyring
// seals with its current key and opens with it or any older key it was
// given, so keys can be rotated without downtime (see `parley secrets
// rotate`). A stored value reads "enc:v1:<key id>:<base64 nonce and
// ciphertext>"; a value without that prefix was stored before encryption
// and is read as it is (rotate seals it).
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

const prefix = "enc:v1:"

// Keyring seals with one key and opens with any of its keys.
type Keyring struct {
	current string // id of the sealing key
	aeads   map[string]cipher.AEAD
}

// NewKeyring makes a keyring sealing with current and opening with
// current and every old key.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range append([][]byte{current}, old...) {
		if len(key) != KeySize {
			return nil, fmt.Errorf("secrets: a key is %d bytes, not %d", KeySize, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its
// SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// CurrentID is the id of the sealing key.
func (k *Keyring) CurrentID() string { return k.current }

// Sealed reports whether a stored value is sealed (by any key).
func Sealed(stored string) bool { return strings.HasPrefix(stored, prefix) }

// SealedWithCurrent reports whether stored is sealed with the current key.
func (k *Keyring) SealedWithCurrent(stored string) bool {
	return strings.HasPrefix(stored, prefix+k.current+":")
}

// Seal encrypts plain for the field named by field (bound to it, so a
// sealed value cannot be moved to another field). An empty value stays
// empty: "not set" is not a secret.
func (k *Keyring) Seal(field, plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secrets: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plain), []byte(field))
	return prefix + k.current + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrUnknownKey is returned for a value sealed with a key the keyring
// does not hold.
var ErrUnknownKey = errors.New("secrets: sealed with a key this server does not have (set PARLEY_SECRET_KEY, or the old key in PARLEY_SECRET_KEY_OLD)")

// Open decrypts a stored value of field. A value stored before encryption
// (no prefix) is returned as it is.
func (k *Keyring) Open(field, stored string) (string, error) {
	if !Sealed(stored) {
		return stored, nil
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	if !ok {
		return "", errors.New("secrets: malformed sealed value")
	}
	aead, found := k.aeads[id]
	if !found {
		return "", fmt.Errorf("%w (key %s)", ErrUnknownKey, id)
	}
	raw, err := base64.RawStdEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", errors.New("secrets: malformed sealed value")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(field))
	if err != nil {
		return "", fmt.Errorf("secrets: a sealed %s does not open with key %s: %w", field, id, err)
	}
	return string(plain), nil
}

// ParseKey reads a key written as 64 hex digits or as base64 (standard or
// URL alphabet, padded or not), surrounding space ignored.
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if b, err := hex.DecodeString(text); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(text); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("secrets: a key is %d random bytes written as 64 hex digits or base64 (make one with `parley secrets keygen`)", KeySize)
}

// NewKey returns a random key.
func NewKey() []byte {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand never fails on supported platforms
	return key
}

// EncodeKey writes a key as ParseKey reads it.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// ReadKeyFile reads a key file.
func ReadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets: key file: %w", err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// EnsureKeyFile reads the key file at path, creating it with a new key
// (readable by its owner only) if it does not exist. created tells which.
func EnsureKeyFile(path string) (key []byte, created bool, err error) {
	key, err = ReadKeyFile(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("secrets: key file: %w", err)
	}
	key = NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process made it meanwhile
		key, err = ReadKeyFile(path)
		return key, false, err
	} else if err != nil {
		return nil, false, fmt.Errorf("secrets: key file: %w", err)
	}
	if _, err := f.WriteString(EncodeKey(key) + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("secrets: key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("secrets: key file: %w", err)
	}
	return key, true, nil
}
