package dev.tally.budget;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A budget as the admin API receives it (DESIGN.md): enums and money as strings, so that each bad
 * value gets its own 400 naming the field. {@code timezone}, when given, must be the organisation's:
 * budgets and dashboards share one calendar. Percentages and the spike factor are whole numbers
 * ({@link WholeNumber}: 50.5 is refused, not truncated).
 */
// an answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"id", "amountNanos"})
public record BudgetInput(
        String name,
        String scope,
        String scopeId,
        String period,
        String amountUsd,
        String mode,
        @JsonDeserialize(contentUsing = WholeNumber.class) List<Integer> thresholds,
        DowngradeInput downgrade,
        String unpriced,
        List<String> channelIds,
        SpikeInput spike,
        String timezone) {

    /** {@code models}: pattern → target, tried in the order given. */
    public record DowngradeInput(
            @JsonDeserialize(using = WholeNumber.class) Integer fromPercent, Map<String, String> models) {}

    /** {@code perHourUsd}: a decimal string; {@code action}: "alert" (default) or "pause_key". */
    public record SpikeInput(
            @JsonDeserialize(using = WholeNumber.class) Integer factor, String perHourUsd, String action) {}
}
