package dev.tally.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Event;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;

import dev.tally.access.LastUse;
import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.platform.ApiException;
import dev.tally.workload.WorkloadRegistry;

/**
 * Teams, employees and keys: the admin API's service, and the programmatic way to create them
 * (the demo seeder, tests). Conflicts and unknown references become {@link ApiException}s naming
 * the field, so the API answers 409 or 400 instead of a database error.
 */
@ApplicationScoped
@ActivateRequestContext
public class IdentityService {

    private static final Logger LOG = Logger.getLogger(IdentityService.class);
    private static final int MAX_MODEL_NAME = 200;

    private final Event<KeysChanged> keysChanged;
    private final AuditLog audit;
    private final LastUse lastUse;
    private final WorkloadRegistry workloads;

    public IdentityService(
            Event<KeysChanged> keysChanged, AuditLog audit, LastUse lastUse, WorkloadRegistry workloads) {
        this.keysChanged = keysChanged;
        this.audit = audit;
        this.lastUse = lastUse;
        this.workloads = workloads;
    }

    // ---- teams ---------------------------------------------------------------------------------

    @Transactional
    public TeamView createTeam(NewTeam req) {
        String name = req.name().trim();
        if (Team.count("lower(name) = ?1", name.toLowerCase(Locale.ROOT)) > 0) {
            throw ApiException.conflict("name: a team named '" + name + "' already exists");
        }
        Team t = new Team();
        t.id = UUID.randomUUID();
        t.name = name;
        t.department = req.department().trim();
        persist(t, "name: a team named '" + name + "' already exists");
        TeamView view = TeamView.of(reload(t));
        audit.record(AuditTarget.TEAM, AuditChange.CREATE, t.id, null, view);
        return view;
    }

    @Transactional(TxType.SUPPORTS)
    public List<TeamView> teams() {
        return Team.<Team>listAll(Sort.by("name")).stream().map(TeamView::of).toList();
    }

    @Transactional(TxType.SUPPORTS)
    public TeamView team(UUID id) {
        return TeamView.of(requireTeam(id));
    }

    @Transactional(TxType.SUPPORTS)
    public Optional<TeamView> teamByName(String name) {
        return Team.<Team>find("lower(name) = ?1", name.trim().toLowerCase(Locale.ROOT))
                .firstResultOptional()
                .map(TeamView::of);
    }

    // ---- employees -----------------------------------------------------------------------------

    @Transactional
    public EmployeeView createEmployee(NewEmployee req) {
        String email = normaliseEmail(req.email());
        requireTeamField(req.teamId());
        checkEmailFree(email, null);
        String login = blankToNull(req.githubLogin());
        checkGithubLoginFree(login, null);
        Employee e = new Employee();
        e.id = UUID.randomUUID();
        e.email = email;
        e.name = req.name().trim();
        e.teamId = req.teamId();
        e.githubLogin = login;
        persist(e, "email: an employee with e-mail " + email + " or GitHub login " + login + " already exists");
        EmployeeView view = EmployeeView.of(reload(e));
        audit.record(AuditTarget.EMPLOYEE, AuditChange.CREATE, e.id, null, view);
        return view;
    }

    @Transactional(TxType.SUPPORTS)
    public List<EmployeeView> employees(UUID teamId) {
        List<Employee> list =
                teamId == null ? Employee.listAll(Sort.by("email")) : Employee.list("teamId", Sort.by("email"), teamId);
        return list.stream().map(EmployeeView::of).toList();
    }

    /** The first {@code limit} employees by e-mail of {@code teamIds}, or of every team when null. */
    @Transactional(TxType.SUPPORTS)
    public List<EmployeeView> employees(Set<UUID> teamIds, int limit) {
        if (teamIds != null && teamIds.isEmpty()) {
            return List.of();
        }
        var query = teamIds == null
                ? Employee.<Employee>findAll(Sort.by("email"))
                : Employee.<Employee>find("teamId in ?1", Sort.by("email"), teamIds);
        return query.page(0, limit).list().stream().map(EmployeeView::of).toList();
    }

    @Transactional(TxType.SUPPORTS)
    public EmployeeView employee(UUID id) {
        return EmployeeView.of(requireEmployee(id));
    }

    @Transactional(TxType.SUPPORTS)
    public Optional<EmployeeView> employeeByEmail(String email) {
        return Employee.<Employee>find("lower(email) = ?1", normaliseEmail(email))
                .firstResultOptional()
                .map(EmployeeView::of);
    }

    /** PATCH: only the fields given change; an empty githubLogin removes it. */
    @Transactional
    public EmployeeView updateEmployee(UUID id, EmployeeUpdate req) {
        Employee e = requireEmployee(id);
        EmployeeView before = EmployeeView.of(e);
        if (req.email() != null) {
            String email = normaliseEmail(req.email());
            checkEmailFree(email, id);
            e.email = email;
        }
        if (req.name() != null) {
            if (req.name().isBlank()) {
                throw ApiException.badRequest("name: must not be blank");
            }
            e.name = req.name().trim();
        }
        if (req.githubLogin() != null) {
            String login = blankToNull(req.githubLogin());
            checkGithubLoginFree(login, id);
            e.githubLogin = login;
        }
        UUID oldTeam = e.teamId;
        if (req.teamId() != null) {
            requireTeamField(req.teamId());
            e.teamId = req.teamId();
        }
        return saveEmployee(e, oldTeam, before);
    }

    /** PUT: the employee becomes exactly what is given (a missing githubLogin removes it). */
    @Transactional
    public EmployeeView replaceEmployee(UUID id, NewEmployee req) {
        Employee e = requireEmployee(id);
        EmployeeView before = EmployeeView.of(e);
        String email = normaliseEmail(req.email());
        checkEmailFree(email, id);
        requireTeamField(req.teamId());
        String login = blankToNull(req.githubLogin());
        checkGithubLoginFree(login, id);
        UUID oldTeam = e.teamId;
        e.email = email;
        e.name = req.name().trim();
        e.teamId = req.teamId();
        e.githubLogin = login;
        return saveEmployee(e, oldTeam, before);
    }

    private EmployeeView saveEmployee(Employee e, UUID oldTeam, EmployeeView before) {
        try {
            e.flush();
        } catch (PersistenceException ex) {
            throw ApiException.conflict("email or githubLogin: already used by another employee");
        }
        if (!oldTeam.equals(e.teamId)) {
            // The gateways cache team per key: touching the rows moves updated_at (trigger), so every
            // instance's next poll picks up the new team; this instance updates at commit.
            ApiKey.update("employeeId = ?1 where employeeId = ?1", e.id);
            List<KeyEntry> entries = ApiKey.<ApiKey>list("employeeId", e.id).stream()
                    .map(k -> entry(k, e.teamId))
                    .toList();
            keysChanged.fire(new KeysChanged(entries));
            LOG.infof("employee %s moved from team %s to team %s", e.id, oldTeam, e.teamId);
        }
        EmployeeView after = EmployeeView.of(e);
        audit.record(AuditTarget.EMPLOYEE, AuditChange.UPDATE, e.id, before, after);
        return after;
    }

    // ---- keys ----------------------------------------------------------------------------------

    /** Creates a key; the returned {@link CreatedKey#key()} is the only copy there will ever be. */
    @Transactional
    public CreatedKey createKey(NewKey req) {
        UUID employeeId = null;
        UUID teamId;
        String workload = null;
        if (req.isService()) {
            // a team's key: its owner is the team, its workload required (docs/workloads.md)
            if (req.employeeId() != null) {
                throw ApiException.badRequest(
                        "employeeId: a service key belongs to a team; send teamId, not employeeId");
            }
            // every missing field in one answer, so that a caller fixes its request once
            List<String> missing = new ArrayList<>();
            if (req.teamId() == null) {
                missing.add("teamId");
            }
            if (req.name() == null || req.name().isBlank()) {
                missing.add("name");
            }
            if (req.workload() == null || req.workload().isBlank()) {
                missing.add("workload");
            }
            if (!missing.isEmpty()) {
                throw ApiException.badRequest(String.join(", ", missing) + ": required for a service key");
            }
            requireTeamField(req.teamId());
            teamId = req.teamId();
            workload = req.workload();
            UUID team = teamId;
            String name = workload;
            Team.getEntityManager().unwrap(Session.class).doWork(c -> workloads.requireForKey(c, team, name));
        } else {
            if (req.employeeId() == null) {
                throw ApiException.badRequest("employeeId: required (or teamId with service: true for a service key)");
            }
            if (req.teamId() != null || req.workload() != null) {
                throw ApiException.badRequest("teamId, workload: only for a service key (service: true)");
            }
            Employee owner = Employee.findById(req.employeeId());
            if (owner == null) {
                throw ApiException.badRequest("employeeId: no employee with id " + req.employeeId());
            }
            employeeId = owner.id;
            teamId = owner.teamId;
        }
        if (req.expiresAt() != null && !req.expiresAt().isAfter(Instant.now())) {
            throw ApiException.badRequest("expiresAt: must be in the future");
        }
        String raw = ApiKeys.generate();
        ApiKey k = new ApiKey();
        k.id = UUID.randomUUID();
        k.employeeId = employeeId;
        k.teamId = employeeId == null ? teamId : null;
        k.workload = workload;
        k.workloadHeader = Boolean.TRUE.equals(req.workloadHeader());
        k.name = blankToNull(req.name());
        k.keyHash = ApiKeys.sha256Hex(raw);
        k.prefix = ApiKeys.prefixOf(raw);
        List<String> models = allowedModels(req.allowedModels());
        k.allowedModels = models.isEmpty() ? null : models.toArray(String[]::new);
        k.expiresAt = req.expiresAt();
        k.requestsPerMinute = req.requestsPerMinute();
        k.tokensPerMinute = req.tokensPerMinute();
        k.maxInFlight = req.maxInFlight();
        k.persistAndFlush();
        reload(k);
        keysChanged.fire(new KeysChanged(List.of(entry(k, teamId))));
        audit.record(AuditTarget.KEY, AuditChange.CREATE, k.id, null, KeyView.of(k, Instant.now(), null));
        LOG.infof(
                "key %s (%s) created for %s %s",
                k.id, k.prefix, employeeId == null ? "team" : "employee", employeeId == null ? teamId : employeeId);
        return new CreatedKey(
                k.id,
                raw,
                k.prefix,
                employeeId,
                teamId,
                k.name,
                k.expiresAt,
                models,
                k.requestsPerMinute,
                k.tokensPerMinute,
                k.maxInFlight,
                k.createdAt,
                employeeId == null,
                k.workload,
                k.workloadHeader);
    }

    @Transactional(TxType.SUPPORTS)
    public List<KeyView> keys(UUID employeeId) {
        Instant now = Instant.now();
        List<ApiKey> list = employeeId == null
                ? ApiKey.listAll(Sort.by("createdAt"))
                : ApiKey.list("employeeId", Sort.by("createdAt"), employeeId);
        Map<UUID, Instant> used = lastUsed(list.stream().map(k -> k.id).toList());
        return list.stream().map(k -> KeyView.of(k, now, used.get(k.id))).toList();
    }

    @Transactional(TxType.SUPPORTS)
    public KeyView key(UUID id) {
        ApiKey k = requireKey(id);
        return KeyView.of(k, Instant.now(), lastUsed(List.of(k.id)).get(k.id));
    }

    /** Last use per key: written ones from api_key_last_use, newer ones of this instance from memory. */
    private Map<UUID, Instant> lastUsed(List<UUID> keys) {
        Map<UUID, Instant> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = ApiKey.getEntityManager()
                .createNativeQuery("SELECT key_id, used_at FROM api_key_last_use WHERE key_id IN (:ids)")
                .setParameter("ids", keys)
                .getResultList();
        for (Object[] r : rows) {
            out.put((UUID) r[0], r[1] instanceof OffsetDateTime o ? o.toInstant() : (Instant) r[1]);
        }
        for (UUID k : keys) {
            Instant pending = lastUse.pending(LastUse.Kind.KEY, k);
            if (pending != null) {
                out.merge(k, pending, LastUse::latest);
            }
        }
        return out;
    }

    /** Revokes a key for good; revoking a revoked key changes nothing. */
    @Transactional
    public KeyView revokeKey(UUID id) {
        ApiKey k = requireKey(id);
        if (k.revokedAt == null) {
            KeyView before = KeyView.of(k, Instant.now(), null);
            k.revokedAt = Instant.now();
            k.flush();
            keysChanged.fire(new KeysChanged(List.of(entry(k, teamOf(k)))));
            audit.record(AuditTarget.KEY, AuditChange.REVOKE, k.id, before, KeyView.of(k, Instant.now(), null));
            LOG.infof("key %s (%s) revoked", k.id, k.prefix);
        }
        return KeyView.of(k, Instant.now(), null);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The team a key's use counts under: a service key's own, else its employee's. */
    private static UUID teamOf(ApiKey k) {
        return k.teamId != null ? k.teamId : Employee.<Employee>findById(k.employeeId).teamId;
    }

    static KeyEntry entry(ApiKey k, UUID teamId) {
        Set<String> models = k.allowedModels == null ? Set.of() : Set.copyOf(List.of(k.allowedModels));
        ResolvedKey resolved = new ResolvedKey(
                k.id,
                k.prefix,
                k.employeeId,
                teamId,
                models,
                k.expiresAt,
                k.requestsPerMinute,
                k.tokensPerMinute,
                k.maxInFlight,
                k.workload,
                k.workloadHeader);
        return new KeyEntry(k.keyHash, resolved, k.revokedAt);
    }

    private static List<String> allowedModels(List<String> given) {
        if (given == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String m = given.get(i);
            if (m == null || m.isBlank()) {
                throw ApiException.badRequest("allowedModels[" + i + "]: must not be blank");
            }
            if (m.length() > MAX_MODEL_NAME) {
                throw ApiException.badRequest(
                        "allowedModels[" + i + "]: longer than " + MAX_MODEL_NAME + " characters");
            }
            out.add(m.trim());
        }
        return new ArrayList<>(out);
    }

    private static Team requireTeam(UUID id) {
        Team t = Team.findById(id);
        if (t == null) {
            throw ApiException.notFound("no team with id " + id);
        }
        return t;
    }

    private static void requireTeamField(UUID teamId) {
        if (Team.findById(teamId) == null) {
            throw ApiException.badRequest("teamId: no team with id " + teamId);
        }
    }

    private static Employee requireEmployee(UUID id) {
        Employee e = Employee.findById(id);
        if (e == null) {
            throw ApiException.notFound("no employee with id " + id);
        }
        return e;
    }

    private static ApiKey requireKey(UUID id) {
        ApiKey k = ApiKey.findById(id);
        if (k == null) {
            throw ApiException.notFound("no key with id " + id);
        }
        return k;
    }

    private static void checkEmailFree(String email, UUID self) {
        // lower() on both sides: rows written by other paths (the CSV import) may keep their case
        Optional<Employee> other = Employee.find("lower(email) = ?1", email).firstResultOptional();
        if (other.isPresent() && !other.get().id.equals(self)) {
            throw ApiException.conflict("email: an employee with e-mail " + email + " already exists");
        }
    }

    private static void checkGithubLoginFree(String login, UUID self) {
        if (login == null) {
            return;
        }
        Optional<Employee> other = Employee.findByGithubLogin(login);
        if (other.isPresent() && !other.get().id.equals(self)) {
            throw ApiException.conflict("githubLogin: GitHub login " + login + " already belongs to another employee");
        }
    }

    private static String normaliseEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Flushes now so that a unique-constraint race becomes a 409, not a 500 at commit. */
    private static void persist(PanacheEntityBase entity, String conflict) {
        try {
            entity.persistAndFlush();
        } catch (PersistenceException ex) {
            throw ApiException.conflict(conflict);
        }
    }

    /** Reads back the columns the database fills in (created_at, updated_at). */
    private static <T extends PanacheEntityBase> T reload(T entity) {
        Team.getEntityManager().refresh(entity);
        return entity;
    }
}
