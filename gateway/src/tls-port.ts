import type http2 from 'node:http2';
import net from 'node:net';

/** Every TLS connection opens with a handshake record, content type 22. */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * One TCP listener for TLS only: a connection whose first byte opens a TLS handshake goes to the
 * secure server (which speaks HTTP/1.1 and h2 by ALPN); anything else, a plaintext request that
 * would otherwise end in an unexplained reset, is answered with a 400 saying to use https, and closed.
 */
export function tlsPortServer(secure: http2.Http2SecureServer): net.Server & { sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (chunk[0] !== TLS_HANDSHAKE_RECORD) {
        refusePlaintext(socket);
        return;
      }
      // The TLS socket reads what is buffered on the raw socket first, so nothing is lost.
      socket.unshift(chunk);
      secure.emit('connection', socket);
    });
  });
  return Object.assign(server, { sockets });
}

function refusePlaintext(socket: net.Socket): void {
  const body = 'this port speaks TLS only: use https:// (gRPC clients: TLS, e.g. --tls-ca)\n';
  socket.end(
    'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
