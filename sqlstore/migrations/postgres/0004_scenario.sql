-- Scenario engine (issue 5): schedules, an entry's schedule, a service's
-- queue limit, and an index for due scenario timers. Keep in step with
-- ../sqlite/0004_scenario.sql.

CREATE TABLE schedules (
    tenant_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

ALTER TABLE scenario_entries ADD COLUMN schedule_name TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN max_queue_length INTEGER NOT NULL DEFAULT 0;

-- The timer worker's query: open chats waiting with a timer, earliest first.
CREATE INDEX chats_scenario_timer ON chats (scenario_wake_at)
    WHERE scenario_waiting <> '' AND scenario_wake_at IS NOT NULL AND state <> 'closed';
