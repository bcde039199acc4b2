/** `edgeRefusal` (limits.ts) for the node:http server: answered before the body is read. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { edgeRefusal } from './limits';
import { preTrpcError } from './error-shape';

export function nodeEdgeRefusals(headers: Record<string, string>): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const refused = edgeRefusal({ method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'] });
    if (!refused) return false;
    const body = preTrpcError(refused.status, refused.code, refused.message);
    // Whatever body follows is dropped as it comes, never held; node closes the connection after the
    // answer if it does not end.
    req.resume();
    res.writeHead(refused.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}
