import { hasLoneSurrogate, wellFormedRule } from '@flux-gate/contracts';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendError } from './sendError.ts';

/** The dotted path of the first key or string under `value` that holds a lone surrogate ('' for `value` itself). */
function illFormedAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (hasLoneSurrogate(key)) return here;
    const found = illFormedAt(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A preValidation hook: a request whose body, path or query holds a string that is not well-formed
 * Unicode (a JSON `\ud800` escape alone, or percent-encoded bytes that are not UTF-8) gets 400
 * invalid_request naming the field. The id schemas' pattern cannot say it (see idPattern), and no
 * store can hold such a string as it was sent.
 */
export function wellFormedRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const at = illFormedAt(request.body, '') ?? illFormedAt(request.params, '') ?? illFormedAt(request.query, '');
  // A callback hook: a well-formed request goes on in the same turn, with no promise to settle first.
  if (at === undefined) return done();
  const field = at || 'body';
  sendError(reply, 'invalid_request', { field, message: `${field} ${wellFormedRule}` });
}
