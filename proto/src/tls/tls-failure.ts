/** The flags a client was configured with, so that an explanation can name the one to change. */
export interface TlsClientFlags {
  /** e.g. `--tls-ca`; the CA file, if one was given (else the system's roots were trusted). */
  readonly caFlag: string;
  readonly caGiven: boolean;
  /** e.g. `--tls-client-cert`, `--tls-client-key`. */
  readonly clientCertFlag: string;
  readonly clientKeyFlag: string;
  /** e.g. `--tls-server-name`. */
  readonly serverNameFlag: string;
}

interface Rule {
  readonly pattern: RegExp;
  explain(flags: TlsClientFlags): string;
}

/** What Node's TLS (OpenSSL) reports, matched on text: grpc-js passes only text along. */
const RULES: readonly Rule[] = [
  {
    pattern:
      /unable to verify the first certificate|unable to get (local )?issuer certificate|self[- ]signed certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT/i,
    explain: (flags) =>
      flags.caGiven
        ? `the server's certificate is not signed by the CA in ${flags.caFlag}`
        : `the server's certificate is not signed by a CA this machine trusts: give its CA with ${flags.caFlag}`,
  },
  {
    pattern: /alert certificate required|ALERT_CERTIFICATE_REQUIRED/i,
    explain: (flags) =>
      `the server requires a client certificate: give ${flags.clientCertFlag} and ${flags.clientKeyFlag}`,
  },
  {
    pattern: /alert certificate expired|ALERT_CERTIFICATE_EXPIRED/i,
    explain: (flags) =>
      `the server refused the client certificate in ${flags.clientCertFlag}: it has expired`,
  },
  {
    pattern: /alert unknown ca|ALERT_UNKNOWN_CA|alert bad certificate|ALERT_BAD_CERTIFICATE/i,
    explain: (flags) =>
      `the server refused the client certificate in ${flags.clientCertFlag}: it is not signed by the CA the server trusts for clients (its --tls-client-ca)`,
  },
  {
    pattern: /certificate has expired|CERT_HAS_EXPIRED/i,
    explain: () => "the server's certificate (or its CA's) has expired: the server needs a renewed one",
  },
  {
    pattern: /certificate is not yet valid|CERT_NOT_YET_VALID/i,
    explain: () => "the server's certificate is not valid yet: check the clocks of both machines",
  },
  {
    pattern: /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/i,
    explain: (flags) =>
      `the server's certificate is not issued for the name connected to: use an address it names, or ${flags.serverNameFlag}`,
  },
  {
    pattern: /wrong version number|packet length too long|WRONG_VERSION_NUMBER|unknown protocol/i,
    explain: () =>
      'the server does not speak TLS (it serves plaintext, e.g. no --tls-cert); TLS is configured here, so no plaintext is tried',
  },
];

/**
 * A sentence saying what a failed TLS connection means and which flag to change, followed by
 * the original detail (`shown`, when the text matched on holds more, such as error codes);
 * undefined when `detail` is no TLS failure this knows.
 */
export function explainTlsFailure(detail: string, flags: TlsClientFlags, shown = detail): string | undefined {
  const rule = RULES.find((candidate) => candidate.pattern.test(detail));
  return rule ? `TLS: ${rule.explain(flags)} (${compactTlsDetail(shown)})` : undefined;
}

/**
 * The reason in a TLS error without its wrapping: grpc-js's "14 UNAVAILABLE: No connection established. Last
 * error:" and "Resolution note:", OpenSSL's "<id>:error:<code>:SSL routines:<function>:" and
 * source location.
 */
export function compactTlsDetail(detail: string): string {
  let text = detail
    .replace(/^\d+ [A-Z_]+:\s*/, '')
    .replace(/^No connection established\. Last error:\s*/, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/, '')
    .replace(/\.?\s*Resolution note:\s*$/, '')
    .replace(/^Error(\s\[[A-Z_0-9]+\])?:\s*/, '')
    .trim();
  const openssl = /(?:^|\s)[0-9A-F]+:error:[0-9A-F]+:[^:]+:[^:]+:([^:]+):[^\s:]+:\d+:/.exec(text);
  if (openssl) text = text.replace(openssl[0].trim(), `${openssl[1]!.trim()} `);
  return text.replace(/\s+/g, ' ').trim();
}
