-- Every state change of a task rewrites its row and so inserts into each of its indexes whose
-- predicate holds: keep only the indexes a query needs.

-- Most tasks have no idempotency key: index only those that do.
ALTER TABLE tasks DROP CONSTRAINT tasks_idempotency_key_key;
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- ListTasks by state walks tasks_created and filters; the queue has its own partial index.
DROP INDEX tasks_state_created;
