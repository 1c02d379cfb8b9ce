import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { AdminService, FleetService, TaskService } from '@taskwire/proto/schema';
import { authToken, tokenRefused } from './auth-token.js';

/** Sends the token with every call, and turns a refused token into the login form. */
const withToken: Interceptor = (next) => async (request) => {
  const token = authToken.get();
  if (token) request.header.set('authorization', `Bearer ${token}`);
  try {
    return await next(request);
  } catch (error) {
    if (ConnectError.from(error).code === Code.Unauthenticated) tokenRefused.set(true);
    throw error;
  }
};

// The gateway serves this page, so the API is on the same origin. Binary is smaller than JSON.
const transport = createConnectTransport({
  baseUrl: location.origin,
  useBinaryFormat: true,
  interceptors: [withToken],
});

export const tasks = createClient(TaskService, transport);
export const fleet = createClient(FleetService, transport);
export const admin = createClient(AdminService, transport);
