package config

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
)

// validateChatAccounts checks services' outbound chat accounts: each is a
// declared account and a service has at most one Facebook page.
func (f *File) validateChatAccounts(accounts map[string]bool) error {
	types := map[string]string{}
	for _, a := range f.Accounts {
		types[a.Name] = a.Type
	}
	for i, s := range f.Services {
		var fb string
		for _, name := range s.ChatAccounts {
			switch {
			case !accounts[name]:
				return f.errorf(f.line("services", i, "chat_accounts"), "services[%d].chat_accounts: unknown account %q", i, name)
			case types[name] == parley.ChannelFacebook && fb != "":
				return f.errorf(f.line("services", i, "chat_accounts"),
					"services[%d].chat_accounts: a service has at most one Facebook page as its chat account; %q and %q are both Facebook pages", i, fb, name)
			case types[name] == parley.ChannelFacebook:
				fb = name
			}
		}
	}
	return nil
}

// applyChatAccounts stores each service's Facebook chat account.
func (f *File) applyChatAccounts(ctx context.Context, st parley.Store, serviceIDs, accountIDs map[string]string) error {
	for _, s := range f.Services {
		for _, name := range s.ChatAccounts {
			if err := st.SetServiceChatAccount(ctx, serviceIDs[s.Name], accountIDs[name]); err != nil {
				return fmt.Errorf("config: apply service %q chat account: %w", s.Name, err)
			}
		}
	}
	return nil
}
