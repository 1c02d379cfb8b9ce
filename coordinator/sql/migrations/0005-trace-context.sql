-- W3C trace context given at submit (TaskSpec.traceparent / the `traceparent` header): stored
-- with the task so that every attempt, after any retry or coordinator restart, hands the same
-- context to its handler. NULL: the submitter sent none.
ALTER TABLE tasks ADD COLUMN traceparent text, ADD COLUMN tracestate text;
