package dev.tally.access.user;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.jboss.logging.Logger;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.panache.common.Sort;

import dev.tally.access.AccessConfig;
import dev.tally.access.AccessRole;
import dev.tally.access.Random62;
import dev.tally.access.Viewer;
import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.identity.Employee;
import dev.tally.identity.Team;
import dev.tally.platform.ApiException;

/**
 * Local accounts: created and changed by admins ({@code /api/admin/users}), checked at sign-in.
 * Every change is audited, without passwords or hashes.
 */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);
    /** Generated passwords: 20 base62 characters, about 119 bits. */
    static final int GENERATED_PASSWORD_CHARS = 20;

    public static final String ADMIN = "admin";

    /** The advisory lock of {@link #createAdmin} ("tally-ad"), held until its transaction ends. */
    static final long CREATE_ADMIN_LOCK = 0x74616c6c792d6164L;

    private final EntityManager em;
    private final AuditLog audit;
    private final AccessConfig config;
    private final Clock clock;

    public UserService(EntityManager em, AuditLog audit, AccessConfig config, Clock clock) {
        this.em = em;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    @Transactional
    public UserView create(NewUser req) {
        String username = req.email().trim().toLowerCase(Locale.ROOT);
        if (!username.contains("@")) {
            throw ApiException.badRequest("email: '" + req.email() + "' is not an e-mail address");
        }
        if (AppUser.count("username", username) > 0) {
            throw ApiException.conflict("email: a user " + username + " already exists");
        }
        List<UUID> teams = teams(req.role(), req.teamIds());
        String password = req.password() == null ? Random62.of(GENERATED_PASSWORD_CHARS) : req.password();
        AppUser u = new AppUser();
        u.id = UUID.randomUUID();
        u.username = username;
        u.name = req.name().trim();
        u.role = req.role().key();
        u.passwordHash = hash(password);
        u.persistAndFlush();
        em.refresh(u);
        setTeams(u.id, teams);
        UserView view = view(u);
        audit.record(AuditTarget.USER, AuditChange.CREATE, u.id, null, view);
        LOG.infof("user %s (%s) created", username, u.role);
        return req.password() == null ? withPassword(view, password) : view;
    }

    /**
     * Creates the local admin account at first start (see {@link AdminAccount}); false if it exists.
     * Instances sharing the database may start at the same moment: the lock makes them check and
     * insert one at a time, so one creates the account and the others see it (the count runs after
     * the lock, in a new READ COMMITTED snapshot). {@code username} is {@link #ADMIN} but for tests.
     */
    @Transactional
    boolean createAdmin(String username, String password) {
        em.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(:lock)")
                .setParameter("lock", CREATE_ADMIN_LOCK)
                .getSingleResult();
        if (AppUser.count("username", username) > 0) {
            return false;
        }
        AppUser u = new AppUser();
        u.id = UUID.randomUUID();
        u.username = username;
        u.name = "Administrator";
        u.role = AccessRole.ADMIN.key();
        u.passwordHash = hash(password);
        u.persistAndFlush();
        em.refresh(u);
        audit.recordSystem(AuditTarget.USER, AuditChange.CREATE, u.id, null, view(u));
        return true;
    }

    @Transactional(TxType.SUPPORTS)
    public List<UserView> list() {
        return AppUser.<AppUser>listAll(Sort.by("username")).stream()
                .map(this::view)
                .toList();
    }

    @Transactional(TxType.SUPPORTS)
    public UserView get(UUID id) {
        return view(require(id));
    }

    @Transactional
    public UserView update(UUID id, UserUpdate req) {
        AppUser u = require(id);
        UserView before = view(u);
        if (req.name() != null) {
            if (req.name().isBlank()) {
                throw ApiException.badRequest("name: must not be blank");
            }
            u.name = req.name().trim();
        }
        AccessRole role = req.role() != null ? req.role() : AccessRole.parse(u.role);
        if (ADMIN.equals(u.username) && role != AccessRole.ADMIN) {
            throw ApiException.badRequest("role: the admin account stays an admin");
        }
        u.role = role.key();
        // a team lead keeps their teams unless new ones are given; any other role has none
        setTeams(
                u.id,
                role == AccessRole.TEAM_LEAD
                        ? teams(role, req.teamIds() != null ? req.teamIds() : before.teamIds())
                        : teams(role, req.teamIds()));
        if (req.disabled() != null) {
            u.disabledAt = req.disabled() ? (u.disabledAt != null ? u.disabledAt : clock.instant()) : null;
        }
        u.flush();
        UserView after = view(u);
        audit.record(AuditTarget.USER, AuditChange.UPDATE, u.id, before, after);
        return after;
    }

    /** A new generated password, returned once; the old one stops working at once. */
    @Transactional
    public UserView resetPassword(UUID id) {
        AppUser u = require(id);
        String password = Random62.of(GENERATED_PASSWORD_CHARS);
        u.passwordHash = hash(password);
        u.flush();
        UserView view = view(u);
        audit.record(AuditTarget.USER, AuditChange.PASSWORD_RESET, u.id, null, null);
        return withPassword(view, password);
    }

    /** A signed-in person changes their own password (the current one is checked). */
    @Transactional
    public void changeOwnPassword(Viewer viewer, String current, String next) {
        if (viewer.kind() != Viewer.Kind.LOCAL_USER) {
            throw ApiException.badRequest("password: only local accounts have a password here");
        }
        AppUser u = require(UUID.fromString(viewer.id()));
        if (current == null || !BcryptUtil.matches(current, u.passwordHash)) {
            throw ApiException.badRequest("current password: wrong password");
        }
        if (next == null || next.length() < 12 || next.length() > 200) {
            throw ApiException.badRequest("new password: 12 to 200 characters");
        }
        u.passwordHash = hash(next);
        u.flush();
        audit.record(AuditTarget.USER, AuditChange.PASSWORD_RESET, u.id, null, null);
    }

    /** The account of a username, enabled or not; for sign-in. */
    @Transactional(TxType.SUPPORTS)
    Optional<AppUser> find(String username) {
        return AppUser.find("username", username.trim().toLowerCase(Locale.ROOT))
                .firstResultOptional();
    }

    /** The viewer of an enabled account. */
    @Transactional(TxType.SUPPORTS)
    Viewer viewer(AppUser u) {
        UserView v = view(u);
        return Viewer.person(
                Viewer.Kind.LOCAL_USER,
                u.id.toString(),
                u.username,
                u.name,
                v.role(),
                Set.copyOf(v.teamIds()),
                v.employeeId());
    }

    String hash(String password) {
        return BcryptUtil.bcryptHash(password, config.bcryptCost());
    }

    private UserView view(AppUser u) {
        @SuppressWarnings("unchecked")
        List<UUID> teams = em.createNativeQuery(
                        "SELECT team_id FROM app_user_team WHERE user_id = ?1 ORDER BY team_id", UUID.class)
                .setParameter(1, u.id)
                .getResultList();
        UUID employee = Employee.<Employee>find("lower(email) = ?1", u.username)
                .firstResultOptional()
                .map(e -> e.id)
                .orElse(null);
        return new UserView(
                u.id,
                u.username,
                u.name,
                AccessRole.parse(u.role),
                teams,
                employee,
                u.disabledAt != null,
                u.createdAt,
                null);
    }

    private static UserView withPassword(UserView v, String password) {
        return new UserView(
                v.id(),
                v.username(),
                v.name(),
                v.role(),
                v.teamIds(),
                v.employeeId(),
                v.disabled(),
                v.createdAt(),
                password);
    }

    private static List<UUID> teams(AccessRole role, List<UUID> given) {
        if (role != AccessRole.TEAM_LEAD) {
            if (given != null && !given.isEmpty()) {
                throw ApiException.badRequest("teamIds: only a team_lead has teams (role is " + role.key() + ")");
            }
            return List.of();
        }
        if (given == null || given.isEmpty()) {
            throw ApiException.badRequest("teamIds: a team_lead needs at least one team");
        }
        List<UUID> out = new ArrayList<>(new LinkedHashSet<>(given));
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null || Team.findById(out.get(i)) == null) {
                throw ApiException.badRequest("teamIds[" + i + "]: no team with id " + out.get(i));
            }
        }
        return out;
    }

    private void setTeams(UUID user, List<UUID> teams) {
        em.createNativeQuery("DELETE FROM app_user_team WHERE user_id = ?1")
                .setParameter(1, user)
                .executeUpdate();
        for (UUID t : teams) {
            em.createNativeQuery("INSERT INTO app_user_team (user_id, team_id) VALUES (?1, ?2)")
                    .setParameter(1, user)
                    .setParameter(2, t)
                    .executeUpdate();
        }
    }

    private static AppUser require(UUID id) {
        AppUser u = AppUser.findById(id);
        if (u == null) {
            throw ApiException.notFound("no user with id " + id);
        }
        return u;
    }
}
