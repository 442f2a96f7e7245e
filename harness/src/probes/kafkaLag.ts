import type { Admin } from 'kafkajs';

/** Messages in a topic not yet committed by a consumer group (sum over partitions). */
export async function kafkaLag(admin: Admin, groupId: string, topic: string): Promise<{ lag: number; messages: number }> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  let messages = 0;
  for (const p of ends) {
    const high = Number(p.high);
    const low = Number(p.low);
    messages += high - low;
    const at = done.get(p.partition);
    lag += high - (at === undefined || at < 0 ? low : at);
  }
  return { lag, messages };
}
