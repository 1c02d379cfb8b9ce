import type { Clients } from '../client/clients.js';

export interface DemoTasks {
  readonly demoId: string;
  readonly inputId: string;
}

/** One task of each built-in demo kind: one that only reports progress, one that asks a question. */
export async function submitDemoTasks(clients: Clients): Promise<DemoTasks> {
  const demo = await clients.tasks.submitTask({ spec: { kind: 'demo' } });
  const input = await clients.tasks.submitTask({ spec: { kind: 'demo.input' } });
  return { demoId: demo.task?.id ?? '', inputId: input.task?.id ?? '' };
}

/** What to tell the person about them: how to watch each and how to answer the question. */
export function demoHintLines(tasks: DemoTasks, addressFlag: string): string[] {
  return [
    'Demo tasks submitted:',
    `  demo        ${tasks.demoId}   taskwire watch ${tasks.demoId}${addressFlag}`,
    `  demo.input  ${tasks.inputId}   taskwire watch ${tasks.inputId}${addressFlag}`,
    `  demo.input asks for a code; answer it with: taskwire input ${tasks.inputId} 123456${addressFlag}`,
  ];
}
