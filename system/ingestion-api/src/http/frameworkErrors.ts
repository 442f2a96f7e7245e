import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './sendError.ts';

const marker = 'not-utf-8';

/** The route parameter of `url` whose percent-encoding is not UTF-8, found by routing the URL with that segment replaced. */
function undecodableParam(app: FastifyInstance, method: string, url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const segments = path.split('/').map((segment) => {
    try {
      decodeURIComponent(segment);
      return segment;
    } catch {
      return marker;
    }
  });
  const route = app.findRoute({ method: method as 'GET', url: segments.join('/') });
  const params = (route?.params ?? {}) as Record<string, string>;
  return Object.keys(params).find((name) => params[name] === marker);
}

/**
 * Fastify's `frameworkErrors`: the errors its router raises before a route runs, answered from the
 * one catalogue. A path whose percent-encoding is not UTF-8 (a lone surrogate's bytes, a cut
 * sequence) gets 400 invalid_request naming the route parameter.
 */
export function frameworkErrors(app: () => FastifyInstance) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (error.code === 'FST_ERR_BAD_URL') {
      const field = undecodableParam(app(), request.method, request.url) ?? 'url';
      void sendError(reply, 'invalid_request', { field, message: `${field} is not UTF-8 once percent-decoded` });
      return;
    }
    void sendError(reply, 'invalid_request', { field: 'url', message: 'a part of the path is too long' });
  };
}
