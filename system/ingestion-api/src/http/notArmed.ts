/** Detail of the 503 for a product that exists in PostgreSQL but whose sale Redis does not hold. */
export const notArmed = { message: 'the sale is not armed in Redis (was Redis restarted?); re-arm or reseed it' } as const;
