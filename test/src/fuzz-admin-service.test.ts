import { test } from 'node:test';
import { AdminService } from '@taskwire/proto';
import { fuzzService } from './fuzz/service-fuzz.js';

test('every AdminService method answers hostile input with a code a user can act on', (t) =>
  fuzzService(t, AdminService));
