import { type DescMessage, type MessageShape, toJson } from '@bufbuild/protobuf';
import type { OutputStream } from '../io.js';

/**
 * Writes a message as protobuf JSON on one line. One line per object is what `--json` promises,
 * so streams and single answers read the same way (`jq` handles both).
 */
export function writeJsonLine<Desc extends DescMessage>(
  out: OutputStream,
  schema: Desc,
  message: MessageShape<Desc>,
): void {
  out.write(`${JSON.stringify(toJson(schema, message))}\n`);
}
