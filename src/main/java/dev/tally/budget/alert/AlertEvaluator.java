package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.budget.Budget;
import dev.tally.budget.BudgetConfig;
import dev.tally.budget.BudgetMode;
import dev.tally.budget.BudgetStatus;
import dev.tally.budget.BudgetStatusService;
import dev.tally.budget.BudgetStore;
import dev.tally.budget.SpikeRule;
import dev.tally.events.CloudEvent;
import dev.tally.events.EventPublisher;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * Evaluates every budget against its rolled-up spend (on instances that run the aggregator, every
 * {@code tally.budgets.alert-interval}) and sends each alert once per (budget, period, kind,
 * threshold): the alert's row in {@code budget_alert} is the dedupe ({@link AlertOutbox}). A spike
 * whose action is {@code pause_key} pauses the key (a person's spike: all their keys) in the same transaction.
 */
@Singleton
public class AlertEvaluator {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);
    static final String SOURCE = "/tally/budgets";

    private final DataSource dataSource;
    private final BudgetStore store;
    private final BudgetStatusService statuses;
    private final OrgCalendar calendar;
    private final BudgetConfig config;
    private final Clock clock;
    private final Roles roles;
    private final EventPublisher publisher;
    private final AlertOutbox outbox;
    private ScheduledExecutorService timer;

    public AlertEvaluator(
            DataSource dataSource,
            BudgetStore store,
            BudgetStatusService statuses,
            OrgCalendar calendar,
            BudgetConfig config,
            Clock clock,
            Roles roles,
            EventPublisher publisher,
            ObjectMapper json) {
        this.dataSource = dataSource;
        this.store = store;
        this.statuses = statuses;
        this.calendar = calendar;
        this.config = config;
        this.clock = clock;
        this.roles = roles;
        this.publisher = publisher;
        this.outbox = new AlertOutbox(json, publisher);
    }

    void onStart(@Observes StartupEvent ev) {
        if (!roles.has(Role.AGGREGATOR)) {
            return;
        }
        publisher.onDelivered(outbox);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-budget-alerts");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, config.alertInterval().toMillis());
        timer.scheduleWithFixedDelay(this::evaluateQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("budget alerts not evaluated: %s", e.toString());
        }
    }

    /** One evaluation; returns the alerts this call recorded and published (tests drive it directly). */
    public synchronized List<CloudEvent<AlertData>> evaluate() throws SQLException {
        List<CloudEvent<AlertData>> sent = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Instant now = clock.instant();
                List<Budget> budgets = store.all(c);
                List<BudgetStatus> current = statuses.current(c, budgets, now);
                for (int i = 0; i < budgets.size(); i++) {
                    Budget b = budgets.get(i);
                    BudgetStatus s = current.get(i);
                    boolean refused = zeroBlock(b)
                            && s.spentNanos() == 0
                            && BudgetRefusals.any(
                                    c,
                                    b,
                                    s.periodStart().toLocalDate(),
                                    s.periodEnd().toLocalDate(),
                                    calendar.zone());
                    for (AlertData a : due(b, s, refused, now)) {
                        CloudEvent<AlertData> e = event(a, s);
                        if (outbox.insert(c, e, legacyId(e.data(), s))) {
                            sent.add(e);
                        }
                    }
                    if (b.spike() != null) {
                        for (Spikes.Spike spike : Spikes.find(c, b, calendar.hour(now), config.spikeBaselineHours())) {
                            CloudEvent<AlertData> e = event(spikeAlert(b, s, spike, now), s);
                            if (outbox.insert(c, e, legacyId(e.data(), s))) {
                                sent.add(e);
                                if (b.spike().action() == SpikeRule.Action.PAUSE_KEY) {
                                    Spikes.pause(c, spike, b.id(), "spend spike under budget " + b.name());
                                }
                            }
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            for (CloudEvent<AlertData> e : sent) {
                outbox.publish(e);
            }
            c.setAutoCommit(true);
            outbox.sweep(c, config.alertRepublishAfter());
        }
        return sent;
    }

    /** A {@code $0} block budget: no spend allowed, every billed call refused. */
    private static boolean zeroBlock(Budget b) {
        return b.mode() == BudgetMode.BLOCK && b.amountNanos() == 0;
    }

    /**
     * A downgrade budget whose point is $0 (a {@code $0} amount, or {@code fromPercent} 0): reached at
     * the period's start, so it downgrades every listed model's call from then.
     */
    private static boolean downgradesFromTheStart(Budget b) {
        return b.mode() == BudgetMode.DOWNGRADE && b.downgradeFromNanos() == 0;
    }

    /**
     * The alerts a budget's status calls for now (before the dedupe); {@code refused}: a {@code $0}
     * block budget with nothing spent has refused a call this period.
     */
    private List<AlertData> due(Budget b, BudgetStatus s, boolean refused, Instant now) {
        List<AlertData> out = new ArrayList<>();
        long spent = s.spentNanos();
        long limit = b.amountNanos();
        if (spent <= 0) {
            if (refused) {
                // nothing can be spent, so no threshold is crossed (a share of nothing); it is blocked
                // as a spent budget is, from the first call it refused
                out.add(alert(AlertKind.BLOCKED, 100, b, s, now));
            }
            if (downgradesFromTheStart(b)) {
                // it reached its point (the downgraded alert's rule) at the period's start: the rollups
                // do not say which calls were downgraded, and none is needed to know that it downgrades
                out.add(alert(AlertKind.DOWNGRADED, b.downgradeFromPercent(), b, s, now));
            }
            return out;
        }
        if (limit == 0) {
            // no share of $0 is crossed: the first spend passes every threshold at once, so a $0 budget
            // sends none of them; it tells of the spend once, by its mode's own alert: an alert budget
            // (which has no other) at 100 %, the amount reached; a block budget is blocked and a downgrade
            // budget downgraded (below)
            if (b.mode() == BudgetMode.ALERT) {
                out.add(alert(AlertKind.THRESHOLD, 100, b, s, now));
            }
        } else {
            for (int t : b.thresholds()) {
                if (spent >= Budget.percentOf(limit, t)) {
                    out.add(alert(AlertKind.THRESHOLD, t, b, s, now));
                }
            }
        }
        if (b.mode() == BudgetMode.BLOCK && spent >= limit) {
            out.add(alert(AlertKind.BLOCKED, 100, b, s, now));
        }
        if (b.mode() == BudgetMode.DOWNGRADE && spent >= b.downgradeFromNanos()) {
            out.add(alert(AlertKind.DOWNGRADED, b.downgradeFromPercent(), b, s, now));
        }
        if (s.projectedNanos() != null && s.projectedNanos() > limit && spent < limit) {
            out.add(alert(AlertKind.PROJECTED, null, b, s, now));
        }
        return out;
    }

    private static AlertData alert(AlertKind kind, Integer threshold, Budget b, BudgetStatus s, Instant now) {
        return new AlertData(
                kind,
                b.scope(),
                b.scopeId(),
                s.scopeName(),
                b.id(),
                b.name(),
                b.mode(),
                b.period(),
                s.periodStart().toInstant(),
                s.periodEnd().toInstant(),
                threshold,
                s.spentNanos(),
                s.limitNanos(),
                s.projectedNanos(),
                exhausted(s),
                null,
                null,
                null,
                null,
                null,
                now,
                b.channelIds(),
                s.link(),
                null);
    }

    private static AlertData spikeAlert(Budget b, BudgetStatus s, Spikes.Spike spike, Instant now) {
        return new AlertData(
                AlertKind.SPIKE,
                b.scope(),
                b.scopeId(),
                s.scopeName(),
                b.id(),
                b.name(),
                b.mode(),
                b.period(),
                s.periodStart().toInstant(),
                s.periodEnd().toInstant(),
                null,
                s.spentNanos(),
                s.limitNanos(),
                s.projectedNanos(),
                exhausted(s),
                spike.keyId(),
                spike.employee(),
                spike.employeeName(),
                spike.hourNanos(),
                spike.baselineNanos(),
                now,
                b.channelIds(),
                spikeLink(s, spike),
                spike.keyPrefix());
    }

    /** A service key's spike points at its workload's runs (where a loop left running shows); a person's at the team. */
    static String spikeLink(BudgetStatus s, Spikes.Spike spike) {
        if (spike.workload() != null) {
            return "/workloads/" + spike.workload();
        }
        return spike.teamId() == null ? s.link() : "/teams/" + spike.teamId();
    }

    private static Instant exhausted(BudgetStatus s) {
        return s.projectedExhaustedAt() == null
                ? null
                : s.projectedExhaustedAt().toInstant();
    }

    /**
     * Id = the dedupe key: budget, period (its kind and first local day), kind, threshold (a spike: its
     * key, or {@code employee:<id>} when a person's keys together spiked). The period's kind is in it
     * because a budget's period can be edited: a quarter made a month in its first month starts on the
     * same day, and that month's alerts are not the quarter's.
     */
    private static CloudEvent<AlertData> event(AlertData a, BudgetStatus s) {
        String id = "budget:" + a.budgetId() + ":" + a.period().json() + ":"
                + s.periodStart().toLocalDate() + ":" + a.kind().json() + ":" + which(a);
        String subject = s.link().startsWith("/teams/")
                ? s.link().substring("/teams/".length())
                : a.budgetId().toString();
        return CloudEvent.of(id, SOURCE, CloudEvent.ALERT_TYPE, subject, a.at(), a);
    }

    /**
     * The id the same alert had before the period's kind was part of it (alerts recorded then stay in
     * {@code budget_alert}): such a row is the same alert only if its own data names the same period.
     */
    static String legacyId(AlertData a, BudgetStatus s) {
        return "budget:" + a.budgetId() + ":" + s.periodStart().toLocalDate() + ":"
                + a.kind().json() + ":" + which(a);
    }

    private static String which(AlertData a) {
        return a.kind() != AlertKind.SPIKE
                ? a.threshold() == null ? "-" : a.threshold().toString()
                : a.keyId() != null ? a.keyId().toString() : "employee:" + a.employeeId();
    }
}
