import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';

/** What the call log writes through (a pino logger fits). */
export interface CallLogger {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** Codes that say the gateway or its coordinator failed, not the caller: worth an operator's eye. */
const SERVER_FAULTS = new Set([
  Code.Unknown,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
  Code.DeadlineExceeded,
]);

/**
 * Logs every call at debug (method, code, duration) and the calls that end in a server-side
 * failure (a coordinator unreachable, an internal error) at warn, streams included: a standalone
 * gateway is otherwise silent about an upstream that fails its callers.
 */
export function callLog(logger: CallLogger): Interceptor {
  return (next) => async (request) => {
    const start = performance.now();
    const method = `${request.service.typeName}/${request.method.name}`;
    const done = (error?: unknown) => {
      const code = error === undefined ? undefined : ConnectError.from(error).code;
      const fields = {
        event: 'gateway.call',
        method,
        code: code === undefined ? 'ok' : Code[code],
        duration_ms: Math.round((performance.now() - start) * 10) / 10,
        ...(error === undefined ? {} : { error: ConnectError.from(error).rawMessage }),
      };
      if (code !== undefined && SERVER_FAULTS.has(code)) logger.warn(fields, 'call failed');
      else logger.debug(fields, 'call');
    };
    let response: Awaited<ReturnType<typeof next>>;
    try {
      response = await next(request);
    } catch (error) {
      done(error);
      throw error;
    }
    if (!response.stream) {
      done();
      return response;
    }
    const messages = response.message;
    async function* logged() {
      try {
        yield* messages;
      } catch (error) {
        done(error);
        throw error;
      }
      done();
    }
    return { ...response, message: logged() };
  };
}
