package simulator

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley/channel/vonage/fakevonage"
)

// VonageNumber is the business's SMS number on Vonage and the account's
// credentials: API key and secret, and the signature secret that signs
// the callbacks.
type VonageNumber struct {
	Number          string
	APIKey          string
	APISecret       string
	SignatureSecret string
}

// vonageSim plays a phone texting the business number.
type vonageSim struct {
	s    *Simulator
	num  VonageNumber
	fake *fakevonage.Server
}

// AddVonage serves a fake Vonage API for num under VonagePath and plays
// phones texting it.
func (s *Simulator) AddVonage(num VonageNumber) *fakevonage.Server {
	fake := fakevonage.New()
	fake.AddAccount(num.APIKey, num.APISecret)
	s.channels[Vonage] = &vonageSim{s: s, num: num, fake: fake}
	s.mount(VonagePath, fake)
	return fake
}

// validUser: a phone number in E.164 digits.
func (v *vonageSim) validUser(id string) bool { return digits(id, 8, 15) && id[0] != '0' }

// deliver posts a signed inbound SMS. SMS has only text: a tap is the
// text of the choice (Parley numbers them).
func (v *vonageSim) deliver(ctx context.Context, req *sendRequest) (string, error) {
	text := req.Text
	if text == "" && req.Postback != nil {
		text = req.Postback.Title
	}
	if text == "" || req.Photo || req.Location != nil {
		return "", errUnsupported
	}
	body := fakevonage.Text("sms", req.User, v.num.Number, text, time.Now())
	h, err := fakevonage.SignedHeader(body, v.num.SignatureSecret, v.num.APIKey, time.Now())
	if err != nil {
		return "", err
	}
	url, err := v.s.accountURL(ctx, Vonage)
	if err != nil {
		return "", err
	}
	var in struct {
		MessageUUID string `json:"message_uuid"`
	}
	_ = json.Unmarshal(body, &in)
	return in.MessageUUID, v.s.postTo(ctx, url, body, h)
}

// replies reads the messages sent to the phone: SMS shows plain text
// (links of media included).
func (v *vonageSim) replies(user string) []Reply {
	var out []Reply
	for i, r := range v.fake.Requests() {
		if r.Path != "/v1/messages" {
			continue
		}
		var m map[string]any
		if json.Unmarshal(r.Body, &m) != nil || asString(m["to"]) != user {
			continue
		}
		rep := Reply{ID: "sms_" + strconv.Itoa(i), Text: asString(m["text"])}
		if t := asString(m["message_type"]); t != "text" {
			rep.Text = strings.TrimSpace("📎 " + asString(asObject(m[t])["url"]))
		}
		rep.Time = v.s.stamp(rep.ID)
		out = append(out, rep)
	}
	return out
}
