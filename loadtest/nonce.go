package loadtest

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// nonceRE finds a customer message's nonce in any text that carries it
// (the message itself, a chat preview, an agent's reply).
var nonceRE = regexp.MustCompile(`\bbench ([0-9]+)\.(\d+)\.(\d+)\b`)

// newRunID names one run; nonces and customers' ids carry it, so runs
// against the same server never mistake each other's messages.
// It is digits because customers' ids (PSIDs) are numbers.
func newRunID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(900000))
	if err != nil {
		return "100000" // crypto/rand does not fail on Linux; any id works
	}
	return fmt.Sprint(100000 + n.Int64())
}

// psid is customer c's page-scoped id in run.
func psid(run string, c int) string { return fmt.Sprintf("9%s%06d", run, c) }

// messageText is the text of customer c's n-th message (1-based).
func messageText(run string, c, n int) string {
	return fmt.Sprintf("bench %s.%d.%d hello, I need help with order %d", run, c, n, 1000+n)
}

// nonceOf returns the nonce a text carries and the customer and message
// number in it; ok is false when the text carries none of run's nonces.
func nonceOf(run, text string) (nonce string, ok bool) {
	m := nonceRE.FindStringSubmatch(text)
	if m == nil || m[1] != run {
		return "", false
	}
	return m[0], true
}

// replyText is an agent's answer to the message carrying nonce.
func replyText(nonce string) string { return "re " + nonce + " thanks, looking into it" }

// replyNonce returns the nonce of the message a reply answers.
func replyNonce(run, text string) (string, bool) {
	if !strings.HasPrefix(text, "re ") {
		return "", false
	}
	return nonceOf(run, text)
}

// customerOf returns the customer number a nonce names.
func customerOf(nonce string) (int, bool) {
	m := nonceRE.FindStringSubmatch(nonce)
	if m == nil {
		return 0, false
	}
	c, err := strconv.Atoi(m[2])
	return c, err == nil
}
