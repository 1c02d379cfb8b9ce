import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

/**
 * A PostgreSQL cluster of its own (initdb in a temp dir, a free loopback port), for tests that
 * stop, start or otherwise mistreat the server: never the machine's shared server. As root the
 * server runs as the `postgres` user (initdb refuses root) via runuser. The cluster is stopped and
 * its directory removed by destroy(), and also when the process exits without calling it.
 */
export interface ThrowawayPostgresOptions {
  /** postgresql.conf settings added to the defaults (listen_addresses, port, socket dir). */
  settings?: Record<string, string | number>;
  /** How long pg_ctl waits for a start or stop. Default 60 s. */
  waitSeconds?: number;
}

const live = new Set<ThrowawayPostgres>();
let exitHookInstalled = false;

export class ThrowawayPostgres {
  #running = false;
  #destroyed = false;

  private constructor(
    /** The temp dir: data/ (the cluster), log (the server's log), and the Unix socket. */
    readonly dir: string,
    readonly port: number,
    private readonly binDir: string,
    private readonly runAs: RunAs | undefined,
    private readonly waitSeconds: number,
  ) {}

  /** initdb on a free port, then start; resolves once the server accepts connections. */
  static async create(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
    const binDir = postgresBinDir();
    const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
    const dir = await mkdtemp(join(tmpdir(), 'taskwire-pg-'));
    if (runAs) await chown(dir, runAs.uid, runAs.gid);
    const cluster = new ThrowawayPostgres(dir, await freePort(), binDir, runAs, options.waitSeconds ?? 60);
    live.add(cluster);
    installExitHook();
    try {
      // No fsync during initdb (a throwaway cluster) and the C locale (no locale packages needed).
      await cluster.run('initdb', [
        ...['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust'],
        ...['-E', 'UTF8', '--locale=C', '--no-sync'],
      ]);
      const settings = {
        listen_addresses: "'127.0.0.1'",
        port: cluster.port,
        unix_socket_directories: `'${dir}'`,
        max_connections: 200,
        ...options.settings,
      };
      const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
      await appendFile(
        join(cluster.dataDir, 'postgresql.conf'),
        `\n# throwaway-postgres\n${lines.join('\n')}\n`,
      );
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get running(): boolean {
    return this.#running;
  }

  /** Connection string of `database` (default postgres) as user postgres; `params` go in the query. */
  url(database = 'postgres', params: Record<string, string> = {}): string {
    const url = new URL(`postgres://postgres@127.0.0.1:${this.port}/${database}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /** Creates database `name` and returns its connection string. */
  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return this.url(name);
  }

  /** One statement on its own connection (so it survives restarts of the server in between). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(database), connectionTimeoutMillis: 5_000 });
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Starts the server (again) on the same port and data; waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pgCtl(['start', '-l', join(this.dir, 'log')]);
    this.#running = true;
  }

  /** Stops the server: `fast` rolls back open transactions and closes every connection. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.#running) return;
    await this.pgCtl(['stop', '-m', mode]);
    this.#running = false;
  }

  /** The last `lines` lines of the server's log, for failure messages. */
  async logTail(lines = 40): Promise<string> {
    const text = await readFile(join(this.dir, 'log'), 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** Stops the server at once and removes the directory. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    if (this.#running) await this.stop('immediate').catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The same, synchronously, for the process's exit hook. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#running) {
      const [command, args] = this.command('pg_ctl', ['-D', this.dataDir, '-w', 'stop', '-m', 'immediate']);
      spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(args: string[]): Promise<void> {
    return this.run('pg_ctl', ['-D', this.dataDir, '-w', '-t', String(this.waitSeconds), ...args]);
  }

  /** Runs one of the server's programs (as the postgres user when we are root). */
  private async run(program: string, args: string[]): Promise<void> {
    const [command, commandArgs] = this.command(program, args);
    await new Promise<void>((resolve, reject) => {
      execFile(command, commandArgs, { timeout: (this.waitSeconds + 30) * 1000 }, (error, stdout, stderr) => {
        if (!error) return resolve();
        reject(new Error(`${program} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      });
    });
  }

  private command(program: string, args: string[]): [string, string[]] {
    const path = join(this.binDir, program);
    return this.runAs ? ['runuser', ['-u', this.runAs.name, '--', path, ...args]] : [path, args];
  }
}

interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

function postgresUser(): RunAs {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0 || !Number.isInteger(gid)) {
    throw new Error('running as root, but there is no `postgres` user to run a throwaway PostgreSQL as');
  }
  return { name: 'postgres', uid, gid };
}

/**
 * Where initdb and pg_ctl are: TASKWIRE_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin
 * (Debian's layout), else `pg_config --bindir`.
 */
export function postgresBinDir(): string {
  const given = process.env['TASKWIRE_PG_BIN'];
  if (given) return given;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bindir = fromConfig.status === 0 ? fromConfig.stdout.trim() : '';
  if (bindir && existsSync(join(bindir, 'initdb'))) return bindir;
  throw new Error(
    'no PostgreSQL server programs found (initdb, pg_ctl): install postgresql or set TASKWIRE_PG_BIN',
  );
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cluster of live) cluster.destroySync();
  });
}
