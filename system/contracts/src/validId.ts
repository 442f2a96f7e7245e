/**
 * What an id is, the one definition for the API's JSON schemas (and so its OpenAPI document) and the
 * inventory worker's decoding: a buyer is never told "accepted" for an order the worker would refuse.
 *
 * An id is 1 to `maxLength` characters (Unicode code points, as JSON Schema counts them), none of
 * them a control character (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F) and none a lone
 * surrogate (U+D800–U+DFFF outside a pair). NUL is a control character PostgreSQL's text cannot hold;
 * a lone surrogate has no UTF-8 form, so Redis, Kafka and PostgreSQL would each store U+FFFD instead
 * and the same id would be two different ids on its way through; the other control characters break
 * logs, headers and the waiting-room URL.
 */
export const idPattern = '^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$';

/** Most characters of a user or product id. */
export const idMaxLength = 64;
/** Most characters of an Idempotency-Key. */
export const idempotencyKeyMaxLength = 128;

/** In words, for error messages. */
export const idRule = 'must hold no control character (such as NUL) and no lone surrogate';

/**
 * The JSON schema of an id of at most `maxLength` characters. With the `u` flag (Ajv's default) the
 * pattern reads code points, so a surrogate pair is one character and a lone one is refused; Python's
 * `re` (Schemathesis) reads it the same way.
 */
export function idJsonSchema(maxLength: number = idMaxLength) {
  return { type: 'string', minLength: 1, maxLength, pattern: idPattern } as const;
}

const idRegExp = new RegExp(idPattern, 'u');

/** Why `value` is not an id of at most `maxLength` characters (a phrase after the field's name), or undefined when it is one. */
export function idProblem(value: unknown, maxLength: number = idMaxLength): string | undefined {
  if (typeof value !== 'string') return 'is not a string';
  if (value === '') return 'is empty';
  if (!idRegExp.test(value)) return idRule;
  let chars = 0;
  for (const _ of value) if (++chars > maxLength) return `is longer than ${maxLength} characters`;
  return undefined;
}
