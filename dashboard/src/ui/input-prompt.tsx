import type { Task } from '@taskwire/proto/schema';
import { useState } from 'preact/hooks';
import { tasks } from '../api/clients.js';
import { dateTime } from './format.js';
import { notify, notifyError } from './notices.js';

/** The handler's question while the task waits in WAITING_INPUT, with a form to answer it. */
export function InputPrompt({ task }: { task: Task }) {
  const request = task.inputRequest;
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);
  if (!request) return null;
  const answerProps = {
    autocomplete: 'off',
    required: true,
    value: answer,
    onInput: (e: Event) => setAnswer((e.currentTarget as HTMLInputElement).value),
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await tasks.provideInput({ id: task.id, value: answer });
      setAnswer('');
      notify('Answer sent');
    } catch (error) {
      notifyError('Answer', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card input-prompt" aria-labelledby="input-heading">
      <h2 id="input-heading">Waiting for your answer</h2>
      <form onSubmit={submit}>
        <label for="input-answer">{request.prompt}</label>
        <div class="inline">
          {request.secret ? (
            <input id="input-answer" type="password" {...answerProps} />
          ) : (
            <input id="input-answer" type="text" {...answerProps} />
          )}
          <button type="submit" disabled={busy}>
            Send answer
          </button>
        </div>
        {request.expiresAt && <p class="muted">Expires {dateTime(request.expiresAt)}.</p>}
        {request.secret && <p class="muted">The answer is a secret: it is not stored in events or logs.</p>}
      </form>
    </section>
  );
}
