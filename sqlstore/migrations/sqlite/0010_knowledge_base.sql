-- The knowledge base (issue 6): articles, their full-text index and the
-- tenants' synonym lists. Keep in step with the other dialect's
-- 0010_knowledge_base.sql.
--
-- The full-text index is an external-content FTS5 table over title and
-- body (porter stemming), kept in step by triggers. FTS5 needs an integer
-- key in the content table: rid, which SQLite never renumbers (unlike an
-- implicit rowid on VACUUM).

CREATE TABLE kb_articles (
    rid        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    tenant_id  TEXT NOT NULL,
    title      TEXT NOT NULL CHECK (title <> ''),
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '[]',
    language   TEXT NOT NULL DEFAULT '',
    service_id TEXT NOT NULL DEFAULT '',
    published  INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX kb_articles_tenant ON kb_articles (tenant_id, updated_at DESC, id);

CREATE VIRTUAL TABLE kb_articles_fts USING fts5(
    title, body,
    content = 'kb_articles', content_rowid = 'rid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER kb_articles_ai AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (rowid, title, body) VALUES (new.rid, new.title, new.body);
END;
CREATE TRIGGER kb_articles_ad AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
END;
CREATE TRIGGER kb_articles_au AFTER UPDATE OF title, body ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
    INSERT INTO kb_articles_fts (rowid, title, body) VALUES (new.rid, new.title, new.body);
END;

-- One row per tenant: a JSON array of synonym groups, each an array of
-- words or phrases that mean the same ([["screen","display"], …]).
CREATE TABLE kb_synonyms (
    tenant_id  TEXT PRIMARY KEY,
    groups     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
