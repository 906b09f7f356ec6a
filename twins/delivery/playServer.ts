// The HTTP side of `twin play`: a hono app serving the play page and its API, on a Node server.
//
// API
//   GET  /            the page (self-contained: inline script and SVG)
//   GET  /api/state   200 <PlayState>: the network now, the KPIs so far, the daily costs
//   POST /api/rate    { "center": "<name>", "rate": <units an hour> }
//                     202 { center, target, requestedAt }: the center goes under manual control; the
//                         rate takes effect after the machines' exponential delay
//                     400 { "error": "bad-request", "message": "<what is wrong>" }
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PlayRequestError, type PlaySession } from './PlaySession.ts';
import { playPageHtml } from './page/playPage.ts';

/** The app of one play session. */
export function createPlayApp(session: PlaySession): Hono {
  const app = new Hono();
  const page = playPageHtml(session.model.name ?? 'Product delivery');
  app.get('/', (c) => c.html(page));
  app.get('/api/state', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(session.state());
  });
  app.post('/api/rate', bodyLimit({ maxSize: 4096 }), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'bad-request', message: 'the body must be JSON: { "center", "rate" }' }, 400);
    }
    const { center, rate } = (body ?? {}) as { center?: unknown; rate?: unknown };
    if (typeof center !== 'string' || typeof rate !== 'number' || !Number.isFinite(rate)) {
      return c.json(
        { error: 'bad-request', message: 'expected { "center": <name>, "rate": <units an hour> }' },
        400,
      );
    }
    try {
      return c.json(session.setRate(center, rate), 202);
    } catch (error) {
      if (error instanceof PlayRequestError)
        return c.json({ error: 'bad-request', message: error.message }, 400);
      throw error;
    }
  });
  app.notFound((c) => c.json({ error: 'not-found', message: `no ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => c.json({ error: 'internal', message: error.message }, 500));
  return app;
}

export interface PlayServer {
  readonly url: string;
  readonly port: number;
  /** Stops the run and the server; resolves once closed. Idempotent. */
  close(): Promise<void>;
}

/** A port that another program holds. */
export class PlayPortInUseError extends Error {
  override readonly name = 'PlayPortInUseError';
  constructor(
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} is in use`, options);
  }
}

/** Serves the session's page and API on `host:port` (0: a free port) and starts the run. */
export async function startPlayServer(
  session: PlaySession,
  options: { port?: number; host?: string } = {},
): Promise<PlayServer> {
  const app = createPlayApp(session);
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PlayPortInUseError(port, { cause: error }) : error);
    });
    server.listen(port, host, () => resolve());
  });
  session.start();
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      session.stop();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const actual = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { url: `http://${shownHost}:${actual}/`, port: actual, close };
}
