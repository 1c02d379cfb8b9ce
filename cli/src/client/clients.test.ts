import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRouterTransport } from '@connectrpc/connect';
import { FleetService } from '@taskwire/proto';
import { bearerToken, clientsFor } from './clients.js';

test('bearerToken sends the token on every call', async () => {
  const seen: (string | null)[] = [];
  const transport = createRouterTransport(
    ({ service }) =>
      service(FleetService, {
        listWorkers(_request, context) {
          seen.push(context.requestHeader.get('authorization'));
          return {};
        },
      }),
    { transport: { interceptors: [bearerToken('s3cret')] } },
  );
  await clientsFor(transport).fleet.listWorkers({});
  assert.deepEqual(seen, ['Bearer s3cret']);
});
