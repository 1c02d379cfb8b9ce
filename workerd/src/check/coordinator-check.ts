import { create } from '@bufbuild/protobuf';
import {
  type Client,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import {
  FleetService,
  grpcServiceDefinition,
  ListWorkersRequestSchema,
  type ListWorkersResponse,
  WorkerStatus,
} from '@taskwire/proto';
import { explainConnectionFailure } from '../stream/connection-failure.js';
import { channelSecurity, type WorkerTls } from '../stream/worker-tls.js';
import type { CheckResult } from './check-result.js';

const FleetServiceClient = makeGenericClientConstructor(grpcServiceDefinition(FleetService), 'FleetService');

type ListWorkersCall = (
  request: object,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response?: ListWorkersResponse) => void,
) => void;

/**
 * Asks each coordinator for its worker list (FleetService.ListWorkers) with the worker's token:
 * an answer proves the address, the port and the gRPC service; the status tells whether the
 * token authenticates. Nothing is registered: the worker stream is not opened. Over TLS when
 * `tls` is given, as the daemon connects.
 */
export async function checkCoordinators(
  addresses: readonly string[],
  token: string | undefined,
  timeoutMs: number,
  tls?: WorkerTls,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let tokenResult: CheckResult | undefined;
  for (const address of addresses) {
    const answer = await listWorkers(address, token, timeoutMs, tls);
    const name = `coordinator ${address}`;
    if (answer.error && !isAuthError(answer.error)) {
      results.push({
        name,
        status: 'fail',
        detail: `not reachable: ${explainConnectionFailure(answer.error.details, tls)?.message ?? reason(answer.error)}`,
      });
      continue;
    }
    const online = answer.response?.workers.filter((worker) => worker.status === WorkerStatus.ONLINE).length;
    results.push({
      name,
      status: 'ok',
      detail: online === undefined ? 'reachable' : `reachable, ${online} worker(s) online`,
    });
    tokenResult ??= judgeToken(token, answer.error);
  }
  results.push(
    tokenResult ??
      (token
        ? { name: 'token', status: 'skip', detail: 'not tried: no coordinator answered' }
        : { name: 'token', status: 'skip', detail: 'no token configured' }),
  );
  return results;
}

function judgeToken(token: string | undefined, error: ServiceError | undefined): CheckResult {
  if (!token) {
    if (error?.code === status.UNAUTHENTICATED) {
      return {
        name: 'token',
        status: 'fail',
        detail: 'the coordinator requires one: give --token or TASKWIRE_TOKEN',
      };
    }
    return { name: 'token', status: 'skip', detail: 'no token configured' };
  }
  if (error?.code === status.UNAUTHENTICATED) {
    return { name: 'token', status: 'fail', detail: `refused: ${error.details}` };
  }
  // PERMISSION_DENIED: the token is known but lacks the viewer role that listing workers needs.
  return { name: 'token', status: 'ok', detail: 'accepted by the coordinator' };
}

function isAuthError(error: ServiceError): boolean {
  return error.code === status.UNAUTHENTICATED || error.code === status.PERMISSION_DENIED;
}

function listWorkers(
  address: string,
  token: string | undefined,
  timeoutMs: number,
  tls: WorkerTls | undefined,
): Promise<{ response?: ListWorkersResponse; error?: ServiceError }> {
  const security = channelSecurity(tls);
  const client = new FleetServiceClient(
    address,
    security.credentials,
    security.options,
  ) as unknown as Client & {
    ListWorkers: ListWorkersCall;
  };
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.ListWorkers(
      create(ListWorkersRequestSchema, {}),
      metadata,
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        client.close();
        resolve(error ? { error } : { response });
      },
    );
  });
}

/** grpc-js details end with an empty "Resolution note:" on a refused connection. */
function reason(error: ServiceError): string {
  return (error.details || error.message).replace(/\s*Resolution note:\s*$/, '');
}
