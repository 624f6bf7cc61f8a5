import { automergeFactory, conformance } from '@brigade/crdt-model/testing';
import { test } from 'uvu';
import { scheduleOptions } from './schedule-options.ts';

conformance(test, automergeFactory, scheduleOptions());
test.run();
