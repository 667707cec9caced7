package dev.tally.budget.enforce;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tally.events.DeliveryListener;
import dev.tally.events.Topics;

/**
 * This gateway's finished calls that the rolled-up spend may not count yet. A call stays in its
 * budgets' counters until the aggregator's committed offset for its event's partition has passed
 * the event (the offset comes from Kafka's acknowledgement); then the rollup holds it and it leaves
 * the counter, in the same refresh that reads that rollup. Until Kafka acknowledges it (Kafka down:
 * the event waits in the spool) it stays counted here.
 */
final class OwnSpend implements DeliveryListener {

    private static final class Pending {
        final EnforcedBudget[] budgets;
        final long amount;
        volatile int partition = -1;
        volatile long offset;

        Pending(EnforcedBudget[] budgets, long amount) {
            this.budgets = budgets;
            this.amount = amount;
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** A finished call of {@code amount} nano-dollars, counted in {@code budgets} until rolled up. */
    void track(String eventId, EnforcedBudget[] budgets, long amount) {
        pending.put(eventId, new Pending(budgets, amount));
    }

    @Override
    public void delivered(String topic, String id, int partition, long offset) {
        if (!Topics.USAGE.equals(topic)) {
            return;
        }
        Pending p = pending.get(id);
        if (p != null) {
            p.offset = offset;
            p.partition = partition;
        }
    }

    /**
     * Takes out of the counters every call the aggregator has committed: {@code committed} maps a
     * partition of the usage topic to its next offset to consume, read before the rolled-up spend.
     */
    void release(Map<Integer, Long> committed) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            int partition = p.partition;
            if (partition < 0) {
                continue;
            }
            Long next = committed.get(partition);
            if (next != null && p.offset < next) {
                for (EnforcedBudget b : p.budgets) {
                    b.counter.counted(p.amount);
                }
                it.remove();
            }
        }
    }

    int size() {
        return pending.size();
    }
}
