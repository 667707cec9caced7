package dev.tally.access.self;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.report.Period;
import dev.tally.identity.CreatedKey;
import dev.tally.identity.KeyView;
import dev.tally.platform.time.OrgCalendar;

/**
 * {@code /api/me}: the same self-service as the My usage page, as JSON for a person's SSO access
 * token or session (a CLI that mints its own key, for example).
 */
@Path("/api/me")
@Blocking
public class MyResource {

    /** {@code POST /api/me/keys} body. */
    public record NewOwnKey(String name) {}

    private final SelfService self;
    private final Viewers viewers;
    private final OrgCalendar calendar;

    public MyResource(SelfService self, Viewers viewers, OrgCalendar calendar) {
        this.self = self;
        this.viewers = viewers;
        this.calendar = calendar;
    }

    /** Own usage over the period (preset or from/to, default the last 30 days) and own keys. */
    @GET
    public MyUsage usage(
            @QueryParam("preset") String preset, @QueryParam("from") String from, @QueryParam("to") String to) {
        return self.usage(viewers.current(), Period.parse(preset, from, to, calendar.today()));
    }

    @GET
    @Path("keys")
    public List<KeyView> keys() {
        return self.keys(viewers.current());
    }

    /** {@code {name}} → the key, this once. */
    @POST
    @Path("keys")
    public Response create(@NotNull NewOwnKey req) {
        CreatedKey k = self.createKey(viewers.current(), req.name());
        return Response.created(URI.create("/api/me/keys/" + k.id())).entity(k).build();
    }

    @DELETE
    @Path("keys/{id}")
    public Response revoke(@PathParam("id") UUID id) {
        self.revokeKey(viewers.current(), id);
        return Response.noContent().build();
    }
}
