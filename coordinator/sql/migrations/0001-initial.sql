-- Tasks: one row per task; the current attempt's lease lives on the row (fencing by attempt).
CREATE TABLE tasks (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  payload bytea NOT NULL,
  payload_type text NOT NULL,
  labels text[] NOT NULL DEFAULT '{}',
  priority int NOT NULL DEFAULT 0,
  state text NOT NULL,
  attempt int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL,
  retry jsonb NOT NULL,
  run_at timestamptz NOT NULL,
  timeout_ms bigint,
  schedule_to_start_ms bigint,
  input_timeout_ms bigint,
  schedule_deadline timestamptz,
  attempt_deadline timestamptz,
  input_deadline timestamptz,
  idempotency_key text UNIQUE,
  metadata jsonb NOT NULL DEFAULT '{}',
  worker_id text,
  lease_expires_at timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  cancel_reason text,
  progress jsonb,
  result bytea,
  result_type text,
  last_error jsonb,
  input_request jsonb,
  input_answer text,
  checkpoint bytea,
  end_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

-- The dispatch order, over queued tasks only (kept small as tasks leave the queue).
CREATE INDEX tasks_queued_order ON tasks (priority DESC, run_at, id) WHERE state = 'queued';

-- Leases and deadlines the sweeper looks for.
CREATE INDEX tasks_in_flight_lease ON tasks (lease_expires_at) WHERE state IN ('assigned', 'running', 'waiting_input');
CREATE INDEX tasks_in_flight_worker ON tasks (worker_id) WHERE state IN ('assigned', 'running', 'waiting_input');
CREATE INDEX tasks_attempt_deadline ON tasks (attempt_deadline) WHERE attempt_deadline IS NOT NULL;
CREATE INDEX tasks_input_deadline ON tasks (input_deadline) WHERE input_deadline IS NOT NULL;
CREATE INDEX tasks_schedule_deadline ON tasks (schedule_deadline) WHERE schedule_deadline IS NOT NULL;

-- Listing, newest first.
CREATE INDEX tasks_created ON tasks (created_at DESC, id DESC);
CREATE INDEX tasks_state_created ON tasks (state, created_at DESC);

-- Every change of every task, in order.
CREATE TABLE task_events (
  id bigserial PRIMARY KEY,
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  type text NOT NULL,
  worker_id text,
  from_state text,
  to_state text,
  message text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- Log lines; (task, attempt, seq) makes a resend after a reconnect harmless.
CREATE TABLE task_logs (
  id bigserial PRIMARY KEY,
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL,
  level smallint NOT NULL,
  stream text NOT NULL,
  text text NOT NULL,
  truncated boolean NOT NULL DEFAULT false,
  UNIQUE (task_id, attempt, seq)
);

-- Files produced by tasks (screenshots, outputs).
CREATE TABLE artifacts (
  id uuid PRIMARY KEY,
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX artifacts_task ON artifacts (task_id);

-- Workers, by the persistent id they choose.
CREATE TABLE workers (
  id text PRIMARY KEY,
  name text NOT NULL,
  hostname text NOT NULL,
  addresses text[] NOT NULL DEFAULT '{}',
  version text NOT NULL,
  kinds text[] NOT NULL DEFAULT '{}',
  labels text[] NOT NULL DEFAULT '{}',
  slots int NOT NULL,
  versions jsonb NOT NULL DEFAULT '{}',
  resources jsonb,
  status text NOT NULL,
  drained boolean NOT NULL DEFAULT false,
  coordinator_id text,
  connected_at timestamptz,
  last_heartbeat_at timestamptz,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  succeeded_count bigint NOT NULL DEFAULT 0,
  failed_count bigint NOT NULL DEFAULT 0
);

-- API tokens (hashed), for the access-control issue.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
