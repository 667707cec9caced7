package dev.tally.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The versioned list prices in {@code pricing/catalog.yaml} (USD per million tokens as published,
 * with the date and source of each), converted once to nano-dollars.
 */
public final class PriceCatalog {

    public static final String RESOURCE = "pricing/catalog.yaml";

    /** The file's shape; prices are strings so that "0.075" stays exact. */
    public record File(String version, List<Entry> models) {}

    /**
     * @param retires the day the provider retires the model (requests fail from then on), when it has
     *                announced one; its price stays, for the usage before that day
     */
    public record Entry(
            String model,
            String provider,
            BigDecimal input,
            BigDecimal output,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            BigDecimal cacheWrite1h,
            Tier longContext,
            String date,
            String source,
            String retires,
            String retiresSource) {}

    public record Tier(
            Long thresholdTokens,
            BigDecimal input,
            BigDecimal output,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            BigDecimal cacheWrite1h) {}

    private final String version;
    private final Map<String, Price> prices;
    private final Map<String, String> providers;
    private final Map<String, LocalDate> retirements;

    private PriceCatalog(
            String version,
            Map<String, Price> prices,
            Map<String, String> providers,
            Map<String, LocalDate> retirements) {
        this.version = version;
        this.prices = prices;
        this.providers = providers;
        this.retirements = retirements;
    }

    public static PriceCatalog load() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PriceCatalog parse(InputStream in) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
        File file = yaml.readValue(in, File.class);
        Map<String, Price> prices = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        Map<String, LocalDate> retirements = new LinkedHashMap<>();
        for (Entry e : file.models()) {
            String where = RESOURCE + " model " + e.model() + ": ";
            if (e.date() == null || e.source() == null) {
                throw new IllegalStateException(where + "every price needs a date and a source");
            }
            if (e.retires() != null) {
                if (e.retiresSource() == null) {
                    throw new IllegalStateException(where + "a retirement date needs a retiresSource");
                }
                try {
                    retirements.put(e.model(), LocalDate.parse(e.retires()));
                } catch (DateTimeParseException ex) {
                    throw new IllegalStateException(where + "retires '" + e.retires() + "' is not a date (YYYY-MM-DD)");
                }
            }
            try {
                Price.Rates base = rates(e.input(), e.output(), e.cacheRead(), e.cacheWrite(), e.cacheWrite1h());
                Price.LongContext tier = null;
                if (e.longContext() != null) {
                    Tier t = e.longContext();
                    tier = new Price.LongContext(
                            t.thresholdTokens(),
                            rates(t.input(), t.output(), t.cacheRead(), t.cacheWrite(), t.cacheWrite1h()));
                }
                if (prices.put(e.model(), new Price(base, tier, e.date(), e.source(), false)) != null) {
                    throw new IllegalStateException(where + "listed twice");
                }
                providers.put(e.model(), e.provider());
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException(where + ex.getMessage(), ex);
            }
        }
        return new PriceCatalog(
                file.version(),
                Collections.unmodifiableMap(prices),
                Collections.unmodifiableMap(providers),
                Collections.unmodifiableMap(retirements));
    }

    /** Missing cache prices are 0 only for models without that kind of token (embeddings). */
    static Price.Rates rates(
            BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal cacheWrite1h) {
        long in = rate(input, "input");
        long out = output == null ? 0 : rate(output, "output");
        long cr = cacheRead == null ? in : rate(cacheRead, "cacheRead");
        long cw = cacheWrite == null ? in : rate(cacheWrite, "cacheWrite");
        long cw1h = cacheWrite1h == null ? cw : rate(cacheWrite1h, "cacheWrite1h");
        return new Price.Rates(in, out, cr, cw, cw1h);
    }

    /** One rate in nano-dollars per MTok, refused above {@link Price#MAX_USD_PER_MTOK}. */
    private static long rate(BigDecimal usd, String field) {
        if (usd != null && usd.compareTo(BigDecimal.valueOf(Price.MAX_USD_PER_MTOK)) > 0) {
            throw new IllegalArgumentException(field + ": " + usd.toPlainString()
                    + " USD per million tokens is above the maximum of " + Price.MAX_USD_PER_MTOK);
        }
        return Money.nanos(usd, field);
    }

    public String version() {
        return version;
    }

    public Price exact(String model) {
        return prices.get(model);
    }

    public Map<String, Price> all() {
        return prices;
    }

    /** The day the provider retires this model, if it has announced one. */
    public Optional<LocalDate> retires(String model) {
        return Optional.ofNullable(retirements.get(model));
    }

    /** Whether the model can still be called on {@code day}: it is listed and not retired by then. */
    public boolean current(String model, LocalDate day) {
        LocalDate retires = retirements.get(model);
        return prices.containsKey(model) && (retires == null || day.isBefore(retires));
    }

    /** The provider a catalog model belongs to ("anthropic", "openai"). */
    public String provider(String model) {
        return providers.get(model);
    }
}
