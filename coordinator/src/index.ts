export type { AuthMode } from './auth/access-control.js';
export {
  type CoordinatorOptions,
  type CoordinatorServices,
  type CoordinatorTokens,
  type RunningCoordinator,
  startCoordinator,
} from './coordinator.js';
export { createLogger } from './runtime/logger.js';
