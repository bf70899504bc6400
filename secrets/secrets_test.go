package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k1, k2 := NewKey(), NewKey()
	ring, err := NewKeyring(k1)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := ring.Seal("access_token", "EAAG-page-token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "EAAG") || !Sealed(sealed) || !ring.SealedWithCurrent(sealed) {
		t.Fatalf("sealed = %q", sealed)
	}
	if again, _ := ring.Seal("access_token", "EAAG-page-token"); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	if got, err := ring.Open("access_token", sealed); err != nil || got != "EAAG-page-token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := ring.Open("app_secret", sealed); err == nil {
		t.Fatal("a token's sealed value opened as an app secret")
	}
	if got, _ := ring.Open("access_token", "legacy-plain"); got != "legacy-plain" {
		t.Fatalf("a value stored before encryption reads %q", got)
	}
	if s, _ := ring.Seal("x", ""); s != "" {
		t.Fatalf("an empty value sealed to %q", s)
	}

	// Rotation: the new key seals, the old one still opens.
	rotated, err := NewKeyring(k2, k1)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open("access_token", sealed); err != nil || got != "EAAG-page-token" {
		t.Fatalf("old value with the rotated ring = %q, %v", got, err)
	}
	if rotated.SealedWithCurrent(sealed) {
		t.Fatal("a value sealed with the old key counts as current")
	}
	onlyNew, _ := NewKeyring(k2)
	if _, err := onlyNew.Open("access_token", sealed); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("without the old key: %v, want ErrUnknownKey", err)
	}
}

func TestKeys(t *testing.T) {
	key := NewKey()
	for _, text := range []string{EncodeKey(key), " " + EncodeKey(key) + "\n"} {
		if got, err := ParseKey(text); err != nil || string(got) != string(key) {
			t.Fatalf("ParseKey(%q) = %v", text, err)
		}
	}
	if _, err := ParseKey("too-short"); err == nil {
		t.Fatal("a short key was accepted")
	}
	path := filepath.Join(t.TempDir(), "data", keyFileName)
	k1, created, err := EnsureKeyFile(path)
	if err != nil || !created {
		t.Fatalf("EnsureKeyFile: %v %v", created, err)
	}
	k2, created, err := EnsureKeyFile(path)
	if err != nil || created || string(k1) != string(k2) {
		t.Fatalf("second EnsureKeyFile: %v %v", created, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
}

const keyFileName = "secret.key"
