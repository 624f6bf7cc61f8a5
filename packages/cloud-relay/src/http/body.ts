/**
 * Reading and writing JSON bodies with a hard size limit. A body over the
 * limit is refused as soon as it passes the limit, before it is buffered
 * whole.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.ts';

/** Reads the request body and parses it as JSON. */
export async function readJson(
  req: IncomingMessage,
  maxBytes: number,
): Promise<unknown> {
  assertJsonType(req.headers['content-type']);
  const text = await readText(req, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid-json', 'body is not JSON', 'body');
  }
}

/** Writes `value` as a JSON response with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  sendRawJson(res, status, JSON.stringify(value), headers);
}

/** Writes text that is already JSON (rows stored as JSON text). */
export function sendRawJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(json, 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function assertJsonType(contentType: string | undefined): void {
  // A missing type is accepted (curl -d sends a form type, so is not).
  if (contentType === undefined) return;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return;
  throw new ApiError(
    415,
    'unsupported-media-type',
    'send the body as application/json',
    'content-type',
  );
}

function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    'body-too-large',
    `body is larger than ${maxBytes} bytes`,
    'body',
  );
}
