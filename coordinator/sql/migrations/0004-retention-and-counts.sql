-- Finished tasks by age, for retention (only finished rows are in it).
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;

-- Tasks per final state, so that counting them never scans the table: the totals, plus the
-- changes written since they were last folded in (insert-only, so writers never wait on a
-- counter row). A count is the total plus its deltas.
CREATE TABLE task_counts (
  state text PRIMARY KEY,
  count bigint NOT NULL
);
CREATE TABLE task_count_deltas (
  id bigserial PRIMARY KEY,
  state text NOT NULL,
  delta int NOT NULL
);
INSERT INTO task_counts (state, count)
SELECT s, (SELECT count(*) FROM tasks WHERE state = s) FROM unnest(ARRAY['succeeded', 'failed', 'cancelled']) AS s;
