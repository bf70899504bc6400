-- The knowledge base (issue 6): articles, their full-text index and the
-- tenants' synonym lists. Keep in step with the other dialect's
-- 0010_knowledge_base.sql.
--
-- search is a generated tsvector: the title weighted A, the body B, each
-- parsed with the text search configuration of the article's language
-- (kb_regconfig; 'simple', without stemming, for any other). A search
-- (sqlstore/kb_search.go) parses its query with the same function, once
-- per configuration the tenant's articles use (kb_articles_language).

CREATE FUNCTION kb_regconfig(lang TEXT) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE lower(split_part(lang, '-', 1))
        WHEN 'en' THEN 'english'::regconfig
        WHEN 'fr' THEN 'french'::regconfig
        WHEN 'de' THEN 'german'::regconfig
        WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'it' THEN 'italian'::regconfig
        WHEN 'pt' THEN 'portuguese'::regconfig
        WHEN 'nl' THEN 'dutch'::regconfig
        WHEN 'sv' THEN 'swedish'::regconfig
        WHEN 'da' THEN 'danish'::regconfig
        WHEN 'no' THEN 'norwegian'::regconfig
        WHEN 'fi' THEN 'finnish'::regconfig
        WHEN 'ru' THEN 'russian'::regconfig
        ELSE 'simple'::regconfig
    END
$$;

CREATE TABLE kb_articles (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    title      TEXT NOT NULL CHECK (title <> ''),
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '[]',
    language   TEXT NOT NULL DEFAULT '',
    service_id TEXT NOT NULL DEFAULT '',
    published  INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    search     tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(kb_regconfig(language), title), 'A') ||
        setweight(to_tsvector(kb_regconfig(language), body), 'B')
    ) STORED
);
CREATE INDEX kb_articles_tenant ON kb_articles (tenant_id, updated_at DESC, id);
CREATE INDEX kb_articles_search ON kb_articles USING GIN (search);
CREATE INDEX kb_articles_language ON kb_articles (tenant_id, language);

-- One row per tenant: a JSON array of synonym groups, each an array of
-- words or phrases that mean the same ([["screen","display"], …]).
CREATE TABLE kb_synonyms (
    tenant_id  TEXT PRIMARY KEY,
    groups     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
