import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './sendError.ts';

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * The handler of a request no route takes: 405 method_not_allowed with `Allow` (RFC 9110) when the
 * path has routes for other methods, else 404 not_found.
 */
export function notFoundHandler(app: () => FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const url = request.url.split('?')[0] ?? '';
    const allowed = methods.filter((method) => app().findRoute({ method, url }) !== null);
    if (allowed.length === 0) return sendError(reply, 'not_found');
    return sendError(reply.header('allow', allowed.join(', ')), 'method_not_allowed', { message: `${request.url.split('?')[0]} takes ${allowed.join(', ')}` });
  };
}
