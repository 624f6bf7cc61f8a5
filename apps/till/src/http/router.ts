/**
 * A small method-and-path router: patterns such as `/api/orders/:id`,
 * parameters decoded, first match wins. It knows nothing of HTTP bodies;
 * the server parses them and hands a {@link ApiRequest} over.
 */
import { ApiError } from './api-error.ts';

export interface ApiRequest {
  /** Path parameters by name, URI-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, or `undefined` when the request had none. */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

export class Router {
  #routes: Route[] = [];

  /** Adds a route; `:name` in a segment captures that segment. */
  on(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, parts: split(pattern), handler });
    return this;
  }

  /**
   * Finds the handler for a request. Throws 404 when no pattern matches
   * the path and 405 when one does but not for this method.
   */
  match(method: string, path: string): Match {
    const parts = split(path);
    let pathKnown = false;
    for (const route of this.#routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathKnown = true;
    }
    if (pathKnown) {
      throw new ApiError(
        405,
        'method-not-allowed',
        `${method} is not allowed on ${path}`,
      );
    }
    throw new ApiError(404, 'not-found', `no such endpoint: ${path}`);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

function matchParts(
  pattern: string[],
  parts: string[],
): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (want.startsWith(':')) {
      const value = decode(got);
      if (value === null) return null;
      params[want.slice(1)] = value;
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
