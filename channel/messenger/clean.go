package messenger

import (
	"strings"
	"unicode/utf8"
)

// clean returns s without NUL bytes and invalid UTF-8. PostgreSQL text
// cannot hold NUL, so the parser hands out only clean strings and both
// databases store the same thing.
func clean(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}

// cleanEvent cleans every string of ev (Raw stays the exact JSON received,
// where a NUL is only an escape sequence).
func cleanEvent(ev *Event) {
	cleanAll(&ev.PageID, &ev.SenderID, &ev.PSID, &ev.MID, &ev.Text, &ev.QuickReplyPayload, &ev.ReplyToMID, &ev.Metadata)
	for i := range ev.Attachments {
		a := &ev.Attachments[i]
		cleanAll(&a.Type, &a.URL, &a.Title)
	}
	if p := ev.Postback; p != nil {
		cleanAll(&p.Title, &p.Payload)
	}
	if o := ev.Optin; o != nil {
		cleanAll(&o.Ref, &o.UserRef, &o.Type, &o.Payload, &o.NotificationToken, &o.NotificationStatus)
	}
	cleanReferral(ev.Referral)
	if ev.Postback != nil && ev.Postback.Referral != ev.Referral {
		cleanReferral(ev.Postback.Referral)
	}
	for _, w := range []*Watermark{ev.Delivery, ev.Read} {
		if w != nil {
			for i := range w.MIDs {
				w.MIDs[i] = clean(w.MIDs[i])
			}
		}
	}
	if r := ev.Reaction; r != nil {
		cleanAll(&r.Reaction, &r.Emoji, &r.Action, &r.MID)
	}
}

func cleanReferral(r *Referral) {
	if r != nil {
		cleanAll(&r.Ref, &r.Source, &r.Type, &r.AdID)
	}
}

func cleanAll(ss ...*string) {
	for _, s := range ss {
		*s = clean(*s)
	}
}
