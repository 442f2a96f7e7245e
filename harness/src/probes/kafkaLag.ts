import type { Admin } from '@platformatic/kafka';
import { committedOffsets, topicOffsets } from '@flux-gate/stack';

/** Messages in a topic not yet committed by a consumer group (sum over partitions). */
export async function kafkaLag(admin: Admin, groupId: string, topic: string): Promise<{ lag: number; messages: number }> {
  const [ends, done] = await Promise.all([topicOffsets(admin, topic), committedOffsets(admin, groupId, topic)]);
  let lag = 0;
  let messages = 0;
  for (const p of ends) {
    messages += Number(p.high - p.low);
    const at = done.get(p.partition);
    lag += Number(p.high - (at ?? p.low));
  }
  return { lag, messages };
}
