/** A server's TLS material, as PEM text (the CLI reads it from the --tls-* files). */
export interface ServerTls {
  /** The server's certificate chain: its own certificate first, then any intermediates. */
  readonly cert: string;
  readonly key: string;
  /**
   * CA(s) that sign client certificates. Given: every client must present a certificate signed by
   * one of them (mutual TLS); a connection without one fails its handshake.
   */
  readonly clientCa?: string;
}
