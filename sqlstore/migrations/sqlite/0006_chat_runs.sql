-- Cross-node exclusion of work on one chat (a scenario step, a routing
-- commit, an agent's action): the node that holds a chat's row until
-- its lease runs out works on it alone. Used on PostgreSQL only; SQLite
-- runs one node. Keep in step with the other dialect's 0006_chat_runs.sql.

CREATE TABLE chat_runs (
    chat_id TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    until   INTEGER NOT NULL
);

-- Chats left between two scenario steps (their node died mid-run), found
-- by any node's periodic sweep.
CREATE INDEX chats_runnable ON chats (updated_at)
    WHERE scenario_block <> '' AND scenario_waiting = '' AND state <> 'closed';
