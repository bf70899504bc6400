-- Agent change log: which users' routing rows (user, services, skills,
-- state, presence, load and offers) changed, so the routing leader re-reads
-- only those (conversation.syncAgents). Triggers write it, so no write
-- path can forget. Rows are only inserted, never updated, so the log takes
-- no row lock that writers could deadlock on. The stamp is the writing
-- transaction's id: a reader that remembers the oldest transaction still
-- running when it started (pg_snapshot_xmin) finds every change committed
-- after that by stamp >= that mark. The leader prunes it after each full
-- read. Keep in step with ../sqlite/0008_agent_changes.sql.

CREATE TABLE agent_changes (
    id        BIGSERIAL PRIMARY KEY,
    stamp     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL
);
CREATE INDEX agent_changes_tenant ON agent_changes (tenant_id, stamp);

CREATE FUNCTION agent_changes_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.id);
    ELSE
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_changes_user AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION agent_changes_user();

-- user_services and agent_routing: the row's user_id, tenant from users.
CREATE FUNCTION agent_changes_user_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uid TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN uid := OLD.user_id; ELSE uid := NEW.user_id; END IF;
    INSERT INTO agent_changes (tenant_id, user_id) SELECT tenant_id, id FROM users WHERE id = uid;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_changes_services AFTER INSERT OR DELETE ON user_services
    FOR EACH ROW EXECUTE FUNCTION agent_changes_user_row();
CREATE TRIGGER agent_changes_routing AFTER INSERT OR UPDATE ON agent_routing
    FOR EACH ROW EXECUTE FUNCTION agent_changes_user_row();

-- Load: the chats an agent owns or joined that are assigned.
CREATE FUNCTION agent_changes_chat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.agent_id <> '' THEN
            INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
        END IF;
        RETURN NULL;
    END IF;
    IF OLD.agent_id IS NOT DISTINCT FROM NEW.agent_id AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
        RETURN NULL;
    END IF;
    IF OLD.agent_id <> '' THEN
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, OLD.agent_id);
    END IF;
    IF NEW.agent_id <> '' AND NEW.agent_id <> OLD.agent_id THEN
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
    END IF;
    INSERT INTO agent_changes (tenant_id, user_id)
        SELECT NEW.tenant_id, agent_id FROM chat_participants WHERE chat_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_changes_chat AFTER INSERT OR UPDATE OF agent_id, state ON chats
    FOR EACH ROW EXECUTE FUNCTION agent_changes_chat();

-- chat_participants and chat_offers: the row's agent_id and tenant_id.
CREATE FUNCTION agent_changes_agent_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (OLD.tenant_id, OLD.agent_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO agent_changes (tenant_id, user_id) VALUES (NEW.tenant_id, NEW.agent_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_changes_participants AFTER INSERT OR DELETE ON chat_participants
    FOR EACH ROW EXECUTE FUNCTION agent_changes_agent_row();
CREATE TRIGGER agent_changes_offers AFTER INSERT OR UPDATE OF agent_id OR DELETE ON chat_offers
    FOR EACH ROW EXECUTE FUNCTION agent_changes_agent_row();
