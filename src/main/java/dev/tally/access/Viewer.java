package dev.tally.access;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import dev.tally.platform.ApiException;

/**
 * Who is asking, as every read of reports, pages and keys sees it: the kind of credential, the
 * person's role and teams, or the token's scopes. Built once per request by the identity
 * providers; {@link #requireTeamDetail} and friends are the checks the report and page resources
 * call before they read data, so a refused caller never gets a row.
 *
 * @param id         user id, SSO subject, or API token id
 * @param login      the username or e-mail a person signed in with; the token name for a token
 * @param role       a person's role; null for tokens
 * @param teamIds    the teams a team lead leads (full detail there)
 * @param employeeId the employee record of a person (My usage, own keys); null when none
 */
public record Viewer(
        Kind kind,
        String id,
        String login,
        String name,
        AccessRole role,
        Set<Scope> scopes,
        Set<UUID> teamIds,
        UUID employeeId) {

    /** Attribute of the SecurityIdentity that carries the viewer. */
    public static final String ATTRIBUTE = "tally.viewer";

    public enum Kind {
        /** TALLY_ADMIN_TOKEN or the generated {@code <data dir>/admin-token}. */
        ADMIN_TOKEN,
        /** A scoped API token ({@code tapi_…}). */
        API_TOKEN,
        /** A local account signed in with a password. */
        LOCAL_USER,
        /** A person signed in through the identity provider (session or bearer access token). */
        SSO_USER
    }

    public Viewer {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(scopes);
        teamIds = Set.copyOf(teamIds);
    }

    public static Viewer adminToken() {
        return new Viewer(
                Kind.ADMIN_TOKEN,
                "admin-token",
                "admin-token",
                "Admin token",
                null,
                EnumSet.allOf(Scope.class),
                Set.of(),
                null);
    }

    /** A person: the scopes follow from the role. */
    public static Viewer person(
            Kind kind, String id, String login, String name, AccessRole role, Set<UUID> teamIds, UUID employeeId) {
        return new Viewer(
                kind,
                id,
                login,
                name,
                role,
                scopesOf(role),
                role == AccessRole.TEAM_LEAD ? teamIds : Set.of(),
                employeeId);
    }

    static Set<Scope> scopesOf(AccessRole role) {
        return switch (role) {
            case ADMIN -> EnumSet.allOf(Scope.class);
            case LEADER, TEAM_LEAD -> EnumSet.of(Scope.REPORTS_READ);
            case EMPLOYEE -> EnumSet.noneOf(Scope.class);
        };
    }

    public boolean person() {
        return kind == Kind.LOCAL_USER || kind == Kind.SSO_USER;
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    public boolean isAdmin() {
        return has(Scope.ADMIN);
    }

    /** Every team's detail (people, models, PRs): admins, leaders and reports:read tokens. */
    public boolean seesAllTeams() {
        return has(Scope.REPORTS_READ) && role != AccessRole.TEAM_LEAD;
    }

    public boolean seesTeamDetail(UUID teamId) {
        return seesAllTeams() || has(Scope.REPORTS_READ) && teamIds.contains(teamId);
    }

    /** Org-level reports: every team's totals, no people. Team leads may read them too. */
    public void requireReports() {
        if (!has(Scope.REPORTS_READ)) {
            throw forbidden("reports need the leader, team_lead or admin role, or a reports:read token");
        }
    }

    /** One team's detail: its people, models and merged PRs. */
    public void requireTeamDetail(UUID teamId) {
        requireReports();
        if (!seesTeamDetail(teamId)) {
            throw forbidden("team " + teamId + " is not one of your teams: a team lead sees the detail of their own"
                    + " teams only (other teams' totals are on the org report)");
        }
    }

    /** Pipeline health: admins and leaders. */
    public void requireAllTeams() {
        requireReports();
        if (!seesAllTeams()) {
            throw forbidden("this needs the leader or admin role");
        }
    }

    /**
     * Sets every budget (DESIGN.md: finance and team leads set budgets): admins and leaders, the
     * role finance has. Not a {@code reports:read} token: it only reads.
     */
    public boolean setsEveryBudget() {
        return isAdmin() || role == AccessRole.LEADER;
    }

    /** Sets budgets: every one ({@link #setsEveryBudget}), or a team lead those of their own teams. */
    public boolean setsBudgets() {
        return setsEveryBudget() || role == AccessRole.TEAM_LEAD && !teamIds.isEmpty();
    }

    /**
     * The Budgets and Alerts pages: leaders and admins (every team's), or a team lead (their own
     * teams' budgets and the alerts those raise).
     */
    public void requireBudgetPages() {
        requireReports();
        if (!opensBudgetPages()) {
            throw forbidden("this needs the leader or admin role, or a team lead's for their own teams");
        }
    }

    /** Whether {@link #requireBudgetPages} lets the viewer in (the pages' frame links them then). */
    public boolean opensBudgetPages() {
        return seesAllTeams() || has(Scope.REPORTS_READ) && role == AccessRole.TEAM_LEAD && !teamIds.isEmpty();
    }

    public void requireSetsBudgets() {
        if (!setsBudgets()) {
            throw forbidden("setting budgets needs the admin or leader role, or a team lead's for their own teams");
        }
    }

    public void requireAdmin() {
        if (!isAdmin()) {
            throw forbidden("this needs the admin role or an admin token");
        }
    }

    /** Who did it, as the audit log names them. */
    public String actor() {
        return switch (kind) {
            case ADMIN_TOKEN -> "admin-token";
            case API_TOKEN -> "token:" + login + " (" + id + ")";
            case LOCAL_USER -> "user:" + login;
            case SSO_USER -> "sso:" + login;
        };
    }

    /** The role or scopes, as the audit log records them. */
    public String roleName() {
        if (role != null) {
            return role.key();
        }
        return String.join(" ", scopes.stream().map(Scope::key).sorted().toList());
    }

    private static ApiException forbidden(String detail) {
        return new ApiException(403, detail);
    }
}
