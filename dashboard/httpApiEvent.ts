// Converts a Lambda function URL / API Gateway HTTP API (payload 2.0) event to the dashboard's
// request, and its response back: the only AWS-shaped code of the dashboard.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DashboardRequest, DashboardResponse } from './api.ts';

/** The dashboard request carried by a payload 2.0 event. */
export function fromHttpApiEvent(event: APIGatewayProxyEventV2): DashboardRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath || '/',
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
  };
}

/** The payload 2.0 result for a dashboard response (binary bodies base64-encoded). */
export function toHttpApiResult(response: DashboardResponse): APIGatewayProxyStructuredResultV2 {
  const binary = typeof response.body !== 'string';
  return {
    statusCode: response.status,
    headers: response.headers,
    body: binary ? (response.body as Buffer).toString('base64') : (response.body as string),
    isBase64Encoded: binary,
  };
}
