package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens a pool whose connections report a statement the
// server refused because it had already ended the connection as
// driver.ErrBadConn. PostgreSQL ends every connection when it restarts,
// fails over or an admin terminates backends (SQLSTATE 57P01–57P03); a
// pooled connection learns of it only when it next sends a statement, and
// pgx pings a connection before reuse only after a second idle. With
// ErrBadConn, database/sql runs the statement again on another connection
// instead of failing the request, which is safe: the backend was gone, and
// one cut off mid-statement rolled it back. Inside a transaction nothing
// is rerun; the transaction fails as unavailable and its caller retries.
// It also returns the bound on open connections (poolMaxConns).
func openPostgres(dsn string) (*sql.DB, int, error) {
	dsn, maxOpen, err := poolMaxConns(dsn)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres connection string: %w", err)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres connection string: %w", err)
	}
	noJIT(cfg)
	return sql.OpenDB(deadConnConnector{stdlib.GetConnector(*cfg)}), maxOpen, nil
}

// noJIT turns PostgreSQL's JIT compilation off for Parley's connections
// unless the connection string sets jit itself. Parley's statements are
// short; a plan whose estimated cost crosses jit_above_cost (a knowledge
// search ranking a few thousand articles) spent 15–18 ms compiling to
// run in 5.
func noJIT(cfg *pgx.ConnConfig) {
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
}

// connEnded reports whether err says the server had ended the connection.
func connEnded(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "57P01", "57P02", "57P03": // admin shutdown, crash shutdown, cannot connect now
		return true
	}
	return false
}

func badConn(err error) error {
	if connEnded(err) {
		return driver.ErrBadConn
	}
	return err
}

type deadConnConnector struct{ driver.Connector }

func (c deadConnConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		return conn, nil
	}
	return &deadConnConn{Conn: sc}, nil
}

// deadConnConn is pgx's connection with badConn on what starts work.
type deadConnConn struct{ *stdlib.Conn }

func (c *deadConnConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.Conn.ExecContext(ctx, query, args)
	return res, badConn(err)
}

func (c *deadConnConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.Conn.QueryContext(ctx, query, args)
	return rows, badConn(err)
}

func (c *deadConnConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	return tx, badConn(err)
}

func (c *deadConnConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, badConn(err)
	}
	if ps, ok := st.(*stdlib.Stmt); ok {
		return &deadConnStmt{Stmt: ps}, nil
	}
	return st, nil
}

// deadConnStmt is a prepared statement with badConn on its runs.
type deadConnStmt struct{ *stdlib.Stmt }

func (s *deadConnStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.Stmt.ExecContext(ctx, args)
	return res, badConn(err)
}

func (s *deadConnStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.QueryContext(ctx, args)
	return rows, badConn(err)
}
