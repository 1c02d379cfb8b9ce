import type { Interceptor } from '@connectrpc/connect';

/** Adds `authorization: Bearer <token>` to every call (the coordinator's and gateway's auth). */
export function bearerToken(token: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
}
