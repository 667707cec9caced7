package dev.tally.access.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.jboss.logging.Logger;

import io.quarkus.panache.common.Sort;
import io.quarkus.security.AuthenticationFailedException;

import dev.tally.access.LastUse;
import dev.tally.access.Scope;
import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.platform.ApiException;

/**
 * Scoped API tokens: created, listed and revoked by admins; checked on every request that presents
 * one (a database read by hash, so a revocation holds at once on every instance).
 */
@ApplicationScoped
@ActivateRequestContext
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);

    private final AuditLog audit;
    private final Viewers viewers;
    private final LastUse lastUse;
    private final Clock clock;

    public TokenService(AuditLog audit, Viewers viewers, LastUse lastUse, Clock clock) {
        this.audit = audit;
        this.viewers = viewers;
        this.lastUse = lastUse;
        this.clock = clock;
    }

    @Transactional
    public CreatedToken create(NewToken req) {
        if (req.expiresAt() != null && !req.expiresAt().isAfter(clock.instant())) {
            throw ApiException.badRequest("expiresAt: must be in the future");
        }
        List<Scope> scopes = new ArrayList<>(new LinkedHashSet<>(req.scopes()));
        if (scopes.contains(null)) {
            throw ApiException.badRequest("scopes: must not contain null");
        }
        String raw = ApiTokens.generate();
        ApiToken t = new ApiToken();
        t.id = UUID.randomUUID();
        t.name = req.name().trim();
        t.tokenHash = ApiTokens.sha256Hex(raw);
        t.prefix = ApiTokens.prefixOf(raw);
        t.scopes = scopes.stream().map(Scope::key).toArray(String[]::new);
        t.expiresAt = req.expiresAt();
        t.createdBy = viewers.find().map(Viewer::actor).orElse(AuditLog.SYSTEM);
        t.persistAndFlush();
        ApiToken.getEntityManager().refresh(t);
        audit.record(AuditTarget.TOKEN, AuditChange.CREATE, t.id, null, view(t));
        LOG.infof("API token %s (%s) created with scopes %s", t.id, t.prefix, String.join(",", t.scopes));
        return new CreatedToken(t.id, raw, t.prefix, t.name, scopes, t.expiresAt, t.createdAt);
    }

    @Transactional(TxType.SUPPORTS)
    public List<TokenView> list() {
        return ApiToken.<ApiToken>listAll(Sort.by("createdAt")).stream()
                .map(this::view)
                .toList();
    }

    @Transactional(TxType.SUPPORTS)
    public TokenView get(UUID id) {
        return view(require(id));
    }

    /** Revokes for good; the next request with the token gets 401. Revoking twice changes nothing. */
    @Transactional
    public TokenView revoke(UUID id) {
        ApiToken t = require(id);
        if (t.revokedAt == null) {
            TokenView before = view(t);
            t.revokedAt = clock.instant();
            t.flush();
            audit.record(AuditTarget.TOKEN, AuditChange.REVOKE, t.id, before, view(t));
            LOG.infof("API token %s (%s) revoked", t.id, t.prefix);
        }
        return view(t);
    }

    /** The viewer of a presented token; unknown, revoked and expired tokens fail with the reason. */
    @Transactional(TxType.SUPPORTS)
    public Viewer authenticate(String presented) {
        if (!ApiTokens.plausible(presented)) {
            throw new AuthenticationFailedException("not an API token");
        }
        ApiToken t = ApiToken.<ApiToken>find("tokenHash", ApiTokens.sha256Hex(presented))
                .firstResultOptional()
                .orElseThrow(() -> new AuthenticationFailedException("unknown API token"));
        if (t.revokedAt != null) {
            throw new AuthenticationFailedException("API token " + t.prefix + "… was revoked");
        }
        if (t.expiresAt != null && !clock.instant().isBefore(t.expiresAt)) {
            throw new AuthenticationFailedException("API token " + t.prefix + "… expired at " + t.expiresAt);
        }
        lastUse.used(LastUse.Kind.TOKEN, t.id);
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : t.scopes) {
            Scope.find(s).ifPresent(scopes::add);
        }
        return new Viewer(Viewer.Kind.API_TOKEN, t.id.toString(), t.name, t.name, null, scopes, Set.of(), null);
    }

    private TokenView view(ApiToken t) {
        Instant now = clock.instant();
        String status = t.revokedAt != null
                ? "revoked"
                : t.expiresAt != null && !now.isBefore(t.expiresAt) ? "expired" : "active";
        List<Scope> scopes = new ArrayList<>();
        for (String s : t.scopes) {
            Scope.find(s).ifPresent(scopes::add);
        }
        return new TokenView(
                t.id,
                t.name,
                t.prefix,
                scopes,
                t.expiresAt,
                t.revokedAt,
                LastUse.latest(t.lastUsedAt, lastUse.pending(LastUse.Kind.TOKEN, t.id)),
                t.createdBy,
                t.createdAt,
                status);
    }

    private static ApiToken require(UUID id) {
        ApiToken t = ApiToken.findById(id);
        if (t == null) {
            throw ApiException.notFound("no API token with id " + id);
        }
        return t;
    }
}
