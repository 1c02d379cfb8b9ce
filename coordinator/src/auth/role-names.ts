import { Code, ConnectError } from '@connectrpc/connect';
import { Role } from '@taskwire/proto';
import type { RoleName } from '../sql/tokens-sql.js';

const TO_PROTO: Record<RoleName, Role> = {
  viewer: Role.VIEWER,
  submitter: Role.SUBMITTER,
  worker: Role.WORKER,
  admin: Role.ADMIN,
};

export function roleToProto(name: RoleName): Role {
  return TO_PROTO[name];
}

export function roleFromProto(role: Role, field = 'role'): RoleName {
  const entry = Object.entries(TO_PROTO).find(([, value]) => value === role);
  if (!entry) {
    throw new ConnectError(`${field}: must be one of viewer, submitter, worker, admin`, Code.InvalidArgument);
  }
  return entry[0] as RoleName;
}
