import fc from 'fast-check';

/**
 * Leaf values biased toward what breaks servers: empty, over the documented limits
 * (coordinator/src/runtime/config.ts and validate-spec.ts), NUL and other control characters,
 * lone surrogates (only JSON can carry them: protobuf binary turns them into U+FFFD), SQL LIKE
 * metacharacters, almost-UUIDs, extreme integers and non-finite floats. Every arbitrary also
 * produces ordinary values, so that calls get past validation into the deep paths.
 */

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Characters that PostgreSQL, JSON, logs or LIKE patterns treat specially. */
export const HOSTILE_CHARS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\udbff',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\uffff',
  '\r\n',
  '\\',
  '%',
  '_',
  "'",
  '"',
  '🙂',
] as const;

/**
 * Lengths at which the coordinator cuts text (reason 500, progress step 200 and message 1,000,
 * artifact name 255, error details 16 KiB, quoted ids 64): an astral character (a surrogate pair)
 * across the cut leaves a lone surrogate, which PostgreSQL refuses in jsonb.
 */
export const CUT_LENGTHS = [64, 200, 255, 500, 1000, 16_384] as const;

/** `length - 1` plain characters, then an astral one straddling the cut at `length`. */
export function straddling(length: number): string {
  return `${'x'.repeat(length - 1)}🙂`;
}

/** Lengths just over the limits the coordinator documents (kind 128, key 256, metadata 16 KiB, ...). */
const OVER_LIMIT_LENGTHS = [101, 129, 201, 257, 501, 1001, 16_385, 65_537] as const;
/** Over the payload limit (1 MiB), the gateway's message limit (8 MiB), the gRPC one (16 MiB). */
const HUGE_LENGTHS = [1024 * 1024 + 1, 8 * 1024 * 1024 + 1, 16 * 1024 * 1024 + 1] as const;

const plainText = fc.string({ maxLength: 12 });
/** NUL and lone surrogates, what PostgreSQL refuses in text and jsonb, come most often. */
const hostileChar = fc.oneof(
  { arbitrary: fc.constant('\u0000'), weight: 6 },
  { arbitrary: fc.constantFrom('\ud800', '\udfff', '\udbff'), weight: 4 },
  { arbitrary: fc.constantFrom(...HOSTILE_CHARS), weight: 6 },
);

/** A short ordinary string with one hostile character somewhere (start, middle or end). */
const withHostileChar = fc
  .tuple(plainText, hostileChar, fc.constantFrom('', 'x', 'tail'))
  .map(([head, char, tail]) => head + char + tail);

const repeated = (lengths: readonly number[], chars: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...lengths), fc.constantFrom(...chars))
    .map(([length, char]) => char.repeat(length));

export const uuidLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0190a4f2-0000-7000-8000-00000000000g',
    '0190a4f2000070008000000000000000',
    '{0190a4f2-0000-7000-8000-000000000000}',
    '0190a4f2-0000-7000-8000-000000000000 ',
    '0190a4f2-0000-7000-8000-0000000000000',
  ),
  fc.uuid().map((id) => `${id}\u0000`),
);

/** Text that numeric parsers (Number, BigInt, ::bigint) read in surprising ways. */
const numericText = fc.constantFrom('0', '-1', '1e309', 'NaN', '0x10', ' 1', '9223372036854775808', '1.5');

/** base64/base64url of JSON arrays of hostile strings: cursor-shaped tokens that decode. */
const encodedJson = fc
  .tuple(
    fc.array(fc.oneof(plainText, withHostileChar, uuidLike, numericText), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([parts, url]) => Buffer.from(JSON.stringify(parts)).toString(url ? 'base64url' : 'base64'));

/** Any string field; `small`: no over-limit lengths (elements of a huge list, keys of a huge map). */
export function hostileString(options: { small?: boolean } = {}): fc.Arbitrary<string> {
  // Weights are integers (fast-check's rule); a huge string is about 1 hostile leaf in 6,000.
  const parts: fc.WeightedArbitrary<string>[] = [
    { arbitrary: plainText, weight: 1000 },
    { arbitrary: fc.constant(''), weight: 500 },
    { arbitrary: withHostileChar, weight: 2500 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 400 },
    { arbitrary: uuidLike, weight: 400 },
    { arbitrary: numericText, weight: 400 },
    { arbitrary: encodedJson, weight: 400 },
    { arbitrary: fc.constantFrom(...CUT_LENGTHS).map(straddling), weight: 200 },
  ];
  if (!options.small) {
    parts.push({ arbitrary: repeated(OVER_LIMIT_LENGTHS, ['x', 'é', '\u0000', '\ud800']), weight: 150 });
    // Plain characters only: 16 Mi NULs would be a 100 MB JSON body.
    parts.push({ arbitrary: repeated(HUGE_LENGTHS, ['x', 'é']), weight: 1 });
  }
  return fc.oneof(...parts);
}

/**
 * Ordinary values: what a well-behaved client sends. Most leaves of a generated request are
 * ordinary, so that a request with one hostile field gets past the validation of the others.
 */
export const ordinary = {
  string: (pool: readonly string[] = []) =>
    fc.oneof(
      { arbitrary: fc.constant(''), weight: 1 },
      { arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,10}$/), weight: 2 },
      ...(pool.length > 0 ? [{ arbitrary: fc.constantFrom(...pool), weight: 4 }] : []),
    ),
  bytes: fc.jsonValue({ maxDepth: 1 }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
  int: fc.integer({ min: 0, max: 10 }),
  bigint: fc.bigInt({ min: 0n, max: 10n }),
  double: fc.constantFrom(0, 0.5, 1, 2),
  float: fc.constantFrom(0, 25, 50, 100),
  timestamp: fc.record({
    seconds: fc.bigInt({
      min: BigInt(Math.floor(Date.now() / 1000) - 86_400),
      max: BigInt(Math.floor(Date.now() / 1000) + 86_400),
    }),
    nanos: fc.constant(0),
  }),
  duration: fc.record({ seconds: fc.bigInt({ min: 0n, max: 60n }), nanos: fc.constant(0) }),
};

/** bytes fields: mostly small, sometimes invalid UTF-8 or JSON, sometimes over a size limit. */
export function hostileBytes(options: { small?: boolean } = {}): fc.Arbitrary<Uint8Array> {
  const text = (value: string) => new TextEncoder().encode(value);
  const parts: fc.WeightedArbitrary<Uint8Array>[] = [
    { arbitrary: fc.uint8Array({ maxLength: 16 }), weight: 40 },
    { arbitrary: fc.constant(new Uint8Array()), weight: 20 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => text(JSON.stringify(v))), weight: 30 },
    {
      arbitrary: fc.constantFrom(
        Uint8Array.of(0xff, 0xfe, 0xfd),
        Uint8Array.of(0xc0, 0x80),
        Uint8Array.of(0xed, 0xa0, 0x80),
        text('{"a":'),
        text('\u0000'),
        text('"\\u0000"'),
      ),
      weight: 20,
    },
  ];
  if (!options.small) {
    parts.push({
      arbitrary: fc
        .constantFrom(1024 * 1024 + 1, 4 * 1024 * 1024 + 1)
        .map((length) => new Uint8Array(length).fill(0x61)),
      weight: 1,
    });
  }
  return fc.oneof(...parts);
}

const edge32 = [0, 1, -1, 2, 1000, 1001, -1000, -1001, 10_000, 10_001, INT32_MAX, INT32_MIN] as const;

export const hostileInt32 = fc.oneof(
  { arbitrary: fc.constantFrom(...edge32), weight: 3 },
  { arbitrary: fc.integer({ min: -5, max: 100 }), weight: 3 },
  { arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }), weight: 1 },
);

export const hostileUint32 = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 1000, 1001, 2 ** 32 - 1, INT32_MAX + 1), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }), weight: 1 },
);

const edge64 = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 31n, INT64_MAX, INT64_MIN] as const;

export const hostileInt64 = fc.oneof(
  { arbitrary: fc.constantFrom(...edge64), weight: 3 },
  { arbitrary: fc.bigInt({ min: -5n, max: 100n }), weight: 3 },
  { arbitrary: fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), weight: 1 },
);

export const hostileUint64 = fc.oneof(
  { arbitrary: fc.constantFrom(0n, 1n, 2n ** 53n + 1n, 2n ** 63n, UINT64_MAX), weight: 3 },
  { arbitrary: fc.bigInt({ min: 0n, max: 100n }), weight: 3 },
  { arbitrary: fc.bigInt({ min: 0n, max: UINT64_MAX }), weight: 1 },
);

const nonFinite = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0] as const;

export const hostileDouble = fc.oneof(
  { arbitrary: fc.constantFrom(...nonFinite, 0, 0.5, 1, 2, 100, 101, -1, 1e308, -1e308, 5e-324), weight: 3 },
  { arbitrary: fc.double(), weight: 1 },
);

export const hostileFloat = fc.oneof(
  { arbitrary: fc.constantFrom(...nonFinite, 0, 50, 100, 100.5, -1, 3.4e38, -3.4e38, 1e-45), weight: 3 },
  { arbitrary: fc.float(), weight: 1 },
);

/** Enum numbers: mostly declared values, sometimes unknown ones (negative, past the last, int32 max). */
export function hostileEnum(values: readonly number[]): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...values), weight: 5 },
    { arbitrary: fc.constantFrom(-1, Math.max(...values) + 1, 99, INT32_MAX, INT32_MIN), weight: 1 },
  );
}

/** Seconds of a google.protobuf.Timestamp: now-ish, epoch, year 1, past year 9999, int64 ends. */
const timestampSeconds = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1_700_000_000n, max: 1_900_000_000n }), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      0n,
      -1n,
      -62_135_596_800n,
      -62_135_596_801n,
      253_402_300_799n,
      253_402_300_800n,
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(8_640_000_000_001n, INT64_MAX, INT64_MIN), weight: 1 },
);

const nanos = fc.oneof(
  { arbitrary: fc.constantFrom(0, 500_000_000), weight: 4 },
  { arbitrary: fc.constantFrom(-1, 999_999_999, 1_000_000_000, INT32_MAX, INT32_MIN), weight: 1 },
);

export const hostileTimestamp = fc.record({ seconds: timestampSeconds, nanos });

/** Seconds of a google.protobuf.Duration: short, negative, past the 366-day bound, int64 ends. */
const durationSeconds = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 120n }), weight: 4 },
  { arbitrary: fc.constantFrom(-1n, 31_622_401n, 315_576_000_000n, 315_576_000_001n), weight: 2 },
  { arbitrary: fc.constantFrom(INT64_MAX, INT64_MIN), weight: 1 },
);

export const hostileDuration = fc.record({ seconds: durationSeconds, nanos });
