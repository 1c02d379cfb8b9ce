/**
 * Checks a task's payload before its handler runs and gives the handler the checked value.
 * `jsonSchema()` and `protoSchema()` make one; any object with this shape works too.
 */
export interface PayloadSchema<P> {
  /** Returns the payload as the handler sees it, or throws InvalidPayloadError naming the field. */
  parse(payload: unknown): P;
}
