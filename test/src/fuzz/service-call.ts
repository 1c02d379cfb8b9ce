import type { DescMethod, DescService, Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describeBody } from './describe-json.js';
import { type JsonMutation, jsonMutation, mutatedBody, mutationPath } from './json-mutation.js';
import { lenientJson } from './lenient-json.js';
import type { MessageArbitraries } from './message-arbitrary.js';

/** gRPC binary straight to the coordinator, or Connect JSON through its in-process gateway. */
export type WireProtocol = 'grpc' | 'connect-json';

/** The authorization header a call sends: a label for reports, and the value (null: none). */
export interface AuthChoice {
  readonly label: string;
  readonly header: string | null;
}

/** One generated call: which method, over which protocol, with what request and credentials. */
export class ServiceCall {
  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    readonly protocol: WireProtocol,
    readonly request: Message,
    readonly auth: AuthChoice,
    readonly mutation: JsonMutation | undefined,
    /** A stream the client cancels this many ms after opening it, answered or not. */
    readonly cancelAfterMs: number | undefined,
  ) {}

  get name(): string {
    return `${this.service.name}.${this.method.name}`;
  }

  /** The Connect JSON body (mutated when a mutation was drawn). */
  jsonBody(): string {
    return mutatedBody(lenientJson(this.method.input, this.request), this.mutation);
  }

  /** What a failure report prints (fast-check prints counterexamples with this). */
  [fc.toStringMethod](): string {
    const json = lenientJson(this.method.input, this.request);
    const landed = mutationPath(json, this.mutation);
    const mutation = this.mutation
      ? ` mutation=${JSON.stringify(this.mutation).slice(0, 120)}${landed ? ` at ${landed}` : ''}`
      : '';
    const body =
      this.protocol === 'connect-json' ? describeBody(this.jsonBody()) : describeBody(JSON.stringify(json));
    return `${this.name} over ${this.protocol} auth=${this.auth.label} request=${body}${mutation}`;
  }
}

/** The methods to fuzz: all, or those TASKWIRE_FUZZ_METHODS names (a local run chasing one failure). */
export function fuzzedMethods(service: DescService): DescMethod[] {
  const only = process.env['TASKWIRE_FUZZ_METHODS']?.split(',');
  const methods = service.methods.filter((method) => !only || only.includes(method.name));
  if (methods.length === 0) throw new Error(`TASKWIRE_FUZZ_METHODS names no method of ${service.name}`);
  return methods;
}

/** One stream in five is cancelled by the client right after it opened (before any answer). */
const earlyCancel = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 1 },
);

/**
 * Calls of any method of `service`: the method, then a request generated from its input
 * descriptor, a protocol, sometimes a JSON-only mutation, sometimes other credentials, and for
 * streams sometimes a cancel at once.
 */
export function serviceCalls(
  service: DescService,
  messages: MessageArbitraries,
  auth: fc.Arbitrary<AuthChoice>,
): fc.Arbitrary<ServiceCall> {
  const protocol = fc.oneof(
    fc.record({ protocol: fc.constant<WireProtocol>('grpc'), mutation: fc.constant(undefined) }),
    fc.record({
      protocol: fc.constant<WireProtocol>('connect-json'),
      // One JSON call in five carries a mutation.
      mutation: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 4 },
        { arbitrary: jsonMutation, weight: 1 },
      ),
    }),
  );
  const methods = fuzzedMethods(service);
  return fc.oneof(
    ...methods.map((method) =>
      fc
        .tuple(
          messages.messages(method.input),
          protocol,
          auth,
          method.methodKind === 'server_streaming' ? earlyCancel : fc.constant(undefined),
        )
        .map(
          ([request, wire, credentials, cancelAfterMs]) =>
            new ServiceCall(
              service,
              method,
              wire.protocol,
              request,
              credentials,
              wire.mutation,
              cancelAfterMs,
            ),
        ),
    ),
  );
}
