package config

import "github.com/parleycc/parley"

// CheckChannels checks each account against its channel: the type must be
// one Parley speaks, the channel fills what it can (the page id a token
// names), and validates the account's fields. The error names the file and
// line of the account.
func (f *File) CheckChannels(channels *parley.Channels) error {
	for i, a := range f.Accounts {
		ch, err := channels.Get(a.Type)
		if err != nil {
			return f.errorf(f.line("accounts", i, "type"), "accounts[%d].type: unsupported type %q (supported: %s)", i, a.Type, joinTypes(channels.Types()))
		}
		acct := f.account(a)
		acct.Normalize(ch)
		f.Accounts[i].PageID = acct.PageID
		if err := ch.ValidateAccount(acct); err != nil {
			return f.errorf(f.line("accounts", i, ""), "accounts[%d] (%s): %s", i, a.Name, parley.ErrorMessage(err))
		}
	}
	return nil
}

// account is the account a declaration makes (without state).
func (f *File) account(a Account) *parley.Account {
	return &parley.Account{TenantID: f.TenantID(), Name: a.Name, Type: a.Type, PageID: a.PageID, PageUsername: a.PageUsername,
		AccessToken: a.AccessToken, AppSecret: a.AppSecret, VerifyToken: a.VerifyToken, APIBaseURL: a.APIBaseURL,
		HumanAgent: a.HumanAgent, Settings: a.Settings}
}

func joinTypes(ts []string) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += ", "
		}
		out += t
	}
	return out
}
