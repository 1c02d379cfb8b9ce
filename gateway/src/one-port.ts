import type http from 'node:http';
import type http2 from 'node:http2';
import net from 'node:net';

/** Every HTTP/2 connection without TLS (h2c, prior knowledge) opens with this preface. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * One TCP listener for HTTP/1.1 (browsers, curl) and h2c (gRPC clients): the first bytes of a
 * connection say which protocol it speaks, and the socket goes to the matching server.
 */
export function onePortServer(
  h1: http.Server,
  h2: http2.Http2Server,
): net.Server & { sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const compared = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, compared).equals(H2_PREFACE.subarray(0, compared));
      // A partial preface could still be either; wait for more bytes.
      if (isH2 && seen.length < H2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      // Put the bytes back: both servers read the socket from its first byte (the HTTP/2
      // session takes buffered bytes when it adopts the socket; HTTP/1.1 listens for 'data').
      socket.unshift(seen);
      (isH2 ? h2 : h1).emit('connection', socket);
      if (!isH2) socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
  return Object.assign(server, { sockets });
}
