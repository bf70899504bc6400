-- Supervision, transcripts, quality grading and post-chat surveys
-- (issue 11). Keep in step with the other dialect's 0014_quality.sql.

-- Every monitor, whisper and barge: who, when, which chat.
CREATE TABLE supervision_log (
    id        BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX supervision_log_chat ON supervision_log (tenant_id, chat_id, id);

-- The transcripts' full-text index: a generated tsvector of each
-- message's text in the 'simple' configuration (no stemming, like the
-- SQLite side's unicode61), GIN-indexed.
ALTER TABLE messages ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN kind = 'action' THEN NULL ELSE to_tsvector('simple', text) END) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);

-- Evaluation forms: sections and weighted questions as JSON.
CREATE TABLE evaluation_forms (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    service_id TEXT NOT NULL DEFAULT '',
    sections   TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- A supervisor's grade of a chat: readable by the reports (also a
-- "graded" fact in chat_facts).
CREATE TABLE chat_grades (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    form_id      TEXT NOT NULL,
    form_name    TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    grader_id    TEXT NOT NULL,
    agent_id     TEXT NOT NULL DEFAULT '',
    service_id   TEXT NOT NULL DEFAULT '',
    score        DOUBLE PRECISION NOT NULL,
    answers      TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX chat_grades_chat ON chat_grades (tenant_id, chat_id, created_at);
CREATE INDEX chat_grades_at ON chat_grades (tenant_id, created_at);

-- A service's post-chat survey settings (JSON of parley.SurveySettings).
CREATE TABLE service_surveys (
    service_id TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    settings   TEXT NOT NULL
);

-- A chat's survey: its step and answers.
CREATE TABLE chat_surveys (
    chat_id     TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    service_id  TEXT NOT NULL DEFAULT '',
    agent_id    TEXT NOT NULL DEFAULT '',
    step        TEXT NOT NULL,
    score       INTEGER NOT NULL DEFAULT 0,
    comment     TEXT NOT NULL DEFAULT '',
    asked_at    BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    answered_at BIGINT
);
CREATE INDEX chat_surveys_due ON chat_surveys (step, expires_at);
