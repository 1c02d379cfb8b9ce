// A handler module in TypeScript with a typed, validated payload. workerd compiles it on load:
//   node workerd/dist/main.js --handlers workerd/examples/handlers
// workerd only strips the types; check them with: npx tsc -p workerd/examples
import { defineHandlers, jsonSchema, sleep, withPayload } from '@taskwire/workerd';
import { fileName } from './_names.js';

interface ReportPayload {
  title: string;
  sections: string[];
  /** Pretend work per section. */
  delayMs?: number;
}

// The type argument makes tsc check the schema against ReportPayload (optional -> nullable).
const reportPayload = jsonSchema<ReportPayload>({
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1 },
    sections: { type: 'array', items: { type: 'string' }, minItems: 1 },
    delayMs: { type: 'integer', minimum: 0, maximum: 10_000, nullable: true, default: 200 },
  },
  required: ['title', 'sections'],
  additionalProperties: false,
});

export const handlers = defineHandlers({
  // taskwire submit example.report '{"title":"Q3","sections":["sales","costs"]}' --wait
  // A payload without "title" fails at once (INVALID_PAYLOAD: payload.title is required).
  'example.report': withPayload(reportPayload, async (ctx) => {
    const { title, sections, delayMs = 200 } = ctx.payload;
    for (const [index, section] of sections.entries()) {
      ctx.progress(Math.round((index / sections.length) * 100), section);
      await sleep(delayMs, ctx.signal); // rejects as soon as the task is cancelled
      ctx.log(`wrote section ${section}`);
    }
    return { file: fileName(title, 'md'), sections: sections.length };
  }),
});
