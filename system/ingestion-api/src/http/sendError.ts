import { type ErrorBody, type ErrorCode, errorCodes } from '@flux-gate/contracts';
import type { FastifyReply } from 'fastify';

/** JSON schema of every error body, for the response schemas of the routes. */
export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', enum: Object.keys(errorCodes) },
    field: { type: 'string' },
    orderId: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

const bare = Object.fromEntries(Object.keys(errorCodes).map((code) => [code, { error: code }])) as Record<ErrorCode, ErrorBody>;

/** Replies with a code from the one catalogue, at its status; detail never carries a driver's message. */
export function sendError(reply: FastifyReply, error: ErrorCode, detail?: Omit<ErrorBody, 'error'>): FastifyReply {
  return reply.code(errorCodes[error]).send(detail ? { error, ...detail } : bare[error]);
}
