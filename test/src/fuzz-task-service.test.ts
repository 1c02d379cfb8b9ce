import { test } from 'node:test';
import { TaskService } from '@taskwire/proto';
import { fuzzService } from './fuzz/service-fuzz.js';

test('every TaskService method answers hostile input with a code a user can act on', (t) =>
  fuzzService(t, TaskService));
