import fc from 'fast-check';
import type { Outcome } from './call-runner.js';
import type { Failure } from './failure-survey.js';
import { inputFeatures } from './input-features.js';
import { mutationPath } from './json-mutation.js';
import { lenientJson } from './lenient-json.js';
import type { ServiceCall } from './service-call.js';

/** The label of the credentials most calls carry (the fixtures' admin token). */
export const DEFAULT_AUTH_LABEL = 'admin';

/** A call whose outcome is not acceptable, as the survey and the failure report show it. */
export function serviceFailure(call: ServiceCall, outcome: Outcome): Failure {
  const features = inputFeatures(call.method.input, call.request);
  if (call.mutation) {
    const at = mutationPath(lenientJson(call.method.input, call.request), call.mutation);
    features.push(`json ${call.mutation.kind}${at ? ` at ${at.replace(/\[\d+\]/g, '[]')}` : ''}`);
  }
  if (call.auth.label !== DEFAULT_AUTH_LABEL) features.push(`auth: ${call.auth.label}`);
  return {
    subject: call.name,
    protocol: call.protocol,
    code: outcome.code,
    message: outcome.message,
    features,
    example: call[fc.toStringMethod](),
  };
}
