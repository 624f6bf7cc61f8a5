/**
 * Parses the document address of a sync connection: `/<branch>/<doc...>`
 * names branch `<branch>` and document `<branch>/<doc...>`, so
 * `/b1/day/2026-12-03` is document `b1/day/2026-12-03` of branch `b1`.
 */

/** Longest document name accepted, in characters. */
export const MAX_DOC_NAME = 512;

const SEGMENT = /^[A-Za-z0-9_~.@:+-]+$/;

export interface DocAddress {
  branch: string;
  docName: string;
}

/** The address of `pathname`, or null if it is not a valid one. */
export function parseDocPath(
  pathname: string,
  prefix = '/',
): DocAddress | null {
  if (!pathname.startsWith(prefix)) return null;
  const segments = pathname.slice(prefix.length).split('/');
  if (segments.length < 2) return null;
  const decoded: string[] = [];
  for (const raw of segments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      return null;
    }
    decoded.push(segment);
  }
  const docName = decoded.join('/');
  if (docName.length > MAX_DOC_NAME) return null;
  return { branch: decoded[0] as string, docName };
}
