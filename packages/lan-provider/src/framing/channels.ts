/**
 * Every frame names its channel. Names starting with `#` are reserved for
 * the provider; any other name is a document name such as
 * `<branch>/menu` or `<branch>/day/2026-12-03`.
 */
export const CONTROL_CHANNEL = '#control';
export const JOURNAL_CHANNEL = '#journal';

/** The longest channel name a frame can carry, in UTF-8 bytes. */
export const MAX_CHANNEL_BYTES = 255;

export type ChannelKind = 'control' | 'journal' | 'doc' | 'unknown';

/** Which room a channel name belongs to. */
export function channelKind(name: string): ChannelKind {
  if (name === CONTROL_CHANNEL) return 'control';
  if (name === JOURNAL_CHANNEL) return 'journal';
  if (name.startsWith('#')) return 'unknown';
  return 'doc';
}

/** True when `name` can be used as a document name on the wire. */
export function isValidDocName(name: string): boolean {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes > 0 && bytes <= MAX_CHANNEL_BYTES && channelKind(name) === 'doc';
}
