package dev.tally.platform;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Guards {@code /api/admin/**} with the admin token; answers 401 problem+json otherwise. */
public class AdminAuthFilter {

    private final AdminToken adminToken;

    public AdminAuthFilter(AdminToken adminToken) {
        this.adminToken = adminToken;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!path.startsWith("/api/admin")) {
            return null;
        }
        if (adminToken.matches(ctx.getHeaderString("Authorization"))) {
            return null;
        }
        return Response.status(401)
                .type("application/problem+json")
                .entity(new Problem("about:blank", "Unauthorized", 401,
                        "admin API needs Authorization: Bearer <TALLY_ADMIN_TOKEN>", path))
                .build();
    }

}
