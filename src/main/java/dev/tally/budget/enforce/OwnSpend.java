package dev.tally.budget.enforce;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tally.events.DeliveryListener;
import dev.tally.events.Topics;

/**
 * This gateway's finished calls that the rolled-up spend may not count yet, and its calls in flight.
 * A finished call stays in its budgets' counters until the aggregator's committed offset for its
 * event's partition has passed the event (the offset comes from Kafka's acknowledgement); then the
 * rollup holds it and it leaves the counter, in the same refresh that reads that rollup. Until Kafka
 * acknowledges it (Kafka down: the event waits in the spool) it stays counted here.
 *
 * <p>The rollup counts a call in the period its event is dated in, the one in which it ended. So at
 * each refresh ({@link #follow}) a call in flight, and a finished call that ended in a later period
 * than the counter it was charged to (it ended in the new period before the refresh that turned it),
 * move to the counter their budget has now.
 */
final class OwnSpend implements DeliveryListener {

    private static final class Pending {
        final EnforcedBudget[] budgets;
        final long amount;
        final Instant endedAt;
        volatile int partition = -1;
        volatile long offset;

        Pending(EnforcedBudget[] budgets, long amount, Instant endedAt) {
            this.budgets = budgets;
            this.amount = amount;
            this.endedAt = endedAt;
        }
    }

    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Set<CallCharge> inFlight = ConcurrentHashMap.newKeySet();

    OwnSpend(Clock clock) {
        this.clock = clock;
    }

    /** A call admitted under budgets: its estimate follows them until it ends. */
    void hold(CallCharge charge) {
        inFlight.add(charge);
    }

    /** The call has ended (its charge settled). */
    void ended(CallCharge charge) {
        inFlight.remove(charge);
    }

    /** A finished call of {@code amount} nano-dollars, counted in {@code budgets} until rolled up. */
    void track(String eventId, EnforcedBudget[] budgets, long amount) {
        pending.put(eventId, new Pending(budgets, amount, clock.instant()));
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
     * Moves what this gateway holds to the counters the budgets have now ({@code current}: budget id →
     * its entry of this refresh): the estimates of calls in flight wherever a budget's counter changed
     * (its period turned, its mode changed), and finished calls whose end lies in the period of a
     * budget's new counter. Only the refresh thread calls it.
     */
    void follow(Map<UUID, EnforcedBudget> current) {
        for (CallCharge c : inFlight) {
            c.follow(current);
        }
        for (Pending p : pending.values()) {
            for (int i = 0; i < p.budgets.length; i++) {
                EnforcedBudget now = current.get(p.budgets[i].budget.id());
                if (now != null && now.counter != p.budgets[i].counter && now.span.contains(p.endedAt)) {
                    p.budgets[i].counter.add(-p.amount);
                    now.counter.add(p.amount);
                    p.budgets[i] = now;
                }
            }
        }
    }

    /**
     * Takes out of the counters every call the aggregator has committed: {@code committed} maps a
     * partition of the usage topic to its next offset to consume, read in the snapshot the rolled-up
     * spend is read in.
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
