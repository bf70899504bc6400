package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/conversation"
)

// stdin is where `parley admin create` reads the password (tests set it).
var stdin io.Reader = os.Stdin

const adminUsage = `Usage: parley admin create [flags] USERNAME

Makes an admin who can sign in and set up everything else in the browser,
creating the tenant first when it does not exist (a new tenant for a new
organisation). The password is read from standard input, one line:

  printf '%s\n' "$PASSWORD" | parley admin create -tenant acme ada

Flags:
`

func adminCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		io.WriteString(stderr, adminUsage)
		return usageError{errors.New("bad usage")}
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { io.WriteString(stderr, adminUsage); fs.PrintDefaults() }
	dsn := fs.String("database", env("PARLEY_DATABASE", app.DefaultDatabase), "SQLite file path or postgres:// URL (PARLEY_DATABASE)")
	tenant := fs.String("tenant", "default", "tenant id: lower-case letters, digits, dashes; the login page asks for it when there are several")
	tenantName := fs.String("tenant-name", "", "the tenant's name as people see it (default: its id)")
	display := fs.String("display-name", "", "the admin's name as others see it (default: the username)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{errors.New("give one USERNAME")}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return errors.New("no password on standard input: printf '%s\\n' \"$PASSWORD\" | parley admin create ...")
	}
	st, err := app.OpenStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := conversation.CreateAdmin(ctx, st, conversation.NewAdmin{Tenant: *tenant, TenantName: *tenantName,
		Username: fs.Arg(0), DisplayName: *display, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "admin %s created in tenant %s; sign in at /login\n", u.Username, u.TenantID)
	return nil
}
