package sqlstore

import (
	"context"
	"maps"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/secrets"
)

// SetKeyring makes the store seal accounts' credentials with keys (page
// tokens, app secrets, verify tokens and secret settings) and outgoing
// webhooks' secrets, and open them on reading. Without one they are stored as given. Set it before use.
func (s *Store) SetKeyring(keys *secrets.Keyring) { s.keys = keys }

// secretFields are an account's credential columns, by field name.
func secretFields(a *parley.Account) map[string]*string {
	return map[string]*string{"access_token": &a.AccessToken, "app_secret": &a.AppSecret, "verify_token": &a.VerifyToken}
}

// sealAccount returns a copy of a with its credentials sealed.
func (s *Store) sealAccount(a *parley.Account) (*parley.Account, error) {
	c := *a
	if s.keys == nil {
		return &c, nil
	}
	for field, v := range secretFields(&c) {
		sealed, err := s.keys.Seal(field, *v)
		if err != nil {
			return nil, err
		}
		*v = sealed
	}
	if len(a.Settings) > 0 {
		c.Settings = maps.Clone(a.Settings)
		for k, v := range c.Settings {
			if !parley.SecretSetting(k) {
				continue
			}
			sealed, err := s.keys.Seal("settings."+k, v)
			if err != nil {
				return nil, err
			}
			c.Settings[k] = sealed
		}
	}
	return &c, nil
}

// openAccount decrypts a's credentials in place.
func (s *Store) openAccount(a *parley.Account) error {
	if s.keys == nil {
		for _, v := range secretFields(a) {
			if secrets.Sealed(*v) {
				return parley.Errorf(parley.EINTERNAL, "account %s: its credentials are encrypted and this server has no key (set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE)", a.Name)
			}
		}
		return nil
	}
	for field, v := range secretFields(a) {
		plain, err := s.keys.Open(field, *v)
		if err != nil {
			return err
		}
		*v = plain
	}
	for k, v := range a.Settings {
		if !parley.SecretSetting(k) {
			continue
		}
		plain, err := s.keys.Open("settings."+k, v)
		if err != nil {
			return err
		}
		a.Settings[k] = plain
	}
	return nil
}

// ResealSecrets seals every account's credentials and webhook's secret with the keyring's
// current key, in one transaction: values sealed with an older key, and
// values stored before encryption. It returns how many accounts and
// webhooks it rewrote. Run it after a new key became current (`parley secrets
// rotate`); servers holding the new key and the old one read both kinds
// meanwhile.
//
// With all false only values stored before encryption are sealed; values
// sealed with another key are left as they are.
func (s *Store) ResealSecrets(ctx context.Context, all bool) (int, error) {
	if s.keys == nil {
		return 0, parley.Errorf(parley.EINVALID, "no encryption key: set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE")
	}
	var n int
	err := s.inTx(ctx, func(r runner) error {
		n = 0
		rows, err := r.query(ctx, "SELECT "+accountCols+" FROM accounts ORDER BY id"+s.d.forUpdate())
		if err != nil {
			return err
		}
		as, err := collect(rows, scanAccount)
		if err != nil {
			return err
		}
		for _, a := range as {
			if s.sealedWithCurrent(a) || !all && !hasPlain(a) {
				continue
			}
			if err := s.openAccount(a); err != nil {
				return err
			}
			sealed, err := s.sealAccount(a)
			if err != nil {
				return err
			}
			if _, err := r.exec(ctx, "UPDATE accounts SET access_token = ?, app_secret = ?, verify_token = ?, settings = ? WHERE id = ?",
				sealed.AccessToken, sealed.AppSecret, sealed.VerifyToken, settingsJSON(sealed.Settings), a.ID); err != nil {
				return err
			}
			n++
		}
		hooks, err := s.resealHookSecrets(ctx, r, all)
		n += hooks
		return err
	})
	return n, wrap("reseal secrets", err)
}

// resealHookSecrets is ResealSecrets for outgoing webhooks' secrets, in
// its transaction r.
func (s *Store) resealHookSecrets(ctx context.Context, r runner, all bool) (int, error) {
	rows, err := r.query(ctx, "SELECT id, secret FROM hook_subscriptions ORDER BY id"+s.d.forUpdate())
	if err != nil {
		return 0, err
	}
	type stored struct{ id, secret string }
	hs, err := collect(rows, func(sc interface{ Scan(...any) error }) (stored, error) {
		var h stored
		return h, sc.Scan(&h.id, &h.secret)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hs {
		if h.secret == "" || s.keys.SealedWithCurrent(h.secret) || !all && secrets.Sealed(h.secret) {
			continue
		}
		plain, err := s.keys.Open(hookSecretField, h.secret)
		if err != nil {
			return n, err
		}
		sealed, err := s.sealHookSecret(plain)
		if err != nil {
			return n, err
		}
		if _, err := r.exec(ctx, "UPDATE hook_subscriptions SET secret = ? WHERE id = ?", sealed, h.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// hasPlain reports whether the stored account a has a credential stored
// before encryption.
func hasPlain(a *parley.Account) bool {
	for _, v := range secretFields(a) {
		if *v != "" && !secrets.Sealed(*v) {
			return true
		}
	}
	for k, v := range a.Settings {
		if parley.SecretSetting(k) && v != "" && !secrets.Sealed(v) {
			return true
		}
	}
	return false
}

// sealedWithCurrent reports whether every credential of the stored
// account a is empty or sealed with the current key.
func (s *Store) sealedWithCurrent(a *parley.Account) bool {
	ok := func(v string) bool { return v == "" || s.keys.SealedWithCurrent(v) }
	for _, v := range secretFields(a) {
		if !ok(*v) {
			return false
		}
	}
	for k, v := range a.Settings {
		if parley.SecretSetting(k) && !ok(v) {
			return false
		}
	}
	return true
}

// HasSealedSecrets reports whether any account's credentials are sealed,
// so that a server without a key can refuse to start instead of failing
// on every use of them.
func (s *Store) HasSealedSecrets(ctx context.Context) (bool, error) {
	var n int
	err := s.r().queryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE access_token LIKE 'enc:v1:%' OR app_secret LIKE 'enc:v1:%'
		OR verify_token LIKE 'enc:v1:%' OR settings LIKE '%"enc:v1:%'`).Scan(&n)
	if err == nil && n == 0 {
		err = s.r().queryRow(ctx, `SELECT COUNT(*) FROM hook_subscriptions WHERE secret LIKE 'enc:v1:%'`).Scan(&n)
	}
	return n > 0, wrap("sealed secrets", err)
}
