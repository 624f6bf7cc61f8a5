/**
 * Reads a request's target into a URL without ever throwing: `new URL`
 * throws on targets such as `//[` (an authority that does not parse),
 * and one such request must not take a server down.
 */

/**
 * The origin-form target `target` (`/path?query`) as a URL on `base`, or
 * null when it is missing, not origin-form, or does not parse.
 *
 * @example
 * requestUrl('/v1/devices?branch=b1', 'http://relay.invalid')?.pathname;
 * // '/v1/devices'
 * requestUrl('//[', 'http://relay.invalid'); // null
 */
export function requestUrl(
  target: string | undefined,
  base: string,
): URL | null {
  if (!target?.startsWith('/')) return null;

  // Appended to the origin, `//host` stays a path rather than becoming
  // an authority, as it would if resolved against `base`.
  try {
    return new URL(`${new URL(base).origin}${target}`);
  } catch {
    return null;
  }
}
