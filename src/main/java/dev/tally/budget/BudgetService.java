package dev.tally.budget;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import dev.tally.access.Viewer;
import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.gateway.ProviderRegistry;
import dev.tally.identity.ApiKeys;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.pricing.Money;
import dev.tally.pricing.PriceService;

/**
 * Creates, changes and removes budgets after checking every field: each bad value is a 400 that
 * names it (a negative amount, an unknown scope id, an unknown time zone, a threshold over 1000 %, a
 * downgrade target without a price or without a provider).
 */
@Singleton
public class BudgetService {

    static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);
    static final int MAX_THRESHOLD = 1000;

    private final BudgetStore store;
    private final DataSource dataSource;
    private final PriceService prices;
    private final ProviderRegistry providers;
    private final ChannelCheck channels;
    private final OrgCalendar calendar;
    private final AuditLog audit;

    public BudgetService(
            BudgetStore store,
            DataSource dataSource,
            PriceService prices,
            ProviderRegistry providers,
            ChannelCheck channels,
            OrgCalendar calendar,
            AuditLog audit) {
        this.audit = audit;
        this.store = store;
        this.dataSource = dataSource;
        this.prices = prices;
        this.providers = providers;
        this.channels = channels;
        this.calendar = calendar;
    }

    @Transactional
    public Budget create(BudgetInput in) {
        return create(in, null);
    }

    /**
     * Creates a budget for {@code by} (null: the admin API, which sets every budget); a team lead
     * may create one for their own teams only ({@link #requireMaySet}).
     */
    @Transactional
    public Budget create(BudgetInput in, Viewer by) {
        Budget b = validate(UUID.randomUUID(), in);
        requireMaySet(by, b);
        store.insert(b);
        Budget stored = store.get(b.id()).orElseThrow();
        audit.record(AuditTarget.BUDGET, AuditChange.CREATE, b.id(), null, BudgetView.of(stored));
        return stored;
    }

    @Transactional
    public Budget update(UUID id, BudgetInput in) {
        return update(id, in, null);
    }

    /** Changes a budget for {@code by}: a team lead's own teams' budget, into one of theirs too. */
    @Transactional
    public Budget update(UUID id, BudgetInput in, Viewer by) {
        Budget b = validate(id, in);
        Budget before = store.get(id).orElse(null);
        if (before != null) {
            requireMaySet(by, before);
        }
        requireMaySet(by, b);
        if (!store.update(b)) {
            throw ApiException.notFound("no budget " + id);
        }
        Budget after = store.get(id).orElseThrow();
        audit.record(
                AuditTarget.BUDGET,
                AuditChange.UPDATE,
                id,
                before == null ? null : BudgetView.of(before),
                BudgetView.of(after));
        return after;
    }

    public Budget get(UUID id) {
        return store.get(id).orElseThrow(() -> ApiException.notFound("no budget " + id));
    }

    public List<Budget> all() {
        return store.all();
    }

    @Transactional
    public void delete(UUID id) {
        delete(id, null);
    }

    /** Deletes a budget for {@code by}: a team lead's own teams' only. */
    @Transactional
    public void delete(UUID id, Viewer by) {
        Budget before = store.get(id).orElse(null);
        if (before != null) {
            requireMaySet(by, before);
        }
        if (!store.delete(id)) {
            throw ApiException.notFound("no budget " + id);
        }
        audit.record(AuditTarget.BUDGET, AuditChange.DELETE, id, before == null ? null : BudgetView.of(before), null);
    }

    @Transactional
    public void resumeKey(UUID keyId) {
        if (!exists("SELECT 1 FROM api_key WHERE id = ?", keyId)) {
            throw ApiException.notFound("no key " + keyId);
        }
        store.resumeKey(keyId);
        audit.record(AuditTarget.KEY, AuditChange.RESUME, keyId, null, null);
    }

    Budget validate(UUID id, BudgetInput in) {
        if (in == null) {
            throw ApiException.badRequest("body: a budget object is required");
        }
        Scope scope = Scope.parse(in.scope());
        if (scope == null) {
            throw ApiException.badRequest(
                    "scope: must be one of org, department, team, employee, key; got " + in.scope());
        }
        String scopeId = scopeId(scope, in.scopeId());
        Period period = Period.parse(in.period());
        if (period == null) {
            throw ApiException.badRequest("period: must be one of day, week, month, quarter; got " + in.period());
        }
        long amount = usd("amountUsd", in.amountUsd());
        BudgetMode mode = in.mode() == null ? BudgetMode.ALERT : BudgetMode.parse(in.mode());
        if (mode == null) {
            throw ApiException.badRequest("mode: must be one of alert, block, downgrade; got " + in.mode());
        }
        List<Integer> thresholds = thresholds(in.thresholds());
        int fromPercent = 100;
        List<Downgrade> downgrades = List.of();
        if (mode == BudgetMode.DOWNGRADE) {
            if (in.downgrade() == null
                    || in.downgrade().models() == null
                    || in.downgrade().models().isEmpty()) {
                throw ApiException.badRequest("downgrade.models: a downgrade budget needs at least one model rule, "
                        + "e.g. {\"claude-opus-*\": \"claude-haiku-4-5\"}");
            }
            if (in.downgrade().fromPercent() != null) {
                fromPercent = in.downgrade().fromPercent();
                if (fromPercent < 0 || fromPercent > MAX_THRESHOLD) {
                    throw ApiException.badRequest(
                            "downgrade.fromPercent: must be between 0 and " + MAX_THRESHOLD + "; got " + fromPercent);
                }
            }
            downgrades = downgrades(in.downgrade().models());
        } else if (in.downgrade() != null) {
            throw ApiException.badRequest("downgrade: only a budget with mode downgrade takes downgrade rules");
        }
        UnpricedPolicy unpriced = in.unpriced() == null ? UnpricedPolicy.ALLOW : UnpricedPolicy.parse(in.unpriced());
        if (unpriced == null) {
            throw ApiException.badRequest("unpriced: must be allow or block; got " + in.unpriced());
        }
        if (in.timezone() != null) {
            timezone(in.timezone());
        }
        String name = in.name() == null || in.name().isBlank()
                ? defaultName(scope, scopeId, period)
                : in.name().strip();
        if (name.length() > 200) {
            throw ApiException.badRequest("name: at most 200 characters");
        }
        return new Budget(
                id,
                name,
                scope,
                scopeId,
                period,
                amount,
                mode,
                thresholds,
                fromPercent,
                downgrades,
                unpriced,
                channels(in.channelIds()),
                spike(in.spike()),
                null);
    }

    private String scopeId(Scope scope, String raw) {
        if (scope == Scope.ORG) {
            if (raw != null) {
                throw ApiException.badRequest("scopeId: an org budget covers everyone and takes no scopeId");
            }
            return null;
        }
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest("scopeId: required for "
                    + (scope.json().matches("[aeiou].*") ? "an " : "a ") + scope.json() + " budget");
        }
        if (scope == Scope.DEPARTMENT) {
            if (!exists("SELECT 1 FROM team WHERE department = ?", raw)) {
                throw ApiException.badRequest("scopeId: no team is in department " + raw);
            }
            return raw;
        }
        if (scope == Scope.EMPLOYEE && raw.contains("@")) {
            return employeeByEmail(raw.strip());
        }
        if (scope == Scope.KEY && raw.strip().startsWith(ApiKeys.SCHEME)) {
            return keyByPrefix(raw.strip());
        }
        UUID id = Ids.canonical(raw);
        if (id == null) {
            throw ApiException.badRequest("scopeId: not a " + scope.json() + " id (a UUID"
                    + (scope == Scope.EMPLOYEE ? ") or e-mail" : ")") + ": " + raw);
        }
        String table = switch (scope) {
            case TEAM -> "team";
            case EMPLOYEE -> "employee";
            default -> "api_key";
        };
        if (!exists("SELECT 1 FROM " + table + " WHERE id = ?", id)) {
            throw ApiException.badRequest("scopeId: no " + scope.json() + " " + id);
        }
        return id.toString();
    }

    static long usd(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field + ": required, a decimal string of USD such as \"250.00\"");
        }
        try {
            return Money.nanos(new BigDecimal(value.strip()), field);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field + ": not a decimal number: " + value
                    + " (USD in digits with at most one '.', no thousands separators, such as \"2000.50\")");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static List<Integer> thresholds(List<Integer> in) {
        if (in == null) {
            return DEFAULT_THRESHOLDS;
        }
        if (in.isEmpty()) {
            throw ApiException.badRequest("thresholds: give at least one percentage, or leave it out for 50, 80, 100");
        }
        List<Integer> out = new ArrayList<>();
        for (Integer t : in) {
            if (t == null || t < 1 || t > MAX_THRESHOLD) {
                throw ApiException.badRequest(
                        "thresholds: each must be between 1 and " + MAX_THRESHOLD + " %; got " + t);
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        out.sort(null);
        return List.copyOf(out);
    }

    private List<Downgrade> downgrades(Map<String, String> models) {
        List<Downgrade> out = new ArrayList<>();
        for (Map.Entry<String, String> e : models.entrySet()) {
            String pattern = e.getKey();
            String target = e.getValue();
            if (pattern == null || pattern.isBlank() || target == null || target.isBlank()) {
                throw ApiException.badRequest("downgrade.models: each rule maps a model pattern to a target model");
            }
            if (prices.price(target) == null) {
                throw ApiException.badRequest("downgrade.models." + pattern + ": target " + target
                        + " has no price, so a downgraded call could not be counted against the budget");
            }
            if (providers.route(target) == null) {
                throw ApiException.badRequest("downgrade.models." + pattern + ": no provider routes target " + target);
            }
            out.add(new Downgrade(pattern, target));
        }
        return List.copyOf(out);
    }

    private void timezone(String zone) {
        ZoneId z;
        try {
            z = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiException.badRequest(
                    "timezone: unknown time zone " + zone + " (use an IANA name such as Europe/Paris)");
        }
        if (!z.normalized().equals(calendar.zone().normalized())) {
            throw ApiException.badRequest("timezone: budgets use the organisation's time zone " + calendar.zone()
                    + " (TALLY_TIMEZONE), so they agree with the dashboards; got " + zone);
        }
    }

    private List<UUID> channels(List<String> in) {
        if (in == null) {
            return List.of();
        }
        List<UUID> out = new ArrayList<>();
        for (String s : in) {
            UUID id = Ids.canonical(s);
            if (id == null) {
                throw ApiException.badRequest("channelIds: not a channel id (a UUID): " + s);
            }
            if (!channels.exists(id)) {
                throw ApiException.badRequest("channelIds: no alert channel " + id);
            }
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return List.copyOf(out);
    }

    private static SpikeRule spike(BudgetInput.SpikeInput in) {
        if (in == null) {
            return null;
        }
        if (in.factor() == null && in.perHourUsd() == null) {
            throw ApiException.badRequest("spike: give factor (× the hourly baseline), perHourUsd, or both");
        }
        if (in.factor() != null && (in.factor() < 2 || in.factor() > 1000)) {
            throw ApiException.badRequest("spike.factor: must be between 2 and 1000; got " + in.factor());
        }
        Long perHour = in.perHourUsd() == null ? null : usd("spike.perHourUsd", in.perHourUsd());
        SpikeRule.Action action = in.action() == null ? SpikeRule.Action.ALERT : SpikeRule.Action.parse(in.action());
        if (action == null) {
            throw ApiException.badRequest("spike.action: must be alert or pause_key; got " + in.action());
        }
        return new SpikeRule(in.factor(), perHour, action);
    }

    /**
     * Whether {@code by} may set this budget (DESIGN.md: finance and team leads set budgets): admins
     * and leaders every one; a team lead one that covers a team they lead, or a person or key of
     * such a team, the budgets their team pages show. Null: the admin API. Else 403.
     */
    void requireMaySet(Viewer by, Budget b) {
        if (by == null || by.setsEveryBudget()) {
            return;
        }
        by.requireSetsBudgets();
        UUID team = teamOf(b);
        if (team == null || !by.teamIds().contains(team)) {
            throw new ApiException(
                    403,
                    "scope: a team lead sets budgets for their own teams, and their people and keys only;"
                            + " this one covers "
                            + (b.scope() == Scope.ORG
                                    ? "the organisation"
                                    : b.scope().json() + " " + b.scopeId()));
        }
    }

    /** The team a budget's scope belongs to, as its status links it ({@link ScopeNames}); null for the org and a department. */
    private UUID teamOf(Budget b) {
        try (Connection c = dataSource.getConnection()) {
            return ScopeNames.of(c, b.scope(), b.scopeId()).teamId();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A budget given no name is named after what it covers, as a reader would say it ("Checkout team,
     * monthly", "Ada, weekly", "key laptop (Ada), daily", "Organisation, quarterly"), never by an id.
     * The name is kept as made: a team renamed later keeps its budgets' names.
     */
    private String defaultName(Scope scope, String scopeId, Period period) {
        String every = switch (period) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
            case QUARTER -> "quarterly";
        };
        String what;
        try (Connection c = dataSource.getConnection()) {
            what = ScopeNames.of(c, scope, scopeId).name();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String named = switch (scope) {
            case ORG -> what;
            case DEPARTMENT -> what + " department";
            case TEAM -> what + " team";
            case EMPLOYEE -> what;
            case KEY -> "key " + what;
        };
        String name = named + ", " + every;
        return name.length() <= 200 ? name : name.substring(0, 199) + "…";
    }

    /**
     * An employee budget may name its person by e-mail (as the Budgets page's form does); it is
     * stored by the employee's id, so a changed address later does not lose the budget.
     */
    private String employeeByEmail(String email) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM employee WHERE lower(email) = lower(?)")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.badRequest("scopeId: no employee has the e-mail " + email);
                }
                return rs.getObject(1, UUID.class).toString();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A key budget may name its key by the prefix the pages show ({@code tly_} and 8 characters); it is
     * stored by the key's id. A whole key is refused without being repeated: it is a secret.
     */
    private String keyByPrefix(String given) {
        if (given.length() != ApiKeys.SCHEME.length() + ApiKeys.PREFIX_CHARS) {
            throw ApiException.badRequest("scopeId: give the key's id or its prefix (" + ApiKeys.SCHEME + " and "
                    + ApiKeys.PREFIX_CHARS + " characters, as the pages show it), never the key itself");
        }
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM api_key WHERE prefix = ? LIMIT 2")) {
            ps.setString(1, given);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class).toString());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (ids.isEmpty()) {
            throw ApiException.badRequest("scopeId: no key has the prefix " + given);
        }
        if (ids.size() > 1) {
            throw ApiException.badRequest("scopeId: more than one key has the prefix " + given + "; give the key's id");
        }
        return ids.get(0);
    }

    private boolean exists(String sql, Object param) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
