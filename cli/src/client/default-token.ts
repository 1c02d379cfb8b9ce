import { readFileSync } from 'node:fs';

/** Where `taskwire dev` saves its admin token; commands run from the same folder read it. */
export const DEV_TOKEN_FILE = '.taskwire/token';

/** The token in DEV_TOKEN_FILE, if that file exists in the working directory. */
export function devTokenFromFile(): string | undefined {
  try {
    return readFileSync(DEV_TOKEN_FILE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
