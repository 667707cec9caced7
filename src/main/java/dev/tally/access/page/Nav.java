package dev.tally.access.page;

import java.util.Set;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

/**
 * What the page frame shows of the signed-in caller: their name, the links their role opens, and
 * the sign-out form with its CSRF token. Part of the rendered-page cache key, so a cached page is
 * only ever served to the same caller.
 *
 * @param reports    org overview and models (leaders, team leads, admins)
 * @param allTeams   operations (leaders, admins)
 * @param budgets    the Budgets and Alerts pages: every team's for leaders and admins, a team lead's own
 *                   teams' ({@code Viewer.opensBudgetPages})
 * @param person     a signed-in person: My usage and sign-out
 * @param teams      the teams whose pages a team lead opens (every team's when {@code allTeams}): which
 *                   team names a page links, so it is part of the cache key too
 * @param csrfField  form field name of the CSRF token; null when no token (then no sign-out form)
 */
@TemplateData
public record Nav(
        String name,
        String roleLabel,
        boolean reports,
        boolean allTeams,
        boolean budgets,
        boolean person,
        boolean admin,
        Set<UUID> teams,
        String csrfField,
        String csrfToken) {

    public static final Nav NOBODY = new Nav(null, null, false, false, false, false, false, Set.of(), null, null);

    /** Whether the caller may open this team's page: a link to it would not answer 403. */
    public boolean opensTeam(UUID team) {
        return allTeams || teams.contains(team);
    }

    public boolean signedIn() {
        return name != null;
    }
}
