/** Responses in API Gateway's payload 2.0 shape. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  headers: Record<string, string | number | boolean>;
  cookies: string[];
};

export function html(body: string, status = 200, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
    cookies: [],
    body,
  };
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    cookies: [],
    body: JSON.stringify(data),
  };
}

export function noContent(): HttpResult {
  return { statusCode: 204, headers: {}, cookies: [], body: '' };
}

/** 303: after a form POST the browser follows with a GET. */
export function redirect(location: string, status = 303): HttpResult {
  return { statusCode: status, headers: { Location: location }, cookies: [], body: '' };
}
