-- `attempt` names one execution and is never reused; `attempts_charged` is what counts against
-- max_attempts. An assignment that never started (refused by the worker, lost before it was
-- accepted) goes back to the queue without charging, yet its number stays used.
ALTER TABLE tasks ADD COLUMN attempts_charged int NOT NULL DEFAULT 0;
UPDATE tasks SET attempts_charged = attempt;
