import { parse } from 'node:querystring';

/** Stands in for a value whose percent-encoding is not UTF-8: a lone surrogate, which no id schema takes. */
const notUtf8 = '\ud800';

const strictDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return notUtf8;
  }
};

/**
 * Fastify's query-string parser: like the default, except that a value whose percent-encoding is
 * not UTF-8 (bytes of a lone surrogate, a cut sequence) is not kept as its raw text but becomes a
 * value the routes' id schemas refuse, so the answer is a 400 naming the field.
 */
export function parseQuery(query: string): Record<string, string | string[]> {
  return query.length === 0 ? {} : (parse(query, '&', '=', { decodeURIComponent: strictDecode }) as Record<string, string | string[]>);
}
