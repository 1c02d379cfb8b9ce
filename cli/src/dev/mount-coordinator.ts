import type { RunningCoordinator } from '@taskwire/coordinator';
import { type MountedService, mount } from '@taskwire/gateway';
import { FleetService, TaskService } from '@taskwire/proto';

/** The coordinator's own ServiceImpls, for a gateway in the same process. */
export function coordinatorServices(coordinator: RunningCoordinator): MountedService[] {
  return [mount(TaskService, coordinator.services.task), mount(FleetService, coordinator.services.fleet)];
}
