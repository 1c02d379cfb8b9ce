import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { type AdminService, type ApiToken, ApiTokenSchema, type Role } from '@taskwire/proto';
import { v7 as uuidv7 } from 'uuid';
import type { AccessControl } from '../auth/access-control.js';
import { roleFromProto, roleToProto } from '../auth/role-names.js';
import { hashTokenSecret, newTokenSecret } from '../auth/token-secret.js';
import { insertToken, listTokenRows, revokeTokenRow, type TokenRow } from '../sql/tokens-sql.js';
import type { Db } from '../store/db.js';
import { validateId } from '../tasks/validate-spec.js';

function tokenToProto(row: TokenRow): ApiToken {
  return create(ApiTokenSchema, {
    id: row.id,
    name: row.name,
    role: roleToProto(row.role),
    createdAt: timestampFromDate(row.created_at),
    ...(row.revoked_at ? { revokedAt: timestampFromDate(row.revoked_at) } : {}),
  });
}

/** Creates a token; the secret is returned to the caller and only its hash is stored. */
export async function createToken(db: Db, access: AccessControl, name: string, role: Role) {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new ConnectError('name: must be 1 to 100 characters', Code.InvalidArgument);
  }
  const secret = newTokenSecret();
  const row = await insertToken(db, {
    id: uuidv7(),
    name: trimmed,
    role: roleFromProto(role),
    token_hash: hashTokenSecret(secret),
  });
  access.forget();
  return { token: tokenToProto(row), secret };
}

/** AdminService: token management (admin role only, see auth/access-policy.ts). */
export function adminService(db: Db, access: AccessControl): ServiceImpl<typeof AdminService> {
  return {
    createToken: (request) => createToken(db, access, request.name, request.role),

    async listTokens(request) {
      return { tokens: (await listTokenRows(db, request.includeRevoked)).map(tokenToProto) };
    },

    async revokeToken(request) {
      const id = validateId(request.id);
      const row = await revokeTokenRow(db, id);
      if (!row) throw new ConnectError(`token ${id} not found`, Code.NotFound);
      access.forget();
      return { token: tokenToProto(row) };
    },
  };
}
