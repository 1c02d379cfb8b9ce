import type { Logger } from 'pino';

export interface CoordinatorOptions {
  /** PostgreSQL connection string; unset: embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** PGlite data directory (default `.taskwire/data`). */
  dataDir?: string;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** gRPC port (default 7380; 0 picks a free one). */
  port?: number;
  /** How often workers send heartbeats (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** Silence after which a worker is offline (default 5000 ms). */
  heartbeatTimeoutMs?: number;
  /** Lease length, renewed by heartbeats (default 10000 ms). */
  leaseMs?: number;
  logger?: Logger;
}

export interface RunningCoordinator {
  /** host:port the gRPC server listens on. */
  readonly address: string;
  readonly id: string;
  /** Graceful shutdown: stop accepting, tell workers (goaway), flush, close the store. */
  close(): Promise<void>;
}

export async function startCoordinator(_options: CoordinatorOptions = {}): Promise<RunningCoordinator> {
  throw new Error('not implemented yet');
}
