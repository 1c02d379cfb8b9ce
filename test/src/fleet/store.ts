import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { pgliteTemplate } from './pglite-template.js';
import { createTestDatabase } from './postgres-database.js';

export type StoreKind = 'pglite' | 'postgres';

/** The store the integration tests run against: TASKWIRE_TEST_STORE, default pglite. */
export function selectedStore(): StoreKind {
  const value = process.env['TASKWIRE_TEST_STORE'] ?? 'pglite';
  if (value !== 'pglite' && value !== 'postgres') {
    throw new Error(`TASKWIRE_TEST_STORE must be pglite or postgres, not ${JSON.stringify(value)}`);
  }
  return value;
}

export interface FleetStore {
  kind: StoreKind;
  /** Flags that point a coordinator at this store. */
  coordinatorArgs: string[];
  /** Removes what the store holds outside the fleet's temp dir (the PostgreSQL database). */
  drop(): Promise<void>;
}

/** A store of its own for one fleet: a copy of the PGlite template, or a new database. */
export async function createFleetStore(kind: StoreKind, tempDir: string): Promise<FleetStore> {
  if (kind === 'pglite') {
    const dataDir = join(tempDir, 'pgdata');
    await cp(await pgliteTemplate(), dataDir, { recursive: true });
    return { kind, coordinatorArgs: ['--data-dir', dataDir], drop: async () => {} };
  }
  const database = await createTestDatabase();
  return { kind, coordinatorArgs: ['--database-url', database.url], drop: database.drop };
}
