import { useEffect, useState } from 'preact/hooks';
import type { TaskFilters } from '../live/task-filters.js';
import { stateName, TASK_STATES } from './format.js';

/** The filters of the Tasks page; applying them starts again from the newest page. */
export function TaskFilterForm({
  filters,
  onApply,
}: {
  filters: TaskFilters;
  onApply: (f: TaskFilters) => void;
}) {
  const [draft, setDraft] = useState(filters);
  const shown = JSON.stringify(filters);
  useEffect(() => setDraft(filters), [shown]);
  const text = (name: 'kind' | 'label' | 'worker' | 'text', label: string) => (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <input
        id={`filter-${name}`}
        type="search"
        value={draft[name]}
        onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
      />
    </div>
  );
  const apply = (event: Event) => {
    event.preventDefault();
    onApply({ ...draft, page: '' });
  };
  return (
    <form class="filters" onSubmit={apply} aria-label="Filter tasks">
      <div class="field">
        <label for="filter-state">State</label>
        <select
          id="filter-state"
          value={draft.state === undefined ? '' : stateName(draft.state)}
          onChange={(e) => {
            const state = TASK_STATES.find((s) => stateName(s) === e.currentTarget.value);
            const { state: _, ...rest } = draft;
            onApply({ ...rest, ...(state !== undefined ? { state } : {}), page: '' });
          }}
        >
          <option value="">any</option>
          {TASK_STATES.map((state) => (
            <option key={state} value={stateName(state)}>
              {stateName(state).replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      {text('kind', 'Kind')}
      {text('label', 'Label')}
      {text('worker', 'Worker id')}
      {text('text', 'Search')}
      <div class="field submit">
        <button type="submit">Filter</button>
      </div>
    </form>
  );
}
