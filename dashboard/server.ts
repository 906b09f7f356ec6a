// The dashboard's small HTTP server for local use (node:http): the page's built files and the API,
// through the same handler the Lambda runs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboardHandler, type DashboardLogger, type DashboardRequest } from './api.ts';
import { buildDashboard, DIST_DIR } from './build.ts';
import { DashboardError, PortInUseError } from './errors.ts';
import type { ForecastSource } from './forecastSource.ts';

export interface DashboardServerOptions {
  forecasts: ForecastSource;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Requires this token on the API (see api.ts). */
  token?: string | undefined;
  /** Where the built page is (default dashboard/dist/). */
  pageDir?: string;
  /** Build the page before serving it (default true). */
  build?: boolean;
  logger?: DashboardLogger;
}

export interface DashboardServer {
  /** `http://<host>:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections; resolves once closed. Idempotent. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage): DashboardRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers };
}

/** Starts the dashboard: listens first (a busy port fails at once), then builds the page, then serves. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const pageDir = options.pageDir ?? DIST_DIR;
  const handle = createDashboardHandler({
    forecasts: options.forecasts,
    token: options.token,
    pageDir,
    ...(options.logger && { logger: options.logger }),
  });
  let ready: Promise<unknown> = Promise.resolve();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    ready
      .then(() => handle(toRequest(req)))
      .then((response) => {
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      })
      .catch((error: unknown) => {
        options.logger?.error('request failed', { error, path: req.url });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'internal', message: 'the dashboard server failed (see its log)' }));
      });
  });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error);
    });
    server.listen(port, host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  if (options.build ?? true) {
    ready = buildDashboard({ outDir: pageDir });
    try {
      await ready;
    } catch (error) {
      await close();
      throw error instanceof DashboardError ? error : new DashboardError(String(error), { cause: error });
    }
  }
  const actual = (server.address() as AddressInfo).port;
  // Listening on every interface: this machine's own address is the one to open.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { url: `http://${shownHost}:${actual}/`, port: actual, close };
}
