import { test } from 'node:test';
import { FleetService } from '@taskwire/proto';
import { FUZZ_TEST_TIMEOUT_MS } from './fuzz/run-lanes.js';
import { fuzzService } from './fuzz/service-fuzz.js';

test(
  'every FleetService method answers hostile input with a code a user can act on',
  { timeout: FUZZ_TEST_TIMEOUT_MS },
  (t) => fuzzService(t, FleetService),
);
