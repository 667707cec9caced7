package dev.tally.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.tally.platform.ApiException;

/** Admin view and overrides of model prices (USD per million tokens in, exact nano-dollars stored). */
@Path("/api/admin/prices")
@Produces(MediaType.APPLICATION_JSON)
public class PriceResource {

    /** A price as an admin sets it: USD per million tokens, up to 9 decimals. */
    public record PriceRequest(
            @NotNull BigDecimal input,
            @NotNull BigDecimal output,
            @NotNull BigDecimal cacheRead,
            @NotNull BigDecimal cacheWrite,
            BigDecimal cacheWrite1h,
            @Size(max = 500) String note) {}

    /** A price as shown: USD per million tokens as strings (exact), plus where it comes from. */
    public record PriceView(
            String model,
            String input,
            String output,
            String cacheRead,
            String cacheWrite,
            String cacheWrite1h,
            Long longContextThresholdTokens,
            String date,
            String source,
            boolean overridden) {

        static PriceView of(String model, Price p) {
            Price.Rates r = p.rates();
            return new PriceView(
                    model,
                    Money.usd(r.input()),
                    Money.usd(r.output()),
                    Money.usd(r.cacheRead()),
                    Money.usd(r.cacheWrite()),
                    Money.usd(r.cacheWrite1h()),
                    p.longContext() == null ? null : p.longContext().thresholdTokens(),
                    p.date(),
                    p.source(),
                    p.overridden());
        }
    }

    public record PriceList(String catalogVersion, List<PriceView> prices) {}

    private final PriceService prices;

    public PriceResource(PriceService prices) {
        this.prices = prices;
    }

    @GET
    public PriceList list() {
        Map<String, Price> effective = new TreeMap<>(prices.catalog().all());
        effective.putAll(prices.overrides());
        List<PriceView> views = new ArrayList<>();
        effective.forEach((m, p) -> views.add(PriceView.of(m, p)));
        return new PriceList(prices.catalog().version(), views);
    }

    @GET
    @Path("/{model}")
    public PriceView get(@PathParam("model") String model) {
        Price p = prices.price(model);
        if (p == null) {
            throw ApiException.notFound("model " + model + " has no price: its calls are recorded as unpriced");
        }
        return PriceView.of(model, p);
    }

    @PUT
    @Path("/{model}")
    public PriceView put(@PathParam("model") String model, @Valid @NotNull PriceRequest body) {
        if (model.isBlank() || model.length() > 200) {
            throw ApiException.badRequest("model: must be 1 to 200 characters");
        }
        Price.Rates rates;
        try {
            rates = PriceCatalog.rates(
                    body.input(), body.output(), body.cacheRead(), body.cacheWrite(), body.cacheWrite1h());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return PriceView.of(model, prices.override(model, rates, body.note()));
    }

    @DELETE
    @Path("/{model}")
    public Response delete(@PathParam("model") String model) {
        if (!prices.removeOverride(model)) {
            throw ApiException.notFound("model " + model + " has no price override");
        }
        return Response.noContent().build();
    }
}
