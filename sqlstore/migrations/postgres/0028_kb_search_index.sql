-- The knowledge base's full-text index takes each article at once
-- (fastupdate off). With the default, new and edited articles wait in
-- the GIN index's pending list until autovacuum merges it, and every
-- search reads that list whole: after an import of 10,000 articles a
-- search spent 3 ms there for a match that takes 0.1 ms. Articles are
-- written rarely and searched on every customer question. Keep in step
-- with the other dialect's 0028_kb_search_index.sql.

ALTER INDEX kb_articles_search SET (fastupdate = off);
SELECT gin_clean_pending_list('kb_articles_search'::regclass);
