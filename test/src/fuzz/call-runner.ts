import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { postStreamJson, postUnaryJson } from '../support/connect-json-wire.js';
import type { ServiceCall } from './service-call.js';

/** What a call came to: "OK", "OPEN" (a stream that stayed quiet), a Code name, or a test verdict. */
export interface Outcome {
  readonly code: string;
  readonly message: string;
}

/** Longest a unary call (or a stream's first answer) may take before it counts as a hang. */
const CALL_TIMEOUT_MS = 20_000;
/**
 * How long a stream that owes no first message (WatchTasks, TailTaskLogs with follow) is watched:
 * a refusal comes before any message, so a stream still quiet by then was accepted.
 */
const QUIET_WINDOW_MS = 150;
/** Streams that promise a first message at once: the current state (a quiet one is stalled). */
const PROMISES_FIRST_MESSAGE = new Set(['WatchTask', 'WatchWorkers', 'WatchStats']);

/** Runs generated calls over gRPC to the coordinator or Connect JSON to its gateway. */
export class CallRunner {
  private readonly grpc: Transport;
  // biome-ignore lint/suspicious/noExplicitAny: methods are looked up by name from the descriptor.
  private readonly clients = new Map<string, Record<string, (...args: any[]) => any>>();

  /** The in-process gateway's base URL (it changes when the coordinator restarts). */
  gatewayUrl: string;

  constructor(coordinatorAddress: string, gatewayUrl: string) {
    this.gatewayUrl = gatewayUrl;
    this.grpc = createGrpcTransport({
      baseUrl: `http://${coordinatorAddress}`,
      // Node's client session refuses new streams (ENHANCE_YOUR_CALM) while more than 10 MB are
      // buffered in it: a generated 16 MiB request would make the client refuse its neighbours.
      nodeOptions: { maxSessionMemory: 1024 },
    });
  }

  async run(call: ServiceCall): Promise<Outcome> {
    const stop = new AbortController();
    const streaming = call.method.methodKind === 'server_streaming';
    const promised = PROMISES_FIRST_MESSAGE.has(call.method.name);
    const waitMs = !streaming || promised ? CALL_TIMEOUT_MS : QUIET_WINDOW_MS;
    let timedOut = false;
    let cancelled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort();
    }, waitMs);
    const cancel =
      call.cancelAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            cancelled = true;
            stop.abort();
          }, call.cancelAfterMs);
    const headers: Record<string, string> =
      call.auth.header === null ? {} : { authorization: call.auth.header };
    try {
      if (!streaming) {
        await this.unary(call, headers, stop.signal);
        return { code: 'OK', message: '' };
      }
      const first = await this.stream(call, headers, stop.signal).next();
      return { code: 'OK', message: first.done ? 'the stream ended' : 'first message' };
    } catch (error) {
      if (cancelled) return { code: 'CANCELLED_BY_CLIENT', message: '' };
      if (timedOut) {
        if (!streaming) return { code: 'TIMEOUT', message: `no answer within ${waitMs} ms` };
        if (promised) return { code: 'STALLED', message: `no first message within ${waitMs} ms` };
        return { code: 'OPEN', message: 'accepted, quiet' };
      }
      const connectError = ConnectError.from(error);
      return { code: Code[connectError.code] ?? String(connectError.code), message: connectError.rawMessage };
    } finally {
      clearTimeout(timer);
      clearTimeout(cancel);
      stop.abort();
    }
  }

  private async unary(call: ServiceCall, headers: Record<string, string>, signal: AbortSignal) {
    if (call.protocol === 'grpc') {
      await this.grpcMethod(call)(call.request, { headers, signal });
      return;
    }
    const json = await postUnaryJson(this.urlOf(call), call.jsonBody(), { headers, signal });
    decodable(call, json);
  }

  private async *stream(call: ServiceCall, headers: Record<string, string>, signal: AbortSignal) {
    if (call.protocol === 'grpc') {
      yield* this.grpcMethod(call)(call.request, { headers, signal }) as AsyncIterable<unknown>;
      return;
    }
    for await (const json of postStreamJson(this.urlOf(call), call.jsonBody(), { headers, signal })) {
      decodable(call, json);
      yield json;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: methods are looked up by name from the descriptor.
  private grpcMethod(call: ServiceCall): (...args: any[]) => any {
    let client = this.clients.get(call.service.typeName);
    if (!client) {
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      client = createClient(call.service, this.grpc) as Record<string, (...args: any[]) => any>;
      this.clients.set(call.service.typeName, client);
    }
    return client[call.method.localName]!;
  }

  private urlOf(call: ServiceCall): string {
    return `${this.gatewayUrl}/${call.service.typeName}/${call.method.name}`;
  }
}

/** A response our own schema cannot read is a server fault too. */
function decodable(call: ServiceCall, json: JsonValue): void {
  try {
    fromJson(call.method.output, json, { ignoreUnknownFields: true });
  } catch (error) {
    throw new ConnectError(`the response does not decode: ${(error as Error).message}`, Code.DataLoss);
  }
}
