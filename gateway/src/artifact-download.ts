import { type Client, ConnectError } from '@connectrpc/connect';
import type { TaskService } from '@taskwire/proto';
import { httpStatusFor, type NodeRequest, type NodeResponse, sendText } from './http-status.js';

/**
 * GET /artifacts/:id — an artifact's bytes for `<img src>` and download links, with its stored
 * content type. It goes through GetArtifact like any client, so the same access check applies.
 */
export async function serveArtifact(
  tasks: Client<typeof TaskService>,
  id: string,
  req: NodeRequest,
  res: NodeResponse,
  maxBytes: number,
): Promise<void> {
  const headers = new Headers();
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') headers.set('authorization', authorization);
  try {
    const { artifact, data } = await tasks.getArtifact({ id }, { headers });
    if (data.length > maxBytes) {
      sendText(res, 413, `artifact ${id} is ${data.length} bytes, over the gateway's limit of ${maxBytes}`);
      return;
    }
    const name = (artifact?.name ?? id).replace(/[^\w.-]/g, '_');
    res.writeHead(200, {
      'content-type': artifact?.contentType || 'application/octet-stream',
      'content-length': data.length,
      'content-disposition': `inline; filename="${name}"`,
      // Stored artifacts never change: one id, one content.
      'cache-control': 'private, max-age=3600, immutable',
      'x-content-type-options': 'nosniff',
      // An artifact is whatever a handler stored (HTML, SVG): opened in a tab, it runs in an
      // opaque origin with no scripts, never as the gateway's (the dashboard's) own page.
      'content-security-policy': 'sandbox',
    });
    res.end(data);
  } catch (error) {
    const connectError = ConnectError.from(error);
    sendText(res, httpStatusFor(connectError.code), connectError.rawMessage);
  }
}
