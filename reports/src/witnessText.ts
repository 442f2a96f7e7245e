import type { CheckResult, Witness } from '@flux-gate/run-format';

/** A witness's fields in the order every report shows them, with their labels. */
export const witnessFields: [keyof Witness, string][] = [
  ['orderId', 'order id'],
  ['userId', 'user'],
  ['productId', 'product'],
  ['http', 'HTTP outcome'],
  ['kafkaOffset', 'Kafka offset'],
  ['dbRow', 'DB row'],
  ['note', 'note'],
];

/** One witness on one line: "order id o-1 · user u-1 · HTTP outcome 200 accepted". */
export function witnessText(w: Witness): string {
  return witnessFields
    .filter(([k]) => w[k] !== undefined && w[k] !== '')
    .map(([k, label]) => `${label} ${w[k]}`)
    .join(' · ');
}

/** A check in plain text: its summary, its counts, then one line per witness. */
export function checkText(check: CheckResult): string {
  const counts = Object.entries(check.counts ?? {}).map(([k, v]) => `${k} ${v}`);
  const witnesses = check.witnesses ?? [];
  return [
    check.summary,
    ...(counts.length ? [`counts: ${counts.join(', ')}`] : []),
    ...(witnesses.length ? [`witnesses (${witnesses.length}):`, ...witnesses.map((w) => `  - ${witnessText(w)}`)] : []),
  ].join('\n');
}
