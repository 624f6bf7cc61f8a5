/** Errors of the update log, and the checks that raise them. */

/** Longest document name accepted, in characters. */
export const MAX_DOC_NAME_LENGTH = 512;

/** Stable codes of {@link UpdateLogError}. */
export type UpdateLogErrorCode =
  | 'ERR_DOC_NAME'
  | 'ERR_DOC_UPDATE'
  | 'ERR_DOC_CORRUPT'
  | 'ERR_DOC_OPTIONS';

export class UpdateLogError extends Error {
  readonly code: UpdateLogErrorCode;

  constructor(code: UpdateLogErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UpdateLogError';
    this.code = code;
  }
}

export function checkName(name: string): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > MAX_DOC_NAME_LENGTH
  ) {
    throw new UpdateLogError(
      'ERR_DOC_NAME',
      `document name must be a string of 1 to ${MAX_DOC_NAME_LENGTH} characters`,
    );
  }
}

export function corrupt(name: string, error: unknown): UpdateLogError {
  return new UpdateLogError(
    'ERR_DOC_CORRUPT',
    `stored state of "${name}" does not decode as Yjs updates`,
    error,
  );
}
