import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './sendError.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** An onRequest hook answering 401 unless `Authorization: Bearer <token>` matches, compared in constant time. */
export function bearerAuth(token: string) {
  const expected = digest(`Bearer ${token}`);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const given = request.headers.authorization;
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      await sendError(reply.header('www-authenticate', 'Bearer'), 'unauthorized', { message: 'send Authorization: Bearer <ADMIN_TOKEN>' });
    }
  };
}
