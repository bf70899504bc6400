-- The outbox claims the oldest pending replies whose chat has no earlier
-- reply still pending or being sent (Store.ClaimOutbound). That check
-- read every earlier message of the chat, row by row, for every pending
-- reply: under a backlog the claim grew with the backlog times the chats'
-- lengths and held the SQLite writer a sixth of the time. This index
-- holds only the unsent replies (only replies are ever pending or
-- sending), so the check is one probe of it. The claim repeats its
-- condition as a literal, which the planners need to use a partial index
-- (partial_literals.go). Keep in step with the other dialect's 0030.
CREATE INDEX messages_unsent ON messages (chat_id, seq)
    WHERE status IN ('pending', 'sending');
