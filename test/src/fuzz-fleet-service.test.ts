import { test } from 'node:test';
import { FleetService } from '@taskwire/proto';
import { fuzzService } from './fuzz/service-fuzz.js';

test('every FleetService method answers hostile input with a code a user can act on', (t) =>
  fuzzService(t, FleetService));
