-- Supervision, transcripts, quality grading and post-chat surveys
-- (issue 11). Keep in step with the other dialect's 0014_quality.sql.

-- Every monitor, whisper and barge: who, when, which chat.
CREATE TABLE supervision_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX supervision_log_chat ON supervision_log (tenant_id, chat_id, id);

-- The transcripts' full-text index: an FTS5 table holding each message's
-- text with its chat (unindexed), kept in step by triggers. It keeps its
-- own copy of the text because messages has no stable integer key.
-- unicode61 without stemming, like PostgreSQL's 'simple' configuration.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, chat_id UNINDEXED, message_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts (text, chat_id, message_id)
    SELECT text, chat_id, id FROM messages WHERE text <> '' AND kind <> 'action';
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages WHEN new.text <> '' AND new.kind <> 'action' BEGIN
    INSERT INTO messages_fts (text, chat_id, message_id) VALUES (new.text, new.chat_id, new.id);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE message_id = old.id;
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages BEGIN
    DELETE FROM messages_fts WHERE message_id = old.id;
    INSERT INTO messages_fts (text, chat_id, message_id)
        SELECT new.text, new.chat_id, new.id WHERE new.text <> '' AND new.kind <> 'action';
END;

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
    score        REAL NOT NULL,
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
