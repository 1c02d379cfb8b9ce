import { createServer } from 'node:net';

/**
 * True when host:port can be bound right now. Checked before the coordinator starts, because the
 * gRPC server reports a taken port in words that do not name it.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether an error from starting a server means the port was taken (after the probe, by a race). */
export function isAddressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(error.message);
}

export function portInUseMessage(host: string, port: number): string {
  return (
    `error: port ${port} on ${host} is in use (another \`taskwire dev\` or coordinator?).\n` +
    `Stop it, or pick another port with --port (e.g. --port ${port + 1}; --port 0 picks a free one)\n` +
    `and point the CLI at it with --address ${host}:<port>.\n`
  );
}
