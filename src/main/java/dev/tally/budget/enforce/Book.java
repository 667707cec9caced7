package dev.tally.budget.enforce;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tally.budget.Scope;
import dev.tally.identity.ResolvedKey;

/**
 * The budgets one gateway enforces, as of its last refresh (immutable; replaced whole). The budgets
 * covering a key (its own, its person's, its team's, its department's and the org's) are gathered
 * once per key and refresh, so a call does one map lookup.
 */
final class Book {

    static final EnforcedBudget[] NONE = new EnforcedBudget[0];
    static final Book EMPTY = new Book(List.of(), Map.of(), Set.of());

    final List<EnforcedBudget> all;
    private final Map<UUID, String> departments;
    private final Set<UUID> paused;
    private final ConcurrentHashMap<UUID, EnforcedBudget[]> covering = new ConcurrentHashMap<>();

    Book(List<EnforcedBudget> all, Map<UUID, String> departments, Set<UUID> paused) {
        this.all = all.stream().filter(EnforcedBudget::acts).toList();
        this.departments = departments;
        this.paused = paused;
    }

    boolean paused(UUID keyId) {
        return !paused.isEmpty() && paused.contains(keyId);
    }

    /** Narrowest scope first: key, employee, team, department, org. */
    EnforcedBudget[] covering(ResolvedKey key) {
        if (all.isEmpty()) {
            return NONE;
        }
        return covering.computeIfAbsent(key.keyId(), k -> gather(key));
    }

    private EnforcedBudget[] gather(ResolvedKey key) {
        String department = key.teamId() == null ? null : departments.get(key.teamId());
        List<EnforcedBudget> out = new ArrayList<>();
        Scope[] scopes = Scope.values();
        for (int i = scopes.length - 1; i >= 0; i--) {
            for (EnforcedBudget b : all) {
                if (b.budget.scope() == scopes[i] && covers(b, key, department)) {
                    out.add(b);
                }
            }
        }
        return out.isEmpty() ? NONE : out.toArray(EnforcedBudget[]::new);
    }

    private static boolean covers(EnforcedBudget b, ResolvedKey key, String department) {
        String id = b.budget.scopeId();
        return switch (b.budget.scope()) {
            case ORG -> true;
            case DEPARTMENT -> id.equals(department);
            case TEAM -> key.teamId() != null && id.equals(key.teamId().toString());
            case EMPLOYEE ->
                key.employeeId() != null && id.equals(key.employeeId().toString());
            case KEY -> id.equals(key.keyId().toString());
        };
    }
}
