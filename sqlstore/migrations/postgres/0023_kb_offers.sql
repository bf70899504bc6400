-- Knowledge base articles offered to customers by the Offer Articles
-- block, and whether the customer opened the article's page or said it
-- answered them: the self-service report (deflection, article
-- usefulness) reads these with the chats and tickets. Times are
-- microseconds since the epoch, 0 for never. Keep in step with the other
-- dialect's 0023.

CREATE TABLE kb_offers (
    tenant_id  TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    article_id TEXT NOT NULL,
    offered_at BIGINT NOT NULL,
    opened_at  BIGINT NOT NULL DEFAULT 0,
    helped_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, article_id)
);
CREATE INDEX kb_offers_time ON kb_offers (tenant_id, offered_at);
