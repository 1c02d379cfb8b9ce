import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OptionSpec } from '../args/command-spec.js';
import type { ParsedArgs } from '../args/parsed-args.js';
import { parseInteger } from '../args/values.js';

/** The port `taskwire dev` gives the gateway and `taskwire gateway` binds to by default. */
export const DEFAULT_GATEWAY_PORT = 7381;

/** The dashboard's build output in this checkout, served when it has been built. */
const BUILT_DASHBOARD = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

/** Flags every command that runs a gateway takes. */
export const GATEWAY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'cors-origin': {
    type: 'string',
    multiple: true,
    commas: true,
    value: 'origin',
    env: 'TASKWIRE_CORS_ORIGIN',
    help: 'browser origin allowed to call the gateway (https://app.example.com, or *); repeatable',
  },
  'static-dir': {
    type: 'string',
    value: 'dir',
    env: 'TASKWIRE_STATIC_DIR',
    help: 'folder of static files served by the gateway (default: the built dashboard, if any)',
  },
};

export function parseGatewayPort(text: string | undefined, flag: string): number {
  return parseInteger(text ?? String(DEFAULT_GATEWAY_PORT), flag, 0, 65_535);
}

/** CORS and static-file settings from the flags. */
export function gatewayExtras(args: ParsedArgs): { corsOrigins: string[]; staticDir?: string } {
  const staticDir = args.string('static-dir') ?? (existsSync(BUILT_DASHBOARD) ? BUILT_DASHBOARD : undefined);
  return { corsOrigins: args.list('cors-origin'), ...(staticDir ? { staticDir } : {}) };
}

/** The JSON line a gateway announces itself with (tests and scripts wait for it). */
export function gatewayListeningLine(gateway: { address: string; url: string }): string {
  const { address, url } = gateway;
  return `${JSON.stringify({ event: 'gateway.listening', address, url, tls: url.startsWith('https:') })}\n`;
}
