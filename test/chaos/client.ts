/**
 * The harness's HTTP client for tills and the relay. Every answer is
 * sorted into what it tells about the request: answered (any status),
 * refused before it was sent (the process is down: nothing happened), or
 * lost (the connection broke or timed out after sending: it may or may
 * not have happened, so the ledger counts it as uncertain).
 */
export type Outcome<T = Record<string, unknown>> =
  | { kind: 'answered'; status: number; body: T }
  | { kind: 'refused' }
  | { kind: 'lost'; reason: string };

/** Longest wait for one request; a till fsyncs every change. */
export const REQUEST_TIMEOUT_MS = 15_000;

export async function request<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; timeoutMs?: number } = {},
): Promise<Outcome<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
      ...(options.body === undefined
        ? {}
        : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return {
      kind: 'answered',
      status: res.status,
      body: (text ? JSON.parse(text) : null) as T,
    };
  } catch (error) {
    const code = causeCode(error);
    if (code === 'ECONNREFUSED') return { kind: 'refused' };
    return { kind: 'lost', reason: code ?? String(error) };
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  return (error as { name?: string }).name;
}

/** The body of a 2xx answer, or null. */
export function okBody<T>(outcome: Outcome<T>): T | null {
  return outcome.kind === 'answered' &&
    outcome.status >= 200 &&
    outcome.status < 300
    ? outcome.body
    : null;
}
