import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  type ApiToken,
  CreateTokenResponseSchema,
  ListTokensResponseSchema,
  RevokeTokenResponseSchema,
  Role,
} from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { renderTable } from '../output/table.js';
import { UsageError } from '../usage-error.js';

const ROLES: Record<string, Role> = {
  viewer: Role.VIEWER,
  submitter: Role.SUBMITTER,
  worker: Role.WORKER,
  admin: Role.ADMIN,
};

function roleName(role: Role): string {
  return Object.entries(ROLES).find(([, value]) => value === role)?.[0] ?? String(role);
}

function tokenRows(tokens: readonly ApiToken[]): string[][] {
  const time = (t: ApiToken['createdAt']) => (t ? timestampDate(t).toISOString() : '-');
  return tokens.map((token) => [
    token.id,
    token.name,
    roleName(token.role),
    time(token.createdAt),
    time(token.revokedAt),
  ]);
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [action = '', id = ''] = args.positionals;
  const json = args.flag('json');
  switch (action) {
    case 'create': {
      const name = args.string('name');
      const role = ROLES[args.string('role') ?? ''];
      if (!name) throw new UsageError('token create needs --name (who or what holds the token)');
      if (role === undefined) throw new UsageError('--role: one of viewer, submitter, worker, admin');
      const response = await clients().admin.createToken({ name, role });
      if (json) writeJsonLine(io.stdout, CreateTokenResponseSchema, response);
      else {
        // The secret alone on stdout, so that `TOKEN=$(taskwire token create ...)` works.
        io.stdout.write(`${response.secret}\n`);
        io.stderr.write(
          `token ${response.token?.id} (${roleName(role)}): the secret above is shown only once\n`,
        );
      }
      return ExitCode.Ok;
    }
    case 'list': {
      const response = await clients().admin.listTokens({ includeRevoked: args.flag('all') });
      if (json) writeJsonLine(io.stdout, ListTokensResponseSchema, response);
      else
        io.stdout.write(
          renderTable(['ID', 'NAME', 'ROLE', 'CREATED', 'REVOKED'], tokenRows(response.tokens)),
        );
      return ExitCode.Ok;
    }
    case 'revoke': {
      if (!id) throw new UsageError('token revoke needs the token id (see `taskwire token list`)');
      const response = await clients().admin.revokeToken({ id });
      if (json) writeJsonLine(io.stdout, RevokeTokenResponseSchema, response);
      else io.stdout.write(`revoked ${id}\n`);
      return ExitCode.Ok;
    }
    default:
      throw new UsageError(`"${action}" is not create, list or revoke`);
  }
}

export const tokenCommand: CommandSpec = {
  name: 'token',
  summary: 'create, list and revoke API tokens (admin token required once any exists)',
  details: [
    'taskwire token create --role submitter --name ci   prints the secret (shown once)',
    'taskwire token list [--all]                        metadata only; --all includes revoked',
    'taskwire token revoke ID',
    'Roles: viewer (read and watch), submitter (viewer + submit, cancel, retry, input),',
    'worker (the worker stream only), admin (everything, including drain/resume/remove and tokens).',
    'The first token turns access control on for every coordinator sharing the store.',
  ],
  positionals: [
    { name: 'ACTION', help: 'create, list or revoke' },
    { name: 'ID', help: 'token id (revoke)', optional: true },
  ],
  options: {
    role: { type: 'string', value: 'role', help: 'viewer, submitter, worker or admin (create)' },
    name: { type: 'string', value: 'name', help: 'who or what holds the token (create)' },
    all: { type: 'boolean', help: 'also list revoked tokens (list)' },
  },
  remote: true,
  run,
};
