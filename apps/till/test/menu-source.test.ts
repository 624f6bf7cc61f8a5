import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@brigade/cli';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMenu } from '../src/core/menu-source.ts';

let dir = '';
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

function refused(path: string, pattern: RegExp) {
  try {
    loadMenu({ kind: 'file', path });
    assert.unreachable('expected the menu to be refused');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, pattern);
  }
}

test('loads the demo menu and a valid menu file', () => {
  assert.is(loadMenu({ kind: 'demo' }), demoMenu);
  assert.is(loadMenu({ kind: 'none' }), null);
  const file = join(dir, 'menu.json');
  writeFileSync(file, JSON.stringify(demoMenu));
  assert.equal(loadMenu({ kind: 'file', path: file })?.items, demoMenu.items);
});

test('refuses a bad menu file naming the field at fault', () => {
  const menu = structuredClone(demoMenu) as unknown as {
    items: { price: unknown }[];
  };
  menu.items[3]!.price = 12.5;
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify(menu));
  refused(file, /field 'items\[3\]\.price'/);
});

test('refuses a file that is missing or not JSON', () => {
  refused(join(dir, 'missing.json'), /cannot read .*ENOENT/);
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{"items": [');
  refused(file, /is not JSON/);
});

test.run();
