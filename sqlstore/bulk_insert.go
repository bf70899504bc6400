package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// bulkInsert is an INSERT of many rows in one statement: a VALUES list on
// SQLite; on PostgreSQL one typed array per column, unnested in row order,
// so that any number of rows is the same prepared statement (a VALUES list
// of hundreds of parameters is planned anew on every run).
type bulkInsert struct {
	table string
	cols  []string
	types []string // each column's PostgreSQL type: text, bigint or int
	tail  string   // what follows the rows: ON CONFLICT …, RETURNING …
}

// bulkParams bounds a statement's parameters, within SQLite's limit
// (32,766); PostgreSQL's arrays take one per column anyway.
const bulkParams = 30000

// exec inserts rows, a statement per bulkParams.
func (b bulkInsert) exec(ctx context.Context, r runner, rows [][]any) error {
	for part := range slices.Chunk(rows, bulkParams/len(b.cols)) {
		args, err := b.args(r.d, part)
		if err != nil {
			return err
		}
		if _, err := r.exec(ctx, b.query(r.d, len(part)), args...); err != nil {
			return err
		}
	}
	return nil
}

// ids inserts rows with b, which returns one id per row, and gives the ids
// in row order: ids grow in the order rows are inserted, while RETURNING's
// own order is not promised.
func (b bulkInsert) ids(ctx context.Context, r runner, rows [][]any) ([]int64, error) {
	var out []int64
	for part := range slices.Chunk(rows, bulkParams/len(b.cols)) {
		args, err := b.args(r.d, part)
		if err != nil {
			return nil, err
		}
		res, err := r.query(ctx, b.query(r.d, len(part)), args...)
		if err != nil {
			return nil, err
		}
		ids, err := collect(res, scanOne[int64])
		if err != nil {
			return nil, err
		}
		if len(ids) != len(part) {
			return nil, fmt.Errorf("insert into %s: %d ids for %d rows", b.table, len(ids), len(part))
		}
		slices.Sort(ids)
		out = append(out, ids...)
	}
	return out, nil
}

// query is the statement for n rows.
func (b bulkInsert) query(d *dialect, n int) string {
	head := "INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") "
	if !d.pg() {
		return head + "VALUES " + valueRows(n, len(b.cols)) + " " + b.tail
	}
	arrays := make([]string, len(b.cols))
	names := make([]string, len(b.cols))
	for i, t := range b.types {
		arrays[i] = "?::" + t + "[]"
		names[i] = fmt.Sprintf("c%d", i)
	}
	list := strings.Join(names, ", ")
	return head + "SELECT " + list + " FROM unnest(" + strings.Join(arrays, ", ") + ") WITH ORDINALITY AS u(" + list + ", n) ORDER BY n " + b.tail
}

// args are the statement's parameters for rows, each a value per column:
// a string, an int or int64, or nil for NULL.
func (b bulkInsert) args(d *dialect, rows [][]any) ([]any, error) {
	if !d.pg() {
		out := make([]any, 0, len(rows)*len(b.cols))
		for _, row := range rows {
			out = append(out, row...)
		}
		return out, nil
	}
	out := make([]any, len(b.cols))
	for j, t := range b.types {
		if t == "text" {
			col := make([]*string, len(rows))
			for i, row := range rows {
				switch v := row[j].(type) {
				case string:
					col[i] = &v
				case nil:
				default:
					return nil, fmt.Errorf("insert into %s: %s is %T, not text", b.table, b.cols[j], v)
				}
			}
			out[j] = col
			continue
		}
		col := make([]*int64, len(rows))
		for i, row := range rows {
			switch v := row[j].(type) {
			case int64:
				col[i] = &v
			case int:
				n := int64(v)
				col[i] = &n
			case nil:
			default:
				return nil, fmt.Errorf("insert into %s: %s is %T, not a number", b.table, b.cols[j], v)
			}
		}
		out[j] = col
	}
	return out, nil
}

// inList is "(?, ?, …)" with one placeholder per value.
func inList[T any](values []T) string {
	return "(" + placeholders(len(values)) + ")"
}

// valueRows is n rows of VALUES with cols placeholders each.
func valueRows(n, cols int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
