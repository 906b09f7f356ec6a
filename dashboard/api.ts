// The dashboard's HTTP handler, one function for the local server and the Lambda: the forecast API
// (GET /api/forecast, with ETag so polling costs a 304), an optional bearer token, and the page's files.
//
// API
//   GET /api/forecast
//     200 { "forecast": <ForecastRecord> }   the latest forecast            ETag "fc-<asOf>-<generatedAt>"
//     200 { "forecast": null }               no forecast stored yet         ETag "fc-none"
//     304                                    If-None-Match names the current ETag
//     401 { "error": "unauthorized", … }     DASHBOARD_TOKEN is set and the request has no matching
//                                            `Authorization: Bearer <token>` nor `?token=<token>`
//     405 / 404 / 500 / 503 { "error": "<code>", "message": "<one line>" }   never a stack trace
//   Everything else (GET): the page's static files, when a page folder is given (no token needed:
//   the page holds no data).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ForecastRecord } from '../contracts/forecastRecord.ts';
import { ForecastTableMissingError, ForecastUnavailableError } from './errors.ts';
import type { ForecastSource, ForecastVersion } from './forecastSource.ts';

/** An HTTP request, as both the local server and a Lambda event give it. */
export interface DashboardRequest {
  method: string;
  /** The path without the query string, e.g. `/api/forecast`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
}

/** An HTTP response; a Buffer body is binary (gzip). */
export interface DashboardResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Where the handler reports failures it answered with a 5xx (Powertools' Logger fits). */
export interface DashboardLogger {
  error(message: string, details: Record<string, unknown>): void;
}

export interface DashboardApiOptions {
  forecasts: ForecastSource;
  /** When set (non-empty), the API answers only requests that carry this token. */
  token?: string | undefined;
  /** Folder of the built page (index.html, app.js, app.css); without it only the API is served. */
  pageDir?: string | undefined;
  logger?: DashboardLogger;
}

export type DashboardHandler = (request: DashboardRequest) => Promise<DashboardResponse>;

/** The ETag of the forecast with `version`, or of the empty state. */
export function forecastEtag(version: ForecastVersion | undefined): string {
  return version === undefined ? '"fc-none"' : `"fc-${version.asOf}-${version.generatedAt}"`;
}

/** Whether an If-None-Match header value names `etag` (weak or strong, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/** Compares a presented token with the expected one in constant time (hashes first, so lengths leak nothing). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

function presentedToken(request: DashboardRequest): string | undefined {
  const authorization = request.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return bearer ?? request.query.get('token') ?? undefined;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  // A token may be in the page's address: never send it on as a referrer.
  'referrer-policy': 'no-referrer',
} as const;

const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function json(status: number, value: unknown, headers: Record<string, string> = {}): DashboardResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
      ...headers,
    },
    body: JSON.stringify(value),
  };
}

function problem(status: number, error: string, message: string, headers: Record<string, string> = {}) {
  return json(status, { error, message }, headers);
}

const COMPRESS_FROM_BYTES = 1024;

function acceptsGzip(request: DashboardRequest): boolean {
  return /\bgzip\b/i.test(request.headers['accept-encoding'] ?? '');
}

/** The last body served, kept so that new readers of an unchanged forecast cost one version check. */
interface Rendered {
  etag: string;
  json: string;
  gzip?: Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Creates the dashboard's request handler. */
export function createDashboardHandler(options: DashboardApiOptions): DashboardHandler {
  const token = options.token ? options.token : undefined;
  let rendered: Rendered | undefined;

  function forecastResponse(request: DashboardRequest, body: Rendered): DashboardResponse {
    const headers: Record<string, string> = {
      etag: body.etag,
      // The browser may keep it, but must ask each time; a token makes it private.
      'cache-control': 'private, no-cache',
      vary: 'authorization, accept-encoding',
    };
    if (etagMatches(request.headers['if-none-match'], body.etag)) {
      return { status: 304, headers: { ...headers, ...SECURITY_HEADERS }, body: '' };
    }
    if (acceptsGzip(request) && body.json.length >= COMPRESS_FROM_BYTES) {
      body.gzip ??= gzipSync(body.json, { level: 6 });
      const response = json(200, null, { ...headers, 'content-encoding': 'gzip' });
      return { ...response, body: body.gzip };
    }
    return { ...json(200, null, headers), body: body.json };
  }

  async function getForecast(request: DashboardRequest): Promise<DashboardResponse> {
    const source = options.forecasts;
    if (source.version) {
      const etag = forecastEtag(await source.version());
      if (etagMatches(request.headers['if-none-match'], etag) || rendered?.etag === etag) {
        return forecastResponse(request, rendered?.etag === etag ? rendered : { etag, json: '' });
      }
    }
    const record: ForecastRecord | undefined = await source.latest();
    const etag = forecastEtag(record);
    if (rendered?.etag !== etag) rendered = { etag, json: JSON.stringify({ forecast: record ?? null }) };
    return forecastResponse(request, rendered);
  }

  async function api(request: DashboardRequest): Promise<DashboardResponse> {
    if (request.path !== '/api/forecast') {
      return problem(404, 'not-found', `no API at ${request.path}: the API is GET /api/forecast`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return problem(405, 'method-not-allowed', `${request.method} is not allowed: use GET`, {
        allow: 'GET, HEAD',
      });
    }
    if (token !== undefined && !tokenMatches(token, presentedToken(request))) {
      return problem(
        401,
        'unauthorized',
        'this dashboard needs a token: open it with ?token=<token>, or send Authorization: Bearer <token>',
        { 'www-authenticate': 'Bearer realm="twin-dashboard"' },
      );
    }
    try {
      return await getForecast(request);
    } catch (error) {
      if (error instanceof ForecastUnavailableError) {
        return problem(503, 'unavailable', error.message, { 'retry-after': '5' });
      }
      options.logger?.error('reading the latest forecast failed', { error });
      if (error instanceof ForecastTableMissingError) return problem(500, 'no-table', error.message);
      return problem(500, 'internal', 'could not read the latest forecast (see the server log)');
    }
  }

  async function page(request: DashboardRequest): Promise<DashboardResponse> {
    const notFound = (): DashboardResponse => ({
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
      body: 'not found',
    });
    if (options.pageDir === undefined) return notFound();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { ...notFound(), status: 405, headers: { ...notFound().headers, allow: 'GET, HEAD' } };
    }
    const name = request.path === '/' ? 'index.html' : request.path.slice(1);
    // Only the build's own flat files: no folders, no dot files, nothing outside pageDir.
    const contentType = CONTENT_TYPES[extname(name)];
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || contentType === undefined) return notFound();
    let content: string;
    try {
      content = await readFile(join(options.pageDir, name), 'utf8');
    } catch {
      return notFound();
    }
    const etag = `"${createHash('sha1').update(content).digest('base64url').slice(0, 20)}"`;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'cache-control': 'no-cache',
      etag,
      ...SECURITY_HEADERS,
      ...(name.endsWith('.html') ? { 'content-security-policy': PAGE_POLICY } : {}),
    };
    if (etagMatches(request.headers['if-none-match'], etag)) return { status: 304, headers, body: '' };
    if (acceptsGzip(request) && content.length >= COMPRESS_FROM_BYTES) {
      return {
        status: 200,
        headers: { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' },
        body: gzipSync(content),
      };
    }
    return { status: 200, headers, body: content };
  }

  return async (request) => {
    const response = request.path.startsWith('/api/') ? await api(request) : await page(request);
    return request.method === 'HEAD' ? { ...response, body: '' } : response;
  };
}
