import type { OptionSpec } from '../args/command-spec.js';

/** Flags of a command that serves (coordinator, gateway): its certificate and the client CA. */
export const SERVER_TLS_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'tls-cert': {
    type: 'string',
    value: 'file',
    env: 'TASKWIRE_TLS_CERT',
    help: "serve TLS with this PEM certificate (chain: the server's own first); needs --tls-key",
  },
  'tls-key': {
    type: 'string',
    value: 'file',
    env: 'TASKWIRE_TLS_KEY',
    help: 'PEM private key of --tls-cert',
  },
  'tls-client-ca': {
    type: 'string',
    value: 'file',
    env: 'TASKWIRE_TLS_CLIENT_CA',
    help:
      'mutual TLS: every client must present a certificate signed by this PEM CA; on the coordinator such a ' +
      'certificate sent without a token authenticates as a worker (needs --tls-cert)',
  },
};

/**
 * Flags of a client of a TLS server, all under `prefix` (`--tls-ca`, or `--coordinator-tls-ca`
 * for the standalone gateway's upstream). `env` is the matching TASKWIRE_ prefix.
 */
export function clientTlsOptions(
  prefix: '' | 'coordinator-',
  what: string,
): Readonly<Record<string, OptionSpec>> {
  const env = `TASKWIRE_${prefix.replace('-', '_').toUpperCase()}TLS`;
  return {
    [`${prefix}tls`]: {
      type: 'boolean',
      env,
      help: `connect to ${what} over TLS, trusting the system's CAs (implied by every other --${prefix}tls-* flag)`,
    },
    [`${prefix}tls-ca`]: {
      type: 'string',
      value: 'file',
      env: `${env}_CA`,
      help: `connect over TLS and trust only this PEM CA for ${what}'s certificate; never falls back to plaintext`,
    },
    [`${prefix}tls-client-cert`]: {
      type: 'string',
      value: 'file',
      env: `${env}_CLIENT_CERT`,
      help: `PEM client certificate presented to ${what} (mutual TLS); needs --${prefix}tls-client-key`,
    },
    [`${prefix}tls-client-key`]: {
      type: 'string',
      value: 'file',
      env: `${env}_CLIENT_KEY`,
      help: `PEM private key of --${prefix}tls-client-cert`,
    },
    [`${prefix}tls-server-name`]: {
      type: 'string',
      value: 'name',
      env: `${env}_SERVER_NAME`,
      help: `the name ${what}'s certificate must carry (default: the host of the address)`,
    },
  };
}
