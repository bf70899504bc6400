-- A Find Agent block reads its service's queue statistics for every chat
-- it queues (Store.QueueStats). Two of those reads went through every
-- chat of the tenant, so new chats got slower as the database grew: the
-- queue length and position found the tenant's chats by the creation
-- index (chats_queue does not lead with the service), and the average
-- wait sorted every chat ever assigned to find the service's last 50.
-- Keep in step with the other dialect's 0029.
CREATE INDEX chats_service_queue ON chats (tenant_id, service_id, priority DESC, queued_at, id)
    WHERE state = 'queued';
CREATE INDEX chats_service_assigned ON chats (service_id, assigned_at)
    WHERE assigned_at IS NOT NULL;
