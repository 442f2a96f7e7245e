/** Tickets the broken random-order mode shuffles among: the serving counter may run this far past the last ticket. */
export const scrambleBlock = 256;

/**
 * The serving-counter value at which a ticket is admitted: its own number, in ticket order.
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_RANDOM_ADMISSION): each block of 256 tickets is admitted
 * in a scrambled order (an affine permutation, a different one per block), so that a ticket may
 * be let in up to 255 places before or after its turn. For the harness's fifo_fairness self-test.
 */
export function admissionRank(ticket: number, scrambled: boolean): number {
  if (!scrambled) return ticket;
  const offset = (ticket - 1) % scrambleBlock;
  const block = ticket - 1 - offset;
  const shift = (block / scrambleBlock) * 97 + 31;
  return block + ((offset * 157 + shift) % scrambleBlock) + 1;
}
