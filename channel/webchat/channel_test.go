package webchat_test

import (
	"context"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/webchat"
)

func TestValidateAccount(t *testing.T) {
	for name, tc := range map[string]struct {
		secret, origins string
		ok              bool
	}{
		"fine":         {"s", "https://shop.example.com, http://localhost:3000", true},
		"no origins":   {"s", "", true},
		"no secret":    {"", "https://shop.example.com", false},
		"path":         {"s", "https://shop.example.com/", false},
		"no scheme":    {"s", "shop.example.com", false},
		"other scheme": {"s", "ftp://shop.example.com", false},
		"query":        {"s", "https://shop.example.com?x=1", false},
		"credentials":  {"s", "https://u@shop.example.com", false},
		"wildcard":     {"s", "*", false},
	} {
		t.Run(name, func(t *testing.T) {
			a := &parley.Account{Name: "site", AppSecret: tc.secret, Settings: map[string]string{"allowed_origins": tc.origins}}
			err := webchat.New().ValidateAccount(a)
			if (err == nil) != tc.ok || err != nil && parley.ErrorCode(err) != parley.EINVALID {
				t.Fatalf("validate = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestSeam(t *testing.T) {
	c, a := webchat.New(), account()
	res, err := c.Send(context.Background(), a, &parley.Customer{}, &parley.Outgoing{MessageID: "msg-1"})
	if err != nil || res.ExternalID != "msg-1" {
		t.Errorf("send = %+v, %v", res, err)
	}
	if r := c.Reach(a, &parley.Customer{}, t0); !r.Allows(parley.SenderBot) {
		t.Errorf("reach = %+v, want open", r)
	}
	if _, err := c.Download(context.Background(), a, &parley.InboundAttachment{}, 1); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("download = %v", err)
	}
	if _, err := c.Profile(context.Background(), a, "v"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("profile = %v", err)
	}
	if r, _ := c.TestConnection(context.Background(), a); !r.Valid {
		t.Errorf("test connection = %+v", r)
	}
	if r, _ := c.TestConnection(context.Background(), &parley.Account{}); r.Valid || !r.Credentials {
		t.Errorf("test connection without a secret = %+v", r)
	}
	if w, _ := c.CheckWebhook(context.Background(), a); !w.Registered {
		t.Errorf("check webhook = %+v", w)
	}
	if !c.AllowsOrigin(a, "https://shop.example.com") || c.AllowsOrigin(a, "https://evil.example.com") {
		t.Error("allowed origins not applied")
	}
	title, _, prechat := c.WidgetInfo(a)
	if title != "site" || len(prechat) != 2 {
		t.Errorf("widget info = %q, %v", title, prechat)
	}
	id, tok, err := c.NewVisitor(a)
	if err != nil {
		t.Fatal(err)
	}
	if got, fresh, err := c.RenewVisitor(a, tok); err != nil || got != id || fresh == "" {
		t.Errorf("renew = %q, %q, %v", got, fresh, err)
	}
	if _, _, err := c.RenewVisitor(a, tok+"x"); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("renew a tampered token = %v", err)
	}
}
