package dev.tally.access;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Single sign-on through any OpenID Connect provider ({@code TALLY_OIDC_*}). Unset issuer = local
 * accounts. Roles and teams come from a groups claim: {@link #groupRoles} and {@link #groupTeams}
 * here, plus what the admin API sets ({@code /api/admin/group-mappings}).
 */
@ConfigMapping(prefix = "tally.oidc")
public interface SsoConfig {

    /** The provider's issuer URL (OIDC discovery is read from it); unset = no single sign-on. */
    Optional<String> authServerUrl();

    /** Tally's client id at the provider. */
    @WithDefault("tally")
    String clientId();

    /** Tally's client secret at the provider (confidential client). */
    Optional<String> clientSecret();

    /** Scopes asked for besides openid. */
    @WithDefault("email,profile")
    List<String> scopes();

    /** Claim (in the ID and access tokens) holding the person's groups; a dotted path for nested claims. */
    @WithDefault("groups")
    String groupsClaim();

    /** Claim holding the e-mail that links a person to their employee record. */
    @WithDefault("email")
    String emailClaim();

    /** Claim holding the display name. */
    @WithDefault("name")
    String nameClaim();

    /** Group → role, as {@code group=role} pairs separated by commas (roles: admin, leader, team_lead, employee). */
    Optional<String> groupRoles();

    /** Group → team (the team's name), as {@code group=Team name} pairs separated by commas. */
    Optional<String> groupTeams();

    /** Role of a signed-in person none of whose groups maps to a role. */
    @WithDefault("employee")
    AccessRole defaultRole();

    /** Access token audience to require on /api bearer tokens; unset = not checked (client id for Keycloak). */
    Optional<String> audience();
}
