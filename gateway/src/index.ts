export { type CallLogger, callLog } from './call-log.js';
export { forwardingService } from './forwarder.js';
export {
  type GatewayOptions,
  type MountedService,
  mount,
  type RunningGateway,
  startGateway,
} from './gateway.js';
export { type MetricsSource, serveMetrics } from './metrics-endpoint.js';
