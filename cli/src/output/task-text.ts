import { parseJsonPayload, type Task } from '@taskwire/proto';

/** What to print for a task's result: the text for stdout, and a note for stderr if needed. */
export interface ResultText {
  stdout?: string;
  note?: string;
}

/**
 * JSON results are printed indented (readable, and still valid JSON for `jq`); text results as
 * they are; other content types are not dumped raw onto a terminal.
 */
export function resultText(task: Task): ResultText {
  const payload = task.result;
  if (!payload || payload.data.length === 0) return {};
  const type = payload.contentType;
  if (type === '' || type === 'application/json') {
    try {
      return { stdout: JSON.stringify(parseJsonPayload(payload), null, 2) };
    } catch {
      return { stdout: new TextDecoder().decode(payload.data), note: 'note: the result is not valid JSON' };
    }
  }
  if (type.startsWith('text/')) return { stdout: String(parseJsonPayload(payload)).replace(/\n$/, '') };
  return {
    note: `result: ${payload.data.length} bytes of ${type}; \`taskwire get ${task.id} --json\` has them (base64)`,
  };
}

/** The lines that tell a person how to answer an input request. */
export function inputHintLines(task: Task): string[] {
  const request = task.inputRequest;
  if (!request) return [];
  const how = request.secret
    ? `taskwire input ${task.id} -   (reads the secret from stdin, keeping it out of shell history)`
    : `taskwire input ${task.id} <answer>`;
  return [`input requested: ${request.prompt}`, `  answer with: ${how}`];
}
