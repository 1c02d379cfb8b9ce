import { createHash, randomBytes } from 'node:crypto';

/**
 * A new token secret: 32 random bytes. With full entropy, a plain SHA-256 is a safe stored form
 * (no salt or slow hash needed: there is nothing to guess), and lookups stay one index probe.
 */
export function newTokenSecret(): string {
  return `tw_${randomBytes(32).toString('base64url')}`;
}

export function hashTokenSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
