package dev.tally.access.page;

import io.quarkus.qute.TemplateData;

/**
 * What the page frame shows of the signed-in caller: their name, the links their role opens, and
 * the sign-out form with its CSRF token. Part of the rendered-page cache key, so a cached page is
 * only ever served to the same caller.
 *
 * @param reports    org overview and models (leaders, team leads, admins)
 * @param allTeams   operations (leaders, admins)
 * @param person     a signed-in person: My usage and sign-out
 * @param csrfField  form field name of the CSRF token; null when no token (then no sign-out form)
 */
@TemplateData
public record Nav(
        String name,
        String roleLabel,
        boolean reports,
        boolean allTeams,
        boolean person,
        boolean admin,
        String csrfField,
        String csrfToken) {

    public static final Nav NOBODY = new Nav(null, null, false, false, false, false, null, null);

    public boolean signedIn() {
        return name != null;
    }
}
