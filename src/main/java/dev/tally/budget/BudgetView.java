package dev.tally.budget;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tally.pricing.Money;

/** A budget as the admin API shows it: the amount both as a USD string and in nano-dollars. */
public record BudgetView(
        UUID id,
        String name,
        Scope scope,
        String scopeId,
        Period period,
        String amountUsd,
        long amountNanos,
        BudgetMode mode,
        List<Integer> thresholds,
        DowngradeView downgrade,
        UnpricedPolicy unpriced,
        List<UUID> channelIds,
        SpikeView spike) {

    public record DowngradeView(int fromPercent, Map<String, String> models) {}

    public record SpikeView(Integer factor, String perHourUsd, SpikeRule.Action action) {}

    static BudgetView of(Budget b) {
        DowngradeView down = null;
        if (b.mode() == BudgetMode.DOWNGRADE) {
            Map<String, String> models = new LinkedHashMap<>();
            b.downgrades().forEach(d -> models.put(d.pattern(), d.target()));
            down = new DowngradeView(b.downgradeFromPercent(), models);
        }
        SpikeRule s = b.spike();
        SpikeView spike = s == null
                ? null
                : new SpikeView(s.factor(), s.perHourNanos() == null ? null : Money.usd(s.perHourNanos()), s.action());
        return new BudgetView(
                b.id(),
                b.name(),
                b.scope(),
                b.scopeId(),
                b.period(),
                Money.usd(b.amountNanos()),
                b.amountNanos(),
                b.mode(),
                b.thresholds(),
                down,
                b.unpriced(),
                b.channelIds(),
                spike);
    }
}
