/**
 * Planner settings of every coordinator session. Each statement the coordinator sends reaches
 * its rows through an index: a claim walks the queue index in dispatch order and stops at its
 * LIMIT, a batch finds its rows by id. On a table autovacuum has not analyzed yet (every fresh
 * install, every burst), PostgreSQL's default estimates (1/200 of the rows "queued") make a
 * bitmap scan plus a sort of the whole queue, or a scan of the whole table, look cheaper: 35 ms
 * per claim with 10,894 queued against 0.44 ms on the index. Switched off, these stay a last
 * resort (taken only where no index serves); hot-plans.test checks every hot statement's plan
 * on a never-analyzed table. JIT is off too: a statement whose only plan is a disabled one
 * (a scan of a tiny table) gets a cost over jit_above_cost, and compiling it took ~100 ms.
 */
export const PLANNER_SETTINGS: Readonly<Record<string, string>> = {
  enable_seqscan: 'off',
  enable_bitmapscan: 'off',
  jit: 'off',
};

/** As libpq connection options (`-c name=value ...`), for `pg`'s `options`. */
export const plannerOptions = () =>
  Object.entries(PLANNER_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');

/** As one statement, for a session that is already open (PGlite). */
export const plannerStatement = () =>
  `SELECT ${Object.entries(PLANNER_SETTINGS)
    .map(([name, value]) => `set_config('${name}', '${value}', false)`)
    .join(', ')}`;
