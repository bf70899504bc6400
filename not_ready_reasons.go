package parley

import "strings"

// MaxNotReadyReason bounds a Not Ready reason, in characters: it is shown
// on a button.
const MaxNotReadyReason = 40

// MaxNotReadyReasons bounds how many reasons a tenant offers.
const MaxNotReadyReasons = 20

// CheckNotReadyReasons checks a tenant's Not Ready reasons: named, unique,
// short, and none of the reasons Parley gives itself. On a problem it
// returns the index of the reason at fault (-1 for the list as a whole)
// and an EINVALID error without a position.
func CheckNotReadyReasons(reasons []string) (int, error) {
	if len(reasons) > MaxNotReadyReasons {
		return -1, Errorf(EINVALID, "at most %d reasons, not %d", MaxNotReadyReasons, len(reasons))
	}
	seen := map[string]bool{}
	for i, r := range reasons {
		switch {
		case strings.TrimSpace(r) == "":
			return i, Errorf(EINVALID, "empty")
		case len([]rune(r)) > MaxNotReadyReason:
			return i, Errorf(EINVALID, "%q is longer than %d characters", r, MaxNotReadyReason)
		case seen[strings.ToLower(r)]:
			return i, Errorf(EINVALID, "duplicate %q", r)
		case r == ReasonNoAnswer || r == ReasonDisconnected:
			return i, Errorf(EINVALID, "%q is given by Parley itself (an offer not answered, a desktop gone) and cannot be picked", r)
		}
		seen[strings.ToLower(r)] = true
	}
	return -1, nil
}
