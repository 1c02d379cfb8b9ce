import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's openssl: real certificates, made the way an operator would make them. */
const OPENSSL = '/usr/bin/openssl';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A PEM certificate and its key, as files (what the flags take) and as text. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

export interface CertificateRequest {
  /** Subject CN; also a file name stem, so keep it simple. */
  readonly commonName: string;
  /** Subject alternative names, e.g. ['DNS:localhost', 'IP:127.0.0.1']. */
  readonly altNames?: readonly string[];
  /** serverAuth (default) or clientAuth. */
  readonly usage?: 'server' | 'client';
  /** Valid from yesterday for this many days (default 30); `expired`: ended yesterday. */
  readonly validity?: number | 'expired';
}

/**
 * A throwaway certificate authority in `dir`: it issues server and client certificates with the
 * dates and names a test asks for (`openssl ca`, which, unlike `x509 -req`, takes explicit dates,
 * so an expired certificate is a normal one whose time has passed).
 */
export class TestCertificateAuthority {
  private serial = 1;

  private constructor(
    readonly name: string,
    private readonly dir: string,
    readonly certFile: string,
    private readonly keyFile: string,
  ) {}

  /** A new self-signed CA named `name` in `dir/name`. */
  static async create(parentDir: string, name: string): Promise<TestCertificateAuthority> {
    const dir = join(parentDir, name);
    await mkdir(join(dir, 'issued'), { recursive: true });
    const certFile = join(dir, 'ca.pem');
    const keyFile = join(dir, 'ca.key');
    await openssl([
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await writeFile(join(dir, 'index.txt'), '');
    const authority = new TestCertificateAuthority(name, dir, certFile, keyFile);
    await writeFile(authority.configFile, authority.caConfig());
    return authority;
  }

  private get configFile(): string {
    return join(this.dir, 'ca.cnf');
  }

  /** The CA certificate's PEM text. */
  pem(): Promise<string> {
    return readFile(this.certFile, 'utf8');
  }

  async issue(request: CertificateRequest): Promise<IssuedCertificate> {
    const stem = join(this.dir, 'issued', `${request.commonName}-${this.serial}`);
    const [keyFile, csrFile, certFile, extFile] = ['key', 'csr', 'pem', 'ext'].map((ext) => `${stem}.${ext}`);
    await openssl([
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      keyFile!,
      '-out',
      csrFile!,
      '-subj',
      `/CN=${request.commonName}`,
    ]);
    const usage = request.usage === 'client' ? 'clientAuth' : 'serverAuth';
    const lines = ['[ext]', 'basicConstraints=critical,CA:FALSE', `extendedKeyUsage=${usage}`];
    if (request.altNames?.length) lines.push(`subjectAltName=${request.altNames.join(',')}`);
    await writeFile(extFile!, `${lines.join('\n')}\n`);
    const { start, end } = validityDates(request.validity ?? 30);
    // `openssl ca` takes the next serial number from this file.
    await writeFile(join(this.dir, 'serial'), `${(this.serial++).toString(16).padStart(4, '0')}\n`);
    await openssl([
      'ca',
      '-batch',
      '-notext',
      '-config',
      this.configFile,
      '-in',
      csrFile!,
      '-out',
      certFile!,
      '-startdate',
      start,
      '-enddate',
      end,
      '-extfile',
      extFile!,
      '-extensions',
      'ext',
    ]);
    const [cert, key] = await Promise.all([readFile(certFile!, 'utf8'), readFile(keyFile!, 'utf8')]);
    return { certFile: certFile!, keyFile: keyFile!, cert, key };
  }

  /** The smallest `openssl ca` setup: any subject, the next serial, no prompts. */
  private caConfig(): string {
    return [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `dir = ${this.dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/issued',
      `certificate = ${this.certFile}`,
      `private_key = ${this.keyFile}`,
      'serial = $dir/serial',
      'unique_subject = no',
      'default_md = sha256',
      'policy = any_subject',
      '[any_subject]',
      'commonName = supplied',
      '',
    ].join('\n');
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(args: string[]): Promise<void> {
  try {
    await run(OPENSSL, args, { timeout: 20_000 });
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${failure.stderr || failure.message}`);
  }
}

/** openssl's UTCTime-ish form, YYYYMMDDHHMMSSZ. */
function opensslTime(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function validityDates(validity: number | 'expired'): { start: string; end: string } {
  const now = Date.now();
  if (validity === 'expired')
    return { start: opensslTime(now - 30 * DAY_MS), end: opensslTime(now - DAY_MS) };
  return { start: opensslTime(now - DAY_MS), end: opensslTime(now + validity * DAY_MS) };
}
