import { hostname, networkInterfaces } from 'node:os';

/** The host's name and its external (non-loopback) addresses, as listed in hello. */
export function hostInfo(): { hostname: string; addresses: string[] } {
  const addresses: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (!entry.internal) addresses.push(entry.address);
    }
  }
  return { hostname: hostname(), addresses };
}
