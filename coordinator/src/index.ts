export { type CoordinatorOptions, type RunningCoordinator, startCoordinator } from './coordinator.js';
