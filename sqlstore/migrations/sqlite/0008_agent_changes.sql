-- Agent change log: which users' routing rows (user, services, skills,
-- state, presence, load and offers) changed, so the routing leader re-reads
-- only those (conversation.syncAgents). Triggers write it, so no write
-- path can forget. SQLite has one writer at a time, so stamps grow in
-- commit order. The leader prunes it after each full read. Keep in step
-- with ../postgres/0008_agent_changes.sql.

CREATE TABLE agent_changes (
    stamp     INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL
);
CREATE INDEX agent_changes_tenant ON agent_changes (tenant_id, stamp);

CREATE TRIGGER agent_changes_user_insert AFTER INSERT ON users BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.id);
END;
CREATE TRIGGER agent_changes_user_update AFTER UPDATE ON users BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.id);
END;
CREATE TRIGGER agent_changes_user_delete AFTER DELETE ON users BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.id);
END;

CREATE TRIGGER agent_changes_services_insert AFTER INSERT ON user_services BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) SELECT tenant_id, id FROM users WHERE id = NEW.user_id;
END;
CREATE TRIGGER agent_changes_services_delete AFTER DELETE ON user_services BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) SELECT tenant_id, id FROM users WHERE id = OLD.user_id;
END;

CREATE TRIGGER agent_changes_routing_insert AFTER INSERT ON agent_routing BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) SELECT tenant_id, id FROM users WHERE id = NEW.user_id;
END;
CREATE TRIGGER agent_changes_routing_update AFTER UPDATE ON agent_routing BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) SELECT tenant_id, id FROM users WHERE id = NEW.user_id;
END;

-- Load: the chats an agent owns or joined that are assigned.
CREATE TRIGGER agent_changes_chat_insert AFTER INSERT ON chats WHEN NEW.agent_id <> '' BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
END;
CREATE TRIGGER agent_changes_chat_update AFTER UPDATE OF agent_id, state ON chats
    WHEN OLD.agent_id IS NOT NEW.agent_id OR OLD.state IS NOT NEW.state BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) SELECT NEW.tenant_id, OLD.agent_id WHERE OLD.agent_id <> '';
    INSERT INTO agent_changes (tenant_id, user_id)
        SELECT NEW.tenant_id, NEW.agent_id WHERE NEW.agent_id <> '' AND NEW.agent_id <> OLD.agent_id;
    INSERT INTO agent_changes (tenant_id, user_id)
        SELECT NEW.tenant_id, agent_id FROM chat_participants WHERE chat_id = NEW.id;
END;
CREATE TRIGGER agent_changes_participant_insert AFTER INSERT ON chat_participants BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
END;
CREATE TRIGGER agent_changes_participant_delete AFTER DELETE ON chat_participants BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.agent_id);
END;

-- Offers.
CREATE TRIGGER agent_changes_offer_insert AFTER INSERT ON chat_offers BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
END;
CREATE TRIGGER agent_changes_offer_update AFTER UPDATE OF agent_id ON chat_offers BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.agent_id);
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
END;
CREATE TRIGGER agent_changes_offer_delete AFTER DELETE ON chat_offers BEGIN
    INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.agent_id);
END;
