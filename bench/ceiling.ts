import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The ceiling: a bare node:http server answering the same bytes as the page under test. Our
 * server can only be slower; the ratio says how much of the machine's HTTP capacity we keep.
 */
export async function startCeiling(body: Buffer, contentType: string) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
