package dev.tally.access.self;

import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.roi.Format;

/**
 * One's own usage, in total or for one model. Money is integer nano-dollars; unpriced calls are
 * counted apart and never shown as $0.
 */
@TemplateData
public record UsageRow(
        String model,
        String providers,
        long requests,
        long errorRequests,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long costNanos,
        long unpricedRequests) {

    /** "$1.23", or "unpriced" when every call was unpriced, or "$1.23 + unpriced" when some were. */
    public String spend() {
        if (costNanos == 0 && unpricedRequests > 0) {
            return "unpriced";
        }
        return Format.money(costNanos) + (unpricedRequests > 0 ? " + unpriced" : "");
    }

    public String calls() {
        return Format.count(requests);
    }

    public String tokens() {
        return Format.count(inputTokens + outputTokens);
    }
}
