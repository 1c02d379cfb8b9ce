import { type JobPayload, recordStart } from '../ipc-recorder.js';

/** Loaded by workerd (--handlers): a no-op that records its start for the bench over IPC. */
export const handlers = {
  'bench.peer': (ctx: { payload: JobPayload }) => {
    recordStart(ctx.payload);
  },
};

// The bench spawned this workerd with an IPC channel: once the bench is gone, so is this worker.
process.on('disconnect', () => process.exit(0));
