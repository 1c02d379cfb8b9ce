/** Every limit and interval the coordinator applies; each is a documented setting. */
export interface CoordinatorConfig {
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  leaseMs: number;
  /** How often coalesced progress is written (watchers get it at once regardless). */
  progressFlushMs: number;
  /** Finished tasks older than this are deleted with their events, logs and artifacts; 0 keeps them. */
  retentionMs: number;
  limits: {
    maxPayloadBytes: number;
    maxResultBytes: number;
    maxLogLineBytes: number;
    maxArtifactBytes: number;
    maxMessageBytes: number;
    maxCheckpointBytes: number;
    maxBatchSubmit: number;
  };
}

export const DEFAULT_CONFIG: CoordinatorConfig = {
  heartbeatIntervalMs: 1000,
  heartbeatTimeoutMs: 5000,
  leaseMs: 10_000,
  progressFlushMs: 250,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  limits: {
    maxPayloadBytes: 1024 * 1024,
    maxResultBytes: 4 * 1024 * 1024,
    maxLogLineBytes: 16 * 1024,
    maxArtifactBytes: 32 * 1024 * 1024,
    maxMessageBytes: 16 * 1024 * 1024,
    maxCheckpointBytes: 1024 * 1024,
    maxBatchSubmit: 10_000,
  },
};
