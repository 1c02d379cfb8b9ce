import { jsonPayload, type Task } from '@taskwire/proto/schema';
import { useState } from 'preact/hooks';
import { tasks } from '../api/clients.js';
import { notify, notifyError } from './notices.js';

const MAX_COPIES = 500;

/** The payload's JSON error, or undefined when it parses (an empty payload is allowed). */
function payloadError(text: string): string | undefined {
  if (!text.trim()) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
}

/** Submits one task, or a batch of copies in one SubmitTasks call. */
export function SubmitForm({
  kinds,
  onSubmitted,
}: {
  kinds: readonly string[];
  onSubmitted: (t: Task[]) => void;
}) {
  const [kind, setKind] = useState('');
  const [payload, setPayload] = useState('');
  const [priority, setPriority] = useState('0');
  const [labels, setLabels] = useState('');
  const [copies, setCopies] = useState('1');
  const [busy, setBusy] = useState(false);
  const invalid = payloadError(payload);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (invalid) return;
    const count = Math.min(MAX_COPIES, Math.max(1, Number.parseInt(copies, 10) || 1));
    const spec = {
      kind: kind.trim(),
      ...(payload.trim() ? { payload: jsonPayload(JSON.parse(payload)) } : {}),
      priority: Number.parseInt(priority, 10) || 0,
      labels: labels
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean),
    };
    setBusy(true);
    try {
      const submitted =
        count === 1
          ? [(await tasks.submitTask({ spec })).task!]
          : (await tasks.submitTasks({ specs: Array.from({ length: count }, () => spec) })).tasks;
      notify(
        count === 1 ? `Submitted ${spec.kind} ${submitted[0]?.id}` : `Submitted ${count} ${spec.kind} tasks`,
      );
      onSubmitted(submitted);
    } catch (error) {
      notifyError('Submit', error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="submit-form" onSubmit={submit} aria-label="Submit a task">
      <div class="field">
        <label for="submit-kind">Kind</label>
        <input
          id="submit-kind"
          required
          list="known-kinds"
          pattern="[A-Za-z0-9._:\/\-]{1,128}"
          value={kind}
          onInput={(e) => setKind(e.currentTarget.value)}
        />
        <datalist id="known-kinds">
          {kinds.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      </div>
      <div class="field wide">
        <label for="submit-payload">Payload (JSON)</label>
        <textarea
          id="submit-payload"
          rows={3}
          spellcheck={false}
          placeholder='{"steps": 5}'
          value={payload}
          aria-invalid={invalid ? true : undefined}
          aria-describedby="submit-payload-error"
          onInput={(e) => setPayload(e.currentTarget.value)}
        />
        <span id="submit-payload-error" class="field-error" aria-live="polite">
          {invalid ?? ''}
        </span>
      </div>
      <div class="field">
        <label for="submit-priority">Priority</label>
        <input
          id="submit-priority"
          type="number"
          min={-1000}
          max={1000}
          value={priority}
          onInput={(e) => setPriority(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="submit-labels">Labels (comma-separated)</label>
        <input id="submit-labels" value={labels} onInput={(e) => setLabels(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="submit-copies">Copies</label>
        <input
          id="submit-copies"
          type="number"
          min={1}
          max={MAX_COPIES}
          value={copies}
          onInput={(e) => setCopies(e.currentTarget.value)}
        />
      </div>
      <div class="field submit">
        <button type="submit" disabled={busy || invalid !== undefined}>
          {busy ? 'Submitting…' : 'Submit'}
        </button>
      </div>
    </form>
  );
}
