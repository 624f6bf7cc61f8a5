import { conformance, yjsFactory } from '@brigade/crdt-model/testing';
import { test } from 'uvu';
import { scheduleOptions } from './schedule-options.ts';

conformance(test, yjsFactory, scheduleOptions());
test.run();
