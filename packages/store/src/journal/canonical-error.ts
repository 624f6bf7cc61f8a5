/** Thrown for a value the canonical form cannot represent. */
export class CanonicalError extends Error {
  readonly code = 'canonical-value';
}
