package dev.tally.pricing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;

/**
 * Prices by model name: an admin override first, then the catalog. {@link #price} is called on the
 * gateway's event loop, so it only reads memory; overrides are re-read from the database every
 * couple of seconds, which is how an override made on one instance reaches all of them.
 */
@Singleton // no client proxy: called on every gateway request
public class PriceService {

    private static final Logger LOG = Logger.getLogger(PriceService.class);
    /** Dated snapshots and aliases share the price of their model: gpt-4o-2024-08-06, claude-…-20250929. */
    private static final Pattern SNAPSHOT = Pattern.compile("^(.+?)-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");
    /** Model names come from clients; stop memoising past this many distinct names. */
    private static final int MEMO_LIMIT = 10_000;

    private static final Price UNPRICED = new Price(null, null, null, null, false);

    private final PriceCatalog catalog = PriceCatalog.load();
    private final PricingConfig config;
    private final AuditLog audit;
    private final Event<PricesChanged> changed;
    private volatile Snapshot snapshot = new Snapshot(Map.of());
    /** Changes applied here so far; a re-read that began before one does not install what it read. */
    private long applied; // guarded by this

    private volatile Runnable afterLoad = () -> {};

    /**
     * The overrides and the prices memoised from them, replaced together: a price resolved from an
     * older map and memoised late lands in that map's memo, never in the current one.
     */
    private record Snapshot(Map<String, Price> overrides, Map<String, Price> memo) {
        Snapshot(Map<String, Price> overrides) {
            this(overrides, new ConcurrentHashMap<>());
        }
    }

    /** An override stored or removed ({@code price} null), applied here once its transaction has committed. */
    record PricesChanged(String model, Price price) {}

    public PriceService(PricingConfig config, AuditLog audit, Event<PricesChanged> changed) {
        this.audit = audit;
        this.config = config;
        this.changed = changed;
    }

    public PriceCatalog catalog() {
        return catalog;
    }

    /** The price of {@code model}, or null when it is unknown (the call is then unpriced, never $0). */
    public Price price(String model) {
        if (model == null) {
            return null;
        }
        Snapshot s = snapshot;
        Price p = s.memo.get(model);
        if (p == null) {
            p = resolve(s.overrides, model);
            if (s.memo.size() < MEMO_LIMIT) {
                s.memo.put(model, p == null ? UNPRICED : p);
            }
        }
        return p == UNPRICED ? null : p;
    }

    private Price resolve(Map<String, Price> overrides, String model) {
        Price p = lookup(overrides, model);
        if (p == null) {
            Matcher m = SNAPSHOT.matcher(model);
            if (m.matches()) {
                p = lookup(overrides, m.group(1));
            }
        }
        return p;
    }

    private Price lookup(Map<String, Price> overrides, String model) {
        Price p = overrides.get(model);
        return p != null ? p : catalog.exact(model);
    }

    /** Tests only: runs in {@link #refresh} between reading the overrides and installing them. */
    void afterLoad(Runnable hook) {
        afterLoad = hook;
    }

    public Map<String, Price> overrides() {
        return snapshot.overrides;
    }

    void onStart(@Observes StartupEvent ev) {
        refresh();
        LOG.debugf(
                "price catalog %s: %d models; overrides re-read every %s",
                catalog.version(), catalog.all().size(), config.refreshInterval());
    }

    @Scheduled(
            every = "${tally.pricing.refresh-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        try {
            long seen;
            synchronized (this) {
                seen = applied;
            }
            List<PriceOverride> rows = loadOverrides();
            afterLoad.run();
            install(rows, seen);
        } catch (RuntimeException e) {
            LOG.warnf("price overrides not refreshed (keeping the previous ones): %s", e.getMessage());
        }
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    List<PriceOverride> loadOverrides() {
        return PriceOverride.listAll();
    }

    private synchronized void install(List<PriceOverride> rows, long seen) {
        if (seen != applied) {
            // a change committed here after the read began may be missing from it: the next re-read has it
            return;
        }
        Map<String, Price> next = new HashMap<>();
        for (PriceOverride row : rows) {
            next.put(row.model, row.toPrice());
        }
        if (!next.equals(snapshot.overrides)) {
            snapshot = new Snapshot(Map.copyOf(next));
        }
    }

    /** This instance's own change, at its commit: before the admin call answers, not at the next re-read. */
    synchronized void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) PricesChanged change) {
        applied++;
        Map<String, Price> next = new HashMap<>(snapshot.overrides);
        if (change.price() == null) {
            next.remove(change.model());
        } else {
            next.put(change.model(), change.price());
        }
        snapshot = new Snapshot(Map.copyOf(next));
    }

    /** Stores an override (its long-context tier, or none); this instance applies it when it commits. */
    @Transactional
    public Price override(String model, Price.Rates rates, Price.LongContext longContext, String note) {
        Price before = snapshot.overrides.get(model);
        PriceOverride row = PriceOverride.findById(model);
        if (row == null) {
            row = new PriceOverride();
            row.model = model;
        }
        row.input = rates.input();
        row.output = rates.output();
        row.cacheRead = rates.cacheRead();
        row.cacheWrite = rates.cacheWrite();
        row.cacheWrite1h = rates.cacheWrite1h();
        row.longContext(longContext);
        row.note = note;
        row.updatedAt = Instant.now();
        row.persist();
        changed.fire(new PricesChanged(model, row.toPrice()));
        audit.record(
                AuditTarget.PRICE,
                before == null ? AuditChange.CREATE : AuditChange.UPDATE,
                model,
                before,
                row.toPrice());
        return row.toPrice();
    }

    /** Removes an override; the catalog price applies again. False when there was none. */
    @Transactional
    public boolean removeOverride(String model) {
        Price before = snapshot.overrides.get(model);
        boolean deleted = PriceOverride.deleteById(model);
        if (deleted) {
            audit.record(AuditTarget.PRICE, AuditChange.DELETE, model, before, null);
        }
        changed.fire(new PricesChanged(model, null));
        return deleted;
    }
}
