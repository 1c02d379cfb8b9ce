const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: anything else must never reach a uuid column (the statement would fail). */
export const isUuid = (value: string) => UUID.test(value);
