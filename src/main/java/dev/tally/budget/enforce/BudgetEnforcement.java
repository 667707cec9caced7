package dev.tally.budget.enforce;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.budget.Budget;
import dev.tally.budget.BudgetConfig;
import dev.tally.budget.BudgetMode;
import dev.tally.budget.BudgetSpend;
import dev.tally.budget.BudgetStore;
import dev.tally.dashboard.report.RollupSnapshot;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.share.SharedCounter;
import dev.tally.platform.share.SharedLimits;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.AggregatorConfig;

/**
 * Keeps each gateway's {@link Book} of budgets current without a database call per request. Every
 * refresh (default 1 s), in one transaction under the cluster-wide exchange lock: the budgets (only
 * when {@code budget_version} moved), teams' departments and paused keys; the aggregator's committed
 * usage offsets and the rolled-up spend of every budget's period, both in one snapshot (so a call is
 * counted in exactly one place: the spend, or this gateway's counters); this gateway's counted calls
 * leave its counters; then the exchange of shares with the other gateways ({@link SharedLimits}).
 * After the commit the new shares apply and the new book replaces the old one.
 *
 * <p>If a refresh fails (the database is unreachable), the old book stays; a block budget's share
 * lapses after half the gateway timeout and the budget then refuses calls until a refresh succeeds:
 * a block budget fails closed.
 */
@Singleton
public class BudgetEnforcement {

    private static final Logger LOG = Logger.getLogger(BudgetEnforcement.class);

    private final DataSource dataSource;
    private final BudgetStore store;
    private final BudgetConfig config;
    private final OrgCalendar calendar;
    private final Clock clock;
    private final Roles roles;
    private final EventPublisher publisher;
    private final String aggregatorGroup;
    private final SharedLimits limits;
    private final OwnSpend own;

    private volatile Book book = Book.EMPTY;
    /** Only the refresh thread touches these. */
    private long version = -1;

    private volatile Runnable betweenReads = () -> {};

    private List<Budget> budgets = List.of();
    private ScheduledExecutorService refresher;

    public BudgetEnforcement(
            DataSource dataSource,
            BudgetStore store,
            BudgetConfig config,
            OrgCalendar calendar,
            Clock clock,
            SharedLimits limits,
            Roles roles,
            EventPublisher publisher,
            AggregatorConfig aggregator) {
        this.dataSource = dataSource;
        this.store = store;
        this.config = config;
        this.calendar = calendar;
        this.clock = clock;
        this.roles = roles;
        this.publisher = publisher;
        this.aggregatorGroup = aggregator.groupId();
        this.limits = limits;
        this.own = new OwnSpend(clock);
    }

    void onStart(@Observes StartupEvent ev) {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        publisher.onDelivered(own);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-budgets");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, config.refreshInterval().toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (refresher == null) {
            return;
        }
        refresher.shutdownNow();
        try (Connection c = dataSource.getConnection()) {
            limits.leave(c);
        } catch (SQLException e) {
            LOG.debugf("shares not given back at stop (they lapse after the timeout): %s", e);
        }
    }

    Book book() {
        return book;
    }

    /**
     * Whether a refresh has read the budgets since start. Until then this gateway knows no budget, so
     * {@link BudgetCheck} refuses calls (503, retried by the SDKs) rather than admit them unchecked, and
     * readiness ({@link BudgetReadiness}) is DOWN. Instances without the gateway role never load.
     */
    public boolean loaded() {
        return book != Book.EMPTY;
    }

    /** Whether this instance enforces budgets at all (the gateway role). */
    boolean enforcing() {
        return roles.has(Role.GATEWAY);
    }

    OwnSpend own() {
        return own;
    }

    long now() {
        return limits.now();
    }

    /**
     * Tests only: runs on the refreshing thread after a refresh has read the aggregator's committed
     * offsets and before it reads the rolled-up spend (a rollup committed in between must not count twice).
     */
    public void betweenReads(Runnable hook) {
        betweenReads = hook == null ? () -> {} : hook;
    }

    /** The identity this gateway exchanges shares under (tests and the operations page). */
    public UUID instance() {
        return limits.instance();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(
                    "budgets not refreshed (the previous figures stay; block budgets refuse once their share "
                            + "lapses): %s",
                    e.toString());
        }
    }

    /** One refresh; public for tests that drive it instead of waiting for the thread. */
    public synchronized void refresh() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long started = limits.now();
                SharedLimits.lock(c);
                SharedLimits.forgetSilent(c);
                long v = BudgetStore.version(c);
                if (v != version) {
                    budgets = store.all(c);
                    version = v;
                }
                Map<UUID, String> departments = departments(c);
                HashSet<UUID> paused = new HashSet<>(BudgetStore.pausedKeys(c));
                Instant now = clock.instant();
                Map<String, SharedCounter> counters = new HashMap<>();
                for (EnforcedBudget e : book.all) {
                    counters.put(e.counter.name(), e.counter);
                }
                List<EnforcedBudget> entries = new ArrayList<>(budgets.size());
                List<BudgetSpend.Ask> asks = new ArrayList<>(budgets.size());
                for (Budget b : budgets) {
                    OrgCalendar.Span span = b.span(calendar, now);
                    String name = EnforcedBudget.counterName(b, span);
                    SharedCounter counter =
                            counters.computeIfAbsent(name, n -> new SharedCounter(n, b.mode() == BudgetMode.BLOCK));
                    entries.add(new EnforcedBudget(b, span, counter));
                    asks.add(new BudgetSpend.Ask(
                            b.id(),
                            b.scope(),
                            b.scopeId(),
                            span.first(),
                            span.last().plusDays(1)));
                }
                Map<UUID, EnforcedBudget> current = new HashMap<>();
                for (EnforcedBudget e : entries) {
                    current.put(e.budget.id(), e);
                }
                own.follow(current);
                RolledUp rolled = rolledUp(asks);
                Map<UUID, BudgetSpend.Spent> spent = rolled.spent();
                own.release(rolled.committed());
                List<SharedLimits.Offer> offers = new ArrayList<>();
                for (EnforcedBudget e : entries) {
                    if (e.shared()) {
                        offers.add(new SharedLimits.Offer(
                                e.counter,
                                e.budget.amountNanos(),
                                spent.getOrDefault(e.budget.id(), BudgetSpend.Spent.NONE)
                                        .costNanos()));
                    }
                }
                SharedLimits.Grants grants = limits.exchange(c, EnforcedBudget.NAMESPACE, offers, started);
                c.commit();
                grants.apply();
                for (EnforcedBudget e : entries) {
                    e.base = spent.getOrDefault(e.budget.id(), BudgetSpend.Spent.NONE)
                            .costNanos();
                    e.othersUsed = grants.othersUsed(e.counter.name());
                }
                book = new Book(entries, departments, paused);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** What the aggregator has committed: its offsets, and the spend they stand for. */
    private record RolledUp(Map<Integer, Long> committed, Map<UUID, BudgetSpend.Spent> spent) {}

    /**
     * The aggregator's committed offsets and the rolled-up spend in one snapshot (a read-only
     * REPEATABLE READ transaction on a second connection), taken while this refresh holds the exchange
     * lock. Read in two
     * statements of the refresh's READ COMMITTED transaction, a rollup committed between them was in
     * the spend while the offsets still showed its calls uncounted, so they stayed in this gateway's
     * counters as well: counted twice until the next refresh. The refresh's own transaction cannot be
     * REPEATABLE READ: its snapshot would be taken before the lock is granted, and miss what the
     * gateway that held the lock last committed.
     */
    private RolledUp rolledUp(List<BudgetSpend.Ask> asks) throws SQLException {
        return RollupSnapshot.run(dataSource, null, r -> {
            Map<Integer, Long> committed = committedOffsets(r);
            betweenReads.run();
            return new RolledUp(committed, BudgetSpend.read(r, asks));
        });
    }

    private static Map<UUID, String> departments(Connection c) throws SQLException {
        Map<UUID, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, department FROM team");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getString(2));
            }
        }
        return out;
    }

    private Map<Integer, Long> committedOffsets(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition, next_offset FROM consumer_offset WHERE group_id = ? AND topic = ?")) {
            ps.setString(1, aggregatorGroup);
            ps.setString(2, Topics.USAGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return out;
    }
}
