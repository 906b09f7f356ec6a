// The dashboard's small HTTP server for local use: the hono app of app.ts on @hono/node-server, the same
// app the Lambda runs.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AlertSource } from './alertSource.ts';
import { createDashboardApp, type DashboardLogger } from './app.ts';
import { buildDashboard, DIST_DIR } from './build.ts';
import { DashboardError, PortInUseError } from './errors.ts';
import type { ForecastSource } from './forecastSource.ts';
import type { HistorySource } from './historySource.ts';
import type { LiveWhatIf } from './liveWhatIf.ts';

export interface DashboardServerOptions {
  forecasts: ForecastSource;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Requires this token on the API (see app.ts). */
  token?: string | undefined;
  /** Where the built page is (default dashboard/dist/). */
  pageDir?: string;
  /** Build the page before serving it (default true). */
  build?: boolean;
  logger?: DashboardLogger;
  /** What-if on the live state (POST /api/whatif, /api/recommend); without it those answer 501. */
  whatIf?: LiveWhatIf | undefined;
  /** The accuracy record and forecast history (GET /api/accuracy, /api/history); without it those answer 501. */
  history?: HistorySource | undefined;
  /** The twin's recent alerts (GET /api/alerts); without it that answers an empty list. */
  alerts?: AlertSource | undefined;
}

export interface DashboardServer {
  /** `http://<host>:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections; resolves once closed. Idempotent. */
  close(): Promise<void>;
}

/** Starts the dashboard: listens first (a busy port fails at once), then builds the page, then serves. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const pageDir = options.pageDir ?? DIST_DIR;
  // Set as soon as the server listens; requests that arrive while the page builds wait for it.
  let app: Promise<Hono> | undefined;
  const server = createAdaptorServer({
    fetch: async (request, env) => (await app!).fetch(request, env),
    // The twin runs the dashboard inside a process that does more than serve: leave its globals alone.
    overrideGlobalObjects: false,
  }) as Server;
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
  const built = (options.build ?? true) ? buildDashboard({ outDir: pageDir }) : Promise.resolve();
  // Made after the build: the page folder may not exist before it.
  app = built.then(() =>
    createDashboardApp({
      forecasts: options.forecasts,
      token: options.token,
      pageDir,
      logger: options.logger,
      whatIf: options.whatIf,
      history: options.history,
      alerts: options.alerts,
    }),
  );
  try {
    await app;
  } catch (error) {
    await close();
    throw error instanceof DashboardError ? error : new DashboardError(String(error), { cause: error });
  }
  const actual = (server.address() as AddressInfo).port;
  // Listening on every interface: this machine's own address is the one to open.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { url: `http://${shownHost}:${actual}/`, port: actual, close };
}
