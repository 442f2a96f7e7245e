/**
 * What an id is, the one definition for the API (its JSON schemas, and so its OpenAPI document) and
 * the inventory worker's decoding: a buyer is never told "accepted" for an order the worker would
 * refuse.
 *
 * An id is 1 to `maxLength` characters (Unicode code points, as JSON Schema counts them), none of
 * them a control character (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F), and it is well-formed
 * Unicode: no lone surrogate (U+D800–U+DFFF outside a pair). NUL is a control character PostgreSQL's
 * text cannot hold; a lone surrogate has no UTF-8 form, so Redis, Kafka and PostgreSQL would each
 * store U+FFFD instead and one id would become another on its way through; the other control
 * characters break logs, headers and the waiting-room URL.
 *
 * The pattern leaves surrogates out: the validators of other languages (Python's `re`, Rust's regex
 * behind Schemathesis) cannot name them, and a string in those languages cannot hold a lone one. The
 * API refuses a lone surrogate anywhere in a request (hasLoneSurrogate); the worker checks both.
 */
export const idPattern = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';

/** Most characters of a user or product id. */
export const idMaxLength = 64;
/** Most characters of an Idempotency-Key. */
export const idempotencyKeyMaxLength = 128;

/** The pattern's rule in words, for error messages. */
export const idRule = 'must hold no control character (such as NUL)';
/** The well-formedness rule in words. */
export const wellFormedRule = 'is not well-formed Unicode (a lone surrogate, or bytes that are not UTF-8)';

/** The JSON schema of an id of at most `maxLength` characters. */
export function idJsonSchema(maxLength: number = idMaxLength) {
  return { type: 'string', minLength: 1, maxLength, pattern: idPattern } as const;
}

const idRegExp = new RegExp(idPattern, 'u');
/** With the `u` flag a paired surrogate is one code point, so only a lone one is in Cs. */
const loneSurrogate = /\p{Cs}/u;

/** Whether `text` holds a surrogate outside a pair: not well-formed Unicode, with no UTF-8 form. */
export const hasLoneSurrogate = (text: string): boolean => loneSurrogate.test(text);

/** Why `value` is not an id of at most `maxLength` characters (a phrase after the field's name), or undefined when it is one. */
export function idProblem(value: unknown, maxLength: number = idMaxLength): string | undefined {
  if (typeof value !== 'string') return 'is not a string';
  if (value === '') return 'is empty';
  if (hasLoneSurrogate(value)) return wellFormedRule;
  if (!idRegExp.test(value)) return idRule;
  let chars = 0;
  for (const _ of value) if (++chars > maxLength) return `is longer than ${maxLength} characters`;
  return undefined;
}
