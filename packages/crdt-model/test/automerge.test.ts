import { automergeFactory, workedExamples } from '@brigade/crdt-model/testing';
import { test } from 'uvu';

workedExamples(test, automergeFactory);
test.run();
