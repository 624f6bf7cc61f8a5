import { workedExamples, yjsFactory } from '@brigade/crdt-model/testing';
import { test } from 'uvu';

workedExamples(test, yjsFactory);
test.run();
