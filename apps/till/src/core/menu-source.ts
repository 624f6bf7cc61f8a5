/** Reading the menu given by `--menu FILE|demo` before anything opens. */
import { readFileSync } from 'node:fs';
import { UsageError } from '@brigade/cli';
import {
  demoMenu,
  type Menu,
  ModelError,
  parseMenu,
} from '@brigade/crdt-model';
import type { MenuSource } from '../cli/options.ts';

/**
 * The menu of `source`, checked; null when none was given. A file that is
 * missing, not JSON or not a valid menu is refused with the field at
 * fault, before the store is opened, so a bad file changes nothing.
 */
export function loadMenu(source: MenuSource): Menu | null {
  if (source.kind === 'none') return null;
  if (source.kind === 'demo') return demoMenu;
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--menu: cannot read '${source.path}' (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--menu: '${source.path}' is not JSON: ${(error as Error).message}`,
    );
  }
  try {
    return parseMenu(json);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    const field = error.path ? `field '${error.path}'` : 'the menu';
    throw new UsageError(
      `--menu: '${source.path}' is refused: ${field}: ${error.message}`,
    );
  }
}
