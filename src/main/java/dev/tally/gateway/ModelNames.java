package dev.tally.gateway;

import java.util.HashSet;
import java.util.Set;

import jakarta.inject.Singleton;

import dev.tally.events.UsageData;
import dev.tally.pricing.PriceService;

/**
 * What a model name may be, and which names may become a metric label or a rollup key.
 *
 * <p>A requested {@code model} is at most {@value UsageData#MAX_MODEL_LENGTH} characters of the safe
 * set: ASCII letters and digits and {@code - _ . : / @ + [ ]} (which covers OpenAI's {@code ft:…}
 * names, Bedrock's {@code vendor.model:0}, Hugging Face's {@code org/model}, Vertex's {@code @version}
 * and Claude Code's {@code [1m]}); anything else is refused with 400.
 *
 * <p>Model names come from callers, so an unbounded set of them must not reach Prometheus or the
 * rollups. A call's event and metrics carry its model's name only when the name is priced (the
 * catalog or an admin override), named exactly by a route rule, or was served by its provider (a
 * response head below 400: the provider knows it). Every other name, such as a model a provider
 * refused or no rule routes, is recorded as {@value #OTHER}, which is outside the safe set and so
 * cannot be mistaken for a real name.
 */
@Singleton // no client proxy: called for every recorded call
public class ModelNames {

    /** The label of every model name that is not known to be real. */
    public static final String OTHER = "(other)";

    private final PriceService prices;
    private final Set<String> routedExactly = new HashSet<>();

    public ModelNames(PriceService prices, ProviderRegistry registry) {
        this.prices = prices;
        for (ProviderRegistry.Rule r : registry.rules()) {
            if (!r.prefix()) {
                routedExactly.add(r.pattern());
            }
        }
    }

    /** The name an event and the metrics may carry for {@code model} (null stays null: no model yet). */
    public String label(String model, boolean served) {
        if (model == null || served || routedExactly.contains(model) || prices.price(model) != null) {
            return model;
        }
        return OTHER;
    }

    /** Whether {@code c} may appear in a model name. */
    static boolean safe(char c) {
        return c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z'
                || c >= '0' && c <= '9'
                || c == '-'
                || c == '_'
                || c == '.'
                || c == ':'
                || c == '/'
                || c == '@'
                || c == '+'
                || c == '['
                || c == ']';
    }
}
