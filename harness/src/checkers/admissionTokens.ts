import type { ErrorCode } from '@flux-gate/contracts';
import type { CheckResult, HistoryEntry, TokenUse, Verdict, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses, orderWitness, requestWitness } from './witness.ts';

type Spoiled = Exclude<TokenUse, 'admitted'>;

/** The refusal that names each kind of spoiled token. */
const namedBy: Record<Spoiled, ErrorCode> = {
  forged: 'token_forged',
  expired: 'token_expired',
  replayed: 'token_replayed',
  other_product: 'token_other_product',
};

/**
 * admission_tokens: no order got through on a forged, expired, replayed or other-product token. The
 * load sends each such token on purpose, from a buyer of its own who orders nothing else, so an
 * answer 200 or any order of that buyer in PostgreSQL is a breach (fail). Each kind sent must be
 * refused at least once with the code that names it, or the check is not proven (unknown): a token
 * refused only as sold_out says nothing of the token check. No answer leaves it unknown too.
 */
export function admissionTokens(input: CheckInput): CheckResult {
  const spoiled = input.history.filter((e): e is HistoryEntry & { token: Spoiled } => e.token !== undefined && e.token !== 'admitted');
  const users = new Set(spoiled.map((e) => e.userId));
  const through: Witness[] = [
    ...spoiled.filter((e) => e.status === 200).map((e) => requestWitness(e, `a ${e.token} token was accepted`)),
    ...input.final.orders.filter((o) => users.has(o.userId)).map((o) => orderWitness(o, 'an order of a buyer who only ever held a spoiled token')),
  ];
  const sent: Record<string, number> = {};
  const named: Record<string, number> = {};
  let unanswered = 0;
  const unproven: Witness[] = [];
  for (const e of spoiled) {
    sent[e.token] = (sent[e.token] ?? 0) + 1;
    if (e.error === namedBy[e.token]) named[e.token] = (named[e.token] ?? 0) + 1;
    if (e.status === 0) unanswered++;
  }
  for (const kind of Object.keys(sent) as Spoiled[]) {
    if (named[kind]) continue;
    const e = spoiled.find((s) => s.token === kind)!;
    unproven.push(requestWitness(e, `no ${kind} token was refused as ${namedBy[kind]}`));
  }
  const admitted = input.history.filter((e) => e.token === 'admitted');
  const verdict: Verdict = through.length ? 'fail' : spoiled.length === 0 || unproven.length || unanswered ? 'unknown' : 'pass';
  const kinds = Object.entries(sent).map(([k, n]) => `${n} ${k} (${named[k] ?? 0} refused as ${namedBy[k as Spoiled]})`).join(', ');
  const summaries: Record<Verdict, string> = {
    fail: `${through.length} order(s) got through on a spoiled token, of ${spoiled.length} sent: ${kinds}.`,
    unknown: spoiled.length
      ? `No spoiled token got through, but ${unproven.length ? `${unproven.length} kind(s) were never refused by their own code` : `${unanswered} got no answer`}: ${kinds}.`
      : 'The load sent no spoiled token: nothing to judge.',
    pass: `None of ${spoiled.length} spoiled token(s) got through, each refused by the code naming it: ${kinds}; ${admitted.filter((e) => e.status === 200).length} of ${admitted.length} order(s) with a good token accepted.`,
  };
  return {
    name: 'admission_tokens',
    verdict,
    summary: summaries[verdict],
    counts: {
      spoiled: spoiled.length,
      through: through.length,
      unanswered,
      ...Object.fromEntries(Object.entries(sent).map(([k, n]) => [k, n])),
      withToken: admitted.length,
      withTokenAccepted: admitted.filter((e) => e.status === 200).length,
    },
    witnesses: firstWitnesses([...through, ...unproven]),
  };
}
