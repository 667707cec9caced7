package dev.tally.access.sso;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.tally.access.AccessRole;
import dev.tally.access.Scope;
import dev.tally.access.SsoConfig;
import dev.tally.access.Viewer;

/**
 * Turns a person signed in through the identity provider into a {@link Viewer}: role and teams
 * from their groups claim ({@link GroupMappings}), their employee record from the e-mail claim.
 * Identities that already carry a viewer (tokens, local accounts) pass through unchanged.
 */
@ApplicationScoped
public class SsoRoles implements SecurityIdentityAugmentor {

    /** The standard claim (OpenID Connect Core 5.1) that says whether the e-mail claim was verified. */
    static final String EMAIL_VERIFIED = "email_verified";

    private final GroupMappings mappings;
    private final SsoConfig config;

    public SsoRoles(GroupMappings mappings, SsoConfig config) {
        this.mappings = mappings;
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || identity.getAttribute(Viewer.ATTRIBUTE) != null) {
            return Uni.createFrom().item(identity); // Tally's own sign-ins carry their viewer already
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            // not a token Tally can read groups from (an opaque access token the provider introspected):
            // whatever roles the OIDC extension made of it are the provider's words, not Tally's mappings
            return Uni.createFrom().item(withoutRoles(identity));
        }
        return context.runBlocking(() -> withViewer(identity, viewer(jwt)));
    }

    /** The identity with no roles and no viewer: signed in, and allowed nothing that needs either. */
    static SecurityIdentity withoutRoles(SecurityIdentity identity) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addPermissionChecker(identity::checkPermission)
                .build();
    }

    Viewer viewer(JsonWebToken jwt) {
        List<String> groups = strings(claim(jwt, config.groupsClaim()));
        GroupMappings.Grant grant = mappings.grant(groups);
        AccessRole role = grant.role().orElse(config.defaultRole());
        String email = Optional.ofNullable(jwt.<Object>getClaim(config.emailClaim()))
                .map(Object::toString)
                .map(s -> s.replace("\"", "").trim().toLowerCase(Locale.ROOT))
                .orElse(null);
        String login = email != null
                ? email
                : Optional.ofNullable(jwt.<String>getClaim("preferred_username"))
                        .orElse(jwt.getSubject());
        String name = Optional.ofNullable(jwt.<Object>getClaim(config.nameClaim()))
                .map(o -> o.toString().replace("\"", ""))
                .orElse(login);
        // An address the provider says it has not verified is the person's word only: no employee record
        // (someone else's usage and keys) is linked to it. A provider without the claim is taken at its word.
        boolean unverified = "false".equals(String.valueOf(claim(jwt, EMAIL_VERIFIED)));
        UUID employee = email == null || unverified
                ? null
                : mappings.employeeByEmail(email).orElse(null);
        return Viewer.person(Viewer.Kind.SSO_USER, jwt.getSubject(), login, name, role, grant.teamIds(), employee);
    }

    /**
     * The provider's identity with the viewer's scopes as its only roles. The OIDC extension has already
     * made roles of the token's groups (its default role claims: {@code groups}, Keycloak's realm and
     * client roles); kept, a provider group that happens to be called {@code admin} or {@code reports:read}
     * would pass the HTTP permissions of application.properties whatever Tally's mappings say. Its
     * principal, credentials (the tokens sign-out needs), attributes and permission checks stay.
     */
    private static SecurityIdentity withViewer(SecurityIdentity identity, Viewer v) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addPermissionChecker(identity::checkPermission)
                .addAttribute(Viewer.ATTRIBUTE, v);
        for (Scope s : Scope.values()) {
            if (v.has(s)) {
                b.addRole(s.key());
            }
        }
        b.addRole(Scope.PERSON);
        return b.build();
    }

    /**
     * A claim by a dotted path (e.g. realm_access.roles), as the token has it: from the OIDC
     * extension's raw claims where it hands them over, since smallrye-jwt reads the standard
     * {@code groups} claim as an array only and loses a single group given as a string.
     */
    private static Object claim(JsonWebToken jwt, String path) {
        String[] parts = path.split("\\.");
        Object v = jwt instanceof OidcJwtCallerPrincipal p
                ? p.getClaims().getClaimValue(parts[0])
                : jwt.getClaim(parts[0]);
        for (int i = 1; i < parts.length && v != null; i++) {
            v = v instanceof JsonObject o ? o.get(parts[i]) : v instanceof Map<?, ?> m ? m.get(parts[i]) : null;
        }
        return v;
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof JsonArray a) {
            for (JsonValue x : a) {
                out.add(x instanceof JsonString s ? s.getString() : x.toString());
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else if (v instanceof JsonString s) {
            out.add(s.getString());
        } else if (v != null) {
            out.add(v.toString());
        }
        return out;
    }
}
