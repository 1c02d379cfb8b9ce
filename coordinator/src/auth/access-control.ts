import { timingSafeEqual } from 'node:crypto';
import type { DescMethod } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import type { ClientCertificate } from '@taskwire/proto';
import { anyActiveToken, findTokenByHash, type RoleName } from '../sql/tokens-sql.js';
import type { Db } from '../store/db.js';
import { methodKey, roleAllows } from './access-policy.js';
import { SubmitRateLimiter } from './submit-rate-limiter.js';
import { hashTokenSecret } from './token-secret.js';

/** `auto`: on as soon as any unrevoked token exists; `required`: always on. */
export type AuthMode = 'auto' | 'required';

const SUBMIT_METHODS = new Set(['TaskService.SubmitTask', 'TaskService.SubmitTasks']);

/**
 * How long a verified token and the "any token exists" answer are trusted without asking the
 * store again. Short, because another coordinator may revoke a token; a revocation made through
 * this coordinator applies at once (forget()).
 */
const CACHE_MS = 2000;
const MAX_CACHED = 10_000;

interface Verified {
  readonly name: string;
  readonly role: RoleName;
  readonly hash: Buffer;
  readonly at: number;
}

/**
 * The one access check, run before every call on both servers (grpc-js guard, Connect
 * interceptor). Secrets are never logged and never kept: only their hashes are looked up.
 */
export class AccessControl {
  private readonly verified = new Map<string, Verified>();
  private enabledAt = Number.NEGATIVE_INFINITY;
  private enabledCache = false;
  private readonly submits: SubmitRateLimiter;

  /** `submitsPerMinute`: submit calls per token and minute; 0 for no limit. */
  constructor(
    private readonly db: Db,
    private readonly mode: AuthMode,
    submitsPerMinute = 0,
  ) {
    this.submits = new SubmitRateLimiter(submitsPerMinute);
  }

  /**
   * `certificate`: the client certificate the TLS handshake verified (mutual TLS). Without a
   * bearer token it stands in for a worker token; a token, when sent, decides the role.
   */
  async check(method: DescMethod, header: Headers, certificate?: ClientCertificate): Promise<void> {
    const key = methodKey(method);
    if (!(await this.enabled())) {
      // Without access control, all callers share one budget.
      if (SUBMIT_METHODS.has(key)) this.submits.take('');
      return;
    }
    if (certificate && !header.has('authorization')) {
      if (roleAllows('worker', method)) return;
      throw new ConnectError(
        `client certificate "${certificate.name}" has role worker, which may not call ${key}; send a token for more`,
        Code.PermissionDenied,
      );
    }
    const secret = bearerSecret(header);
    const token = await this.verify(secret);
    if (!roleAllows(token.role, method)) {
      throw new ConnectError(
        `token "${token.name}" has role ${token.role}, which may not call ${key}`,
        Code.PermissionDenied,
      );
    }
    if (SUBMIT_METHODS.has(key)) this.submits.take(token.hash.toString('base64'));
  }

  /** Forget cached answers: a token was created or revoked here. */
  forget(): void {
    this.verified.clear();
    this.enabledAt = Number.NEGATIVE_INFINITY;
  }

  private async enabled(): Promise<boolean> {
    if (this.mode === 'required') return true;
    if (Date.now() - this.enabledAt > CACHE_MS) {
      this.enabledCache = await anyActiveToken(this.db);
      this.enabledAt = Date.now();
    }
    return this.enabledCache;
  }

  private async verify(secret: string): Promise<Verified> {
    const hash = hashTokenSecret(secret);
    const key = hash.toString('base64');
    const cached = this.verified.get(key);
    if (cached && Date.now() - cached.at <= CACHE_MS && timingSafeEqual(cached.hash, hash)) return cached;
    const row = await findTokenByHash(this.db, hash);
    // The index found the row by hash; compare again in constant time so that no code path
    // depends on how much of a guessed hash matched.
    const stored = row ? Buffer.from(row.token_hash) : undefined;
    if (!row || !stored || stored.length !== hash.length || !timingSafeEqual(stored, hash)) {
      throw new ConnectError('unknown token: check TASKWIRE_TOKEN or --token', Code.Unauthenticated);
    }
    if (row.revoked_at) throw new ConnectError(`token "${row.name}" was revoked`, Code.Unauthenticated);
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    const verified = { name: row.name, role: row.role, hash, at: Date.now() };
    this.verified.set(key, verified);
    return verified;
  }
}

function bearerSecret(header: Headers): string {
  const value = header.get('authorization');
  if (!value) {
    throw new ConnectError(
      'this coordinator requires a token: send "authorization: Bearer <token>" (TASKWIRE_TOKEN or --token)',
      Code.Unauthenticated,
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match) throw new ConnectError('authorization: expected "Bearer <token>"', Code.Unauthenticated);
  return match[1]!;
}
