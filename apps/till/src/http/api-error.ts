/**
 * The one error shape of the local API: `{error: {code, message, field?}}`
 * with an HTTP status. Handlers throw it; the server writes it.
 */

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** An error the API reports to its caller, with a stable string `code`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = {
      code: this.code,
      message: this.message,
    };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

/** 400: the request body or a parameter is wrong. */
export function badRequest(code: string, message: string, field?: string) {
  return new ApiError(400, code, message, field);
}

/** 404: the thing named in the path does not exist. */
export function notFound(code: string, message: string, field?: string) {
  return new ApiError(404, code, message, field);
}

/** 409: the request is valid but the state forbids it now. */
export function conflict(code: string, message: string, field?: string) {
  return new ApiError(409, code, message, field);
}
