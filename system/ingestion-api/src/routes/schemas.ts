/** JSON schemas shared by several routes. */
export const idSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const productStockSchema = {
  type: 'object',
  required: ['productId', 'remaining'],
  properties: { productId: { type: 'string' }, remaining: { type: 'integer' } },
} as const;
