package dev.tally.access.sso;

import java.util.List;
import java.util.Optional;

import dev.tally.access.AccessRole;
import dev.tally.access.SsoConfig;

/**
 * The SSO settings an operator writes, for code under test that takes an {@link SsoConfig}: the
 * defaults of {@code tally.oidc.*} but for the groups claim and the configured group mappings.
 */
public record TestSsoConfig(String groupsClaim, String roles, String teams) implements SsoConfig {

    public static TestSsoConfig groups(String groupRoles, String groupTeams) {
        return new TestSsoConfig("groups", groupRoles, groupTeams);
    }

    @Override
    public Optional<String> authServerUrl() {
        return Optional.empty();
    }

    @Override
    public String clientId() {
        return "tally";
    }

    @Override
    public Optional<String> clientSecret() {
        return Optional.empty();
    }

    @Override
    public List<String> scopes() {
        return List.of("email", "profile");
    }

    @Override
    public String emailClaim() {
        return "email";
    }

    @Override
    public String nameClaim() {
        return "name";
    }

    @Override
    public Optional<String> groupRoles() {
        return Optional.ofNullable(roles);
    }

    @Override
    public Optional<String> groupTeams() {
        return Optional.ofNullable(teams);
    }

    @Override
    public AccessRole defaultRole() {
        return AccessRole.EMPLOYEE;
    }

    @Override
    public Optional<String> audience() {
        return Optional.empty();
    }
}
