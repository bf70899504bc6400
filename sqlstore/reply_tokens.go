package sqlstore

import (
	"context"
	"time"
)

// SetReplyToken keeps the customer's newest reply token, usable until
// before; an older event's token never replaces a newer one.
func (s *Store) SetReplyToken(ctx context.Context, customerID, token string, before time.Time) error {
	if token == "" {
		return nil
	}
	at := normTime(before).UnixMicro()
	_, err := s.r().exec(ctx, `UPDATE customers SET reply_token = ?, reply_before = ?
		WHERE id = ? AND reply_before <= ?`, token, at, customerID, at)
	return wrap("set reply token", err)
}

// TakeReplyToken returns the customer's reply token if it is still valid
// at now and clears it, so it is used once; "" when there is none.
func (s *Store) TakeReplyToken(ctx context.Context, customerID string, now time.Time) (string, error) {
	var token string
	err := s.inTx(ctx, func(r runner) error {
		var before int64
		err := r.queryRow(ctx, "SELECT reply_token, reply_before FROM customers WHERE id = ?"+s.d.forUpdate(), customerID).Scan(&token, &before)
		if err != nil {
			return notFound(err, "customer", customerID)
		}
		if token == "" {
			return nil
		}
		if _, err := r.exec(ctx, "UPDATE customers SET reply_token = '' WHERE id = ?", customerID); err != nil {
			return err
		}
		if before <= normTime(now).UnixMicro() {
			token = "" // expired: cleared, not used
		}
		return nil
	})
	return token, wrap("take reply token", err)
}
