export {
  type CoordinatorOptions,
  type CoordinatorServices,
  type RunningCoordinator,
  startCoordinator,
} from './coordinator.js';
