import type { Queryable } from '../store/db.js';

export type RoleName = 'viewer' | 'submitter' | 'worker' | 'admin';

export interface TokenRow {
  id: string;
  name: string;
  role: RoleName;
  token_hash: Uint8Array;
  created_at: Date;
  revoked_at: Date | null;
}

/** Stores a new token's hash (never its secret). */
export async function insertToken(q: Queryable, row: Pick<TokenRow, 'id' | 'name' | 'role' | 'token_hash'>) {
  const { rows } = await q.query<TokenRow>(
    'INSERT INTO api_tokens (id, name, role, token_hash) VALUES ($1, $2, $3, $4) RETURNING *',
    [row.id, row.name, row.role, row.token_hash],
  );
  return rows[0]!;
}

/** The token with this hash (the UNIQUE index on token_hash makes this one index probe). */
export async function findTokenByHash(q: Queryable, hash: Uint8Array): Promise<TokenRow | undefined> {
  const { rows } = await q.query<TokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [hash]);
  return rows[0];
}

export async function listTokenRows(q: Queryable, includeRevoked: boolean): Promise<TokenRow[]> {
  const { rows } = await q.query<TokenRow>(
    `SELECT * FROM api_tokens ${includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at DESC, id DESC`,
  );
  return rows;
}

/** Marks a token revoked (keeps the first revocation time); undefined if there is no such token. */
export async function revokeTokenRow(q: Queryable, id: string): Promise<TokenRow | undefined> {
  const { rows } = await q.query<TokenRow>(
    'UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *',
    [id],
  );
  return rows[0];
}

/** Whether any unrevoked token exists: what turns access control on in `auto` mode. */
export async function anyActiveToken(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM api_tokens WHERE revoked_at IS NULL) AS found',
  );
  return rows[0]?.found === true;
}
