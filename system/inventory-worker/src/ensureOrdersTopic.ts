import { ordersTopic } from '@flux-gate/contracts';
import type { Admin } from '@platformatic/kafka';

/** Creates the `orders` topic with this many partitions unless it exists (created by anyone, at any time). */
export async function ensureOrdersTopic(admin: Admin, partitions: number): Promise<void> {
  if ((await admin.listTopics()).includes(ordersTopic)) return;
  await admin.createTopics({ topics: [ordersTopic], partitions }).catch(async (err: Error) => {
    // A concurrent creator got there first.
    if (!(await admin.listTopics()).includes(ordersTopic)) throw err;
  });
}
