package dev.tally.alert.channel;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import dev.tally.platform.ApiException;

/** Alert channels admin API (the admin token is checked by {@code AdminAuthFilter}). */
@Path("/api/admin/alert-channels")
public class AlertChannelResource {

    private final AlertChannelService channels;
    private final ChannelTest test;

    public AlertChannelResource(AlertChannelService channels, ChannelTest test) {
        this.channels = channels;
        this.test = test;
    }

    @POST
    public Response create(@Valid @NotNull NewChannel channel) {
        ChannelView created = channels.create(channel);
        return Response.created(URI.create("/api/admin/alert-channels/" + created.id()))
                .entity(created)
                .build();
    }

    @GET
    public List<ChannelView> list() {
        return channels.list();
    }

    @GET
    @Path("{id}")
    public ChannelView get(@PathParam("id") UUID id) {
        return channels.view(id).orElseThrow(() -> ApiException.notFound("no alert channel " + id));
    }

    /**
     * Changes the fields the body gives and keeps the others (the type never changes), checked as a
     * create is; answers the channel as {@link #get} shows it.
     */
    @PATCH
    @Path("{id}")
    public ChannelView update(@PathParam("id") UUID id, @NotNull ChannelChange channel) {
        return channels.update(id, channel);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        channels.delete(id);
        return Response.noContent().build();
    }

    /** Sends a test message now and says whether the receiver took it (502 with its answer if not). */
    @POST
    @Path("{id}/test")
    public ChannelTest.Result test(@PathParam("id") UUID id) {
        return test.send(id);
    }
}
