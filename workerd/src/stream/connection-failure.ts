import { explainTlsFailure } from '@taskwire/proto';
import { type WorkerTls, workerTlsFlags } from './worker-tls.js';

/**
 * grpc-js's detail when the peer closed the connection before HTTP/2 was set up (as a TLS server
 * does when it gets plaintext, or refuses a client certificate after the handshake).
 */
const CLOSED_BEFORE_HTTP2 = /Last error: (Failed to connect|(Error: )?read ECONNRESET)/;

/**
 * What a failed connection attempt means, when it is more than "nobody listens": a TLS problem
 * (wrong CA, expired or misnamed certificate, plaintext server, refused client certificate) that
 * retrying alone will not fix. `configuration`: an operator must act; the loop still retries.
 */
export function explainConnectionFailure(
  detail: string,
  tls: WorkerTls | undefined,
): { message: string; configuration: boolean } | undefined {
  if (tls) {
    const explained = explainTlsFailure(detail, workerTlsFlags(tls));
    if (explained) return { message: explained, configuration: true };
    if (tls.cert && CLOSED_BEFORE_HTTP2.test(detail)) {
      return {
        message:
          'TLS: the coordinator closed the connection during the handshake: it probably refused the client ' +
          'certificate in --tls-client-cert (not signed by its --tls-client-ca, or expired)',
        configuration: true,
      };
    }
    return undefined;
  }
  if (CLOSED_BEFORE_HTTP2.test(detail)) {
    return {
      message:
        'the coordinator closed the connection before HTTP/2 was set up: if it serves TLS, give --tls-ca FILE ' +
        "(or --tls for the system's CAs)",
      configuration: false,
    };
  }
  return undefined;
}
