import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { notifyError } from './notices.js';

/** A button that runs an RPC: disabled while it runs, its error shown as a notice. */
export function ActionButton({
  action,
  label,
  children,
  danger,
}: {
  action: () => Promise<unknown>;
  label: string;
  children: ComponentChildren;
  danger?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      notifyError(label, error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class={danger ? 'danger' : undefined}
      disabled={busy}
      aria-busy={busy}
      onClick={run}
    >
      {children}
    </button>
  );
}
