import type { Interceptor } from '@connectrpc/connect';
import type { RunningCoordinator } from '@taskwire/coordinator';
import { type MountedService, mount } from '@taskwire/gateway';
import { AdminService, FleetService, TaskService } from '@taskwire/proto';

/** The coordinator's own ServiceImpls, for a gateway in the same process. */
export function coordinatorServices(coordinator: RunningCoordinator): MountedService[] {
  return [
    mount(TaskService, coordinator.services.task),
    mount(FleetService, coordinator.services.fleet),
    mount(AdminService, coordinator.services.admin),
  ];
}

/** The coordinator's access check as a Connect interceptor: the same check as on its gRPC port. */
export function coordinatorAccessCheck(coordinator: RunningCoordinator): Interceptor {
  return (next) => async (request) => {
    await coordinator.authorize(request.method, request.header);
    return next(request);
  };
}
