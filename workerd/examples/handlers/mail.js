// A handler module in plain JavaScript. A JSON schema object checks the payload before the
// handler runs (ctx.payload is then untyped; see report.ts for the typed form).
import { NonRetryableError, withPayload } from '@taskwire/workerd';

const mailPayload = {
  type: 'object',
  properties: {
    to: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
    subject: { type: 'string', maxLength: 200 },
  },
  required: ['to', 'subject'],
  additionalProperties: false,
};

export const handlers = {
  // taskwire submit example.mail '{"to":"ops@example.com","subject":"hello"}'
  'example.mail': withPayload(mailPayload, async (ctx) => {
    const { to, subject } = ctx.payload;
    if (to.endsWith('@example.invalid')) throw new NonRetryableError(`${to} cannot receive mail`);
    const code = await ctx.requestInput(`Send "${subject}" to ${to}? Type yes to confirm`);
    if (code.trim() !== 'yes') return { sent: false };
    ctx.log(`sent "${subject}" to ${to}`);
    return { sent: true };
  }),
};
