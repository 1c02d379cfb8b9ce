import type { TaskState } from '@taskwire/proto/schema';
import { stateName, TASK_STATES } from '../ui/format.js';

/** What the Tasks page shows, kept in its URL so that a refresh or a shared link shows the same. */
export interface TaskFilters {
  state?: TaskState;
  kind: string;
  label: string;
  worker: string;
  text: string;
  /** Cursor of the page (empty: the newest tasks). */
  page: string;
}

export function filtersFromUrl(url: URL): TaskFilters {
  const q = url.searchParams;
  const state = TASK_STATES.find((s) => stateName(s) === q.get('state'));
  return {
    ...(state !== undefined ? { state } : {}),
    kind: q.get('kind') ?? '',
    label: q.get('label') ?? '',
    worker: q.get('worker') ?? '',
    text: q.get('q') ?? '',
    page: q.get('page') ?? '',
  };
}

export function filtersToUrl(f: TaskFilters): string {
  const q = new URLSearchParams();
  if (f.state !== undefined) q.set('state', stateName(f.state));
  if (f.kind) q.set('kind', f.kind);
  if (f.label) q.set('label', f.label);
  if (f.worker) q.set('worker', f.worker);
  if (f.text) q.set('q', f.text);
  if (f.page) q.set('page', f.page);
  const query = q.toString();
  return `/tasks${query ? `?${query}` : ''}`;
}
