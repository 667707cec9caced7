package dev.tally.demo;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.tally.pricing.Price;
import dev.tally.pricing.PriceCatalog;

/**
 * The models the demo calls, chosen from the price catalog when the demo runs: for each family its
 * first model in the catalog (the catalog lists each family newest first) that has not been retired
 * by that day. The demo therefore names no model and keeps working as the catalog moves on; a family
 * with no current model left falls back to the provider's first current model.
 */
public final class DemoModels {

    /** A kind of model a team uses, by provider and the shape of its name. */
    public enum Family {
        SONNET("anthropic", "claude-sonnet-\\d+(?:-\\d+)?"),
        HAIKU("anthropic", "claude-haiku-\\d+(?:-\\d+)?"),
        GPT("openai", "gpt-\\d+(?:\\.\\d+)?"),
        GPT_MINI("openai", "gpt-\\d+(?:\\.\\d+)?-mini"),
        /** An in-house model that is not in the catalog: the demo's unpriced usage. */
        INTERNAL(null, null);

        final String provider;
        final Pattern name;

        Family(String provider, String name) {
            this.provider = provider;
            this.name = name == null ? null : Pattern.compile(name);
        }
    }

    /** The unpriced in-house model ({@link Family#INTERNAL}); not in the catalog on purpose. */
    public static final String INTERNAL_MODEL = "internal-llama-70b";

    static final PriceCatalog CATALOG = PriceCatalog.load();

    private DemoModels() {}

    /** The model of {@code family} to call on {@code day}. */
    public static String resolve(Family family, LocalDate day) {
        return resolve(CATALOG, family, day);
    }

    static String resolve(PriceCatalog catalog, Family family, LocalDate day) {
        if (family == Family.INTERNAL) {
            return INTERNAL_MODEL;
        }
        Optional<String> same = first(
                catalog, day, m -> family.name.matcher(m).matches() && family.provider.equals(catalog.provider(m)));
        return same.or(() -> first(
                        catalog,
                        day,
                        m -> family.provider.equals(catalog.provider(m))
                                && !m.contains("embedding")
                                && !m.endsWith("-pro")))
                .orElseThrow(() -> new IllegalStateException(
                        "the price catalog has no current " + family.provider + " model on " + day + " for the demo"));
    }

    private static Optional<String> first(PriceCatalog catalog, LocalDate day, Predicate<String> wanted) {
        for (Map.Entry<String, Price> e : catalog.all().entrySet()) {
            if (wanted.test(e.getKey()) && catalog.current(e.getKey(), day)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The models of these families on {@code day}, in the same order. */
    public static List<String> resolve(List<Family> families, LocalDate day) {
        return families.stream().map(f -> resolve(f, day)).toList();
    }
}
