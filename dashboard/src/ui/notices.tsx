import { ConnectError } from '@connectrpc/connect';
import { createStore, useStore } from '../live/store.js';

interface Notice {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

const notices = createStore<Notice[]>([]);
let nextId = 1;

/** Shows a short message for a few seconds (errors stay until dismissed). */
export function notify(text: string, kind: Notice['kind'] = 'info'): void {
  const notice = { id: nextId++, text, kind };
  notices.set([...notices.get(), notice].slice(-4));
  if (kind === 'info') setTimeout(() => dismiss(notice.id), 4000);
}

export function notifyError(what: string, error: unknown): void {
  notify(`${what}: ${ConnectError.from(error).rawMessage}`, 'error');
}

function dismiss(id: number): void {
  notices.set(notices.get().filter((n) => n.id !== id));
}

export function Notices() {
  const shown = useStore(notices);
  return (
    <div class="notices" aria-live="polite">
      {shown.map((notice) => (
        <div
          key={notice.id}
          class={`notice ${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          <span>{notice.text}</span>
          <button type="button" class="plain" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
