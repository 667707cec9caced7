package dev.tally.outcomes;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tally.platform.AdminToken;
import dev.tally.platform.ApiException;

/**
 * Uploads and imports write outcomes that leaders see as ROI, so they need the admin token like the
 * admin API (the GitHub webhook is authenticated by its signature instead).
 */
@ApplicationScoped
public class OutcomeAuth {

    private final AdminToken adminToken;

    public OutcomeAuth(AdminToken adminToken) {
        this.adminToken = adminToken;
    }

    public void check(String authorization) {
        if (!adminToken.matches(authorization)) {
            throw new ApiException(401, "outcome uploads need Authorization: Bearer <TALLY_ADMIN_TOKEN>");
        }
    }
}
