import { idPattern, idRule } from '@flux-gate/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from './sendError.ts';

/** The field a schema validation error is about: `userId`, `orderId`, `idempotency-key`, or `body`. */
function offendingField(error: FastifyError): string {
  const first = error.validation?.[0];
  const missing = first?.params && 'missingProperty' in first.params ? String(first.params.missingProperty) : undefined;
  const extra = first?.params && 'additionalProperty' in first.params ? String(first.params.additionalProperty) : undefined;
  const path = first?.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (extra !== undefined) return path ? `${path}.${extra}` : extra;
  return missing ?? (path || error.validationContext || 'body');
}

/**
 * Maps every error to the catalogue. Client mistakes get their 4xx, and a request no route takes
 * (its body refused before the not-found handler ran) gets `notFound`'s answer; anything else is
 * logged and answered 503 unavailable, so no driver's message reaches a client.
 */
export function errorHandler(log: Logger, notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // No route takes this method and path: whatever its body, the answer is 404 or 405.
    if (request.is404) return notFound(request, reply);
    if (error.validation) {
      const field = offendingField(error);
      const first = error.validation[0];
      const rule =
        first?.keyword === 'pattern' && first.params.pattern === idPattern ? idRule : first?.keyword === 'additionalProperties' ? 'is not a field of this request' : (first?.message ?? 'is invalid');
      return sendError(reply, 'invalid_request', { field, message: `${field} ${rule}` });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 'payload_too_large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 'unsupported_media_type', { message: 'send the body as application/json' });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, 'invalid_request', { field: 'body', message: 'body is empty or not valid JSON' });
    }
    log.error({ err: error.message, code: error.code, method: request.method, url: request.url }, 'request failed on a dependency');
    return sendError(reply, 'unavailable');
  };
}
