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

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.tally.platform.ApiException;

/** Admin view and overrides of model prices (USD per million tokens in, exact nano-dollars stored). */
@Path("/api/admin/prices")
@Produces(MediaType.APPLICATION_JSON)
public class PriceResource {

    /**
     * A price as an admin sets it: USD per million tokens, up to 9 decimals. {@code longContext}, when
     * given, is the catalog's long-context tier: its rates apply to every token of a request whose prompt
     * (input + cache read + cache write) is above {@code thresholdTokens}.
     */
    // the answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored
    @JsonIgnoreProperties({"model", "longContextThresholdTokens", "date", "source", "overridden"})
    public record PriceRequest(
            @NotNull BigDecimal input,
            @NotNull BigDecimal output,
            @NotNull BigDecimal cacheRead,
            @NotNull BigDecimal cacheWrite,
            BigDecimal cacheWrite1h,
            LongContextRequest longContext,
            @Size(max = 500) String note) {}

    /** The long-context tier of an override; {@code cacheWrite1h} defaults to {@code cacheWrite}, as above. */
    public record LongContextRequest(
            Long thresholdTokens,
            BigDecimal input,
            BigDecimal output,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            BigDecimal cacheWrite1h) {}

    /** A long-context tier as shown: its threshold and USD per million tokens as strings. */
    public record LongContextView(
            long thresholdTokens,
            String input,
            String output,
            String cacheRead,
            String cacheWrite,
            String cacheWrite1h) {

        static LongContextView of(Price.LongContext t) {
            if (t == null) {
                return null;
            }
            Price.Rates r = t.rates();
            return new LongContextView(
                    t.thresholdTokens(),
                    Money.usd(r.input()),
                    Money.usd(r.output()),
                    Money.usd(r.cacheRead()),
                    Money.usd(r.cacheWrite()),
                    Money.usd(r.cacheWrite1h()));
        }
    }

    /** A price as shown: USD per million tokens as strings (exact), plus where it comes from. */
    public record PriceView(
            String model,
            String input,
            String output,
            String cacheRead,
            String cacheWrite,
            String cacheWrite1h,
            Long longContextThresholdTokens,
            LongContextView longContext,
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
                    LongContextView.of(p.longContext()),
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
        Price.LongContext tier;
        try {
            rates = PriceCatalog.rates(
                    body.input(), body.output(), body.cacheRead(), body.cacheWrite(), body.cacheWrite1h());
            tier = longContext(body.longContext());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return PriceView.of(model, prices.override(model, rates, tier, body.note()));
    }

    /** The tier with the same fields as the base price, each required as there; its errors name the field. */
    private static Price.LongContext longContext(LongContextRequest t) {
        if (t == null) {
            return null;
        }
        String p = "longContext.";
        if (t.thresholdTokens() == null) {
            throw new IllegalArgumentException(
                    p + "thresholdTokens: missing (the prompt tokens above which it applies)");
        }
        if (t.thresholdTokens() < 1) {
            throw new IllegalArgumentException(p + "thresholdTokens: must be at least 1, got " + t.thresholdTokens());
        }
        for (var f : new Object[][] {
            {"input", t.input()}, {"output", t.output()}, {"cacheRead", t.cacheRead()}, {"cacheWrite", t.cacheWrite()}
        }) {
            if (f[1] == null) {
                throw new IllegalArgumentException(p + f[0] + ": missing");
            }
        }
        try {
            return new Price.LongContext(
                    t.thresholdTokens(),
                    PriceCatalog.rates(t.input(), t.output(), t.cacheRead(), t.cacheWrite(), t.cacheWrite1h()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + e.getMessage(), e);
        }
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
