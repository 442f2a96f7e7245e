import { idempotencyKeyMaxLength, idJsonSchema } from '@flux-gate/contracts';

/** JSON schemas shared by several routes. */
export const idSchema = idJsonSchema();
export const idempotencyKeySchema = idJsonSchema(idempotencyKeyMaxLength);
/** A queue ticket carries its product id (up to 64 characters) in base64url, with its number, epoch and signature. */
export const ticketSchema = idJsonSchema(256);
export const admissionTokenSchema = idJsonSchema(2048);

export const productStockSchema = {
  type: 'object',
  required: ['productId', 'remaining'],
  properties: { productId: { type: 'string' }, remaining: { type: 'integer' } },
} as const;
