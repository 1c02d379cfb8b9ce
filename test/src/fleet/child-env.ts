/**
 * The environment for a child process: ours, less any Taskwire configuration (TASKWIRE_* and
 * DATABASE_URL would silently change what a test starts), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TASKWIRE_') || key === 'DATABASE_URL' || key === 'NODE_TEST_CONTEXT') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
