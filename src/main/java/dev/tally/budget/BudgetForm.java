package dev.tally.budget;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.quarkus.qute.TemplateData;

import dev.tally.platform.ApiException;
import dev.tally.pricing.Money;

/**
 * A budget as the Budgets page's form holds it: every field as typed, so a refused form comes back
 * with the values submitted. {@link #toInput()} turns it into the admin API's {@link BudgetInput},
 * which {@link BudgetService} then checks exactly as it checks the API's; the only checks made here
 * are those the API's JSON reader makes (a whole number of percent, 50.5 refused), in its words.
 *
 * @param covers what the budget covers, one select: {@code org}, {@code team:<id>},
 *               {@code department:<name>}, or {@code employee} / {@code key} with {@code scopeId}
 * @param models the downgrade rules, one {@code pattern = target} per line, tried in that order
 */
@TemplateData
public record BudgetForm(
        String name,
        String covers,
        String scopeId,
        String period,
        String amountUsd,
        String mode,
        String thresholds,
        String fromPercent,
        String models,
        String unpriced,
        List<String> channelIds,
        String spikeFactor,
        String spikePerHourUsd,
        String spikeAction) {

    public BudgetForm {
        channelIds = channelIds == null ? List.of() : List.copyOf(channelIds);
    }

    /** An empty form with the API's defaults: a monthly alert budget alerting at 50, 80 and 100 %. */
    static BudgetForm blank() {
        return new BudgetForm(
                "", "org", "", "month", "", "alert", "50, 80, 100", "", "", "allow", List.of(), "", "", "alert");
    }

    /**
     * The form that edits {@code b}: each field as the API would return it, but its person named by
     * {@code email} when it is an employee's budget and the e-mail is known.
     */
    static BudgetForm of(Budget b, String email) {
        String covers = switch (b.scope()) {
            case ORG -> "org";
            case TEAM, DEPARTMENT -> b.scope().json() + ":" + b.scopeId();
            case EMPLOYEE, KEY -> b.scope().json();
        };
        boolean byId = b.scope() == Scope.EMPLOYEE || b.scope() == Scope.KEY;
        boolean downgrade = b.mode() == BudgetMode.DOWNGRADE;
        SpikeRule s = b.spike();
        return new BudgetForm(
                b.name(),
                covers,
                !byId ? "" : b.scope() == Scope.EMPLOYEE && email != null ? email : b.scopeId(),
                b.period().json(),
                Money.usd(b.amountNanos()),
                b.mode().json(),
                b.thresholds().stream().map(String::valueOf).collect(Collectors.joining(", ")),
                downgrade ? String.valueOf(b.downgradeFromPercent()) : "",
                b.downgrades().stream()
                        .map(d -> d.pattern() + " = " + d.target())
                        .collect(Collectors.joining("\n")),
                b.unpriced().json(),
                b.channelIds().stream().map(String::valueOf).toList(),
                s == null || s.factor() == null ? "" : String.valueOf(s.factor()),
                s == null || s.perHourNanos() == null ? "" : Money.usd(s.perHourNanos()),
                s == null ? "alert" : s.action().json());
    }

    /**
     * The admin API's input for this form. Blank optional fields are left out, as a JSON body would
     * leave them out (the service's defaults apply); the downgrade fields count only in downgrade mode,
     * and the spike rule only when it has a factor or an hourly amount.
     */
    BudgetInput toInput() {
        String c = blankToNull(covers);
        String scope = c;
        String id = null;
        if (c != null && c.indexOf(':') > 0) {
            scope = c.substring(0, c.indexOf(':'));
            id = c.substring(c.indexOf(':') + 1);
        } else if ("employee".equals(c) || "key".equals(c)) {
            id = blankToNull(scopeId);
        }
        BudgetInput.DowngradeInput downgrade = "downgrade".equals(mode)
                ? new BudgetInput.DowngradeInput(whole("downgrade.fromPercent", fromPercent), rules(models))
                : null;
        BudgetInput.SpikeInput spike = blankToNull(spikeFactor) == null && blankToNull(spikePerHourUsd) == null
                ? null
                : new BudgetInput.SpikeInput(
                        whole("spike.factor", spikeFactor), blankToNull(spikePerHourUsd), blankToNull(spikeAction));
        return new BudgetInput(
                blankToNull(name),
                scope,
                id,
                blankToNull(period),
                amountUsd,
                blankToNull(mode),
                thresholds(thresholds),
                downgrade,
                blankToNull(unpriced),
                channelIds,
                spike,
                null);
    }

    /** "50, 80, 100" (commas or spaces); blank is the default 50, 80, 100. */
    private static List<Integer> thresholds(String s) {
        if (blankToNull(s) == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : s.strip().split("[,;\\s]+")) {
            out.add(whole("thresholds", part.endsWith("%") ? part.substring(0, part.length() - 1) : part));
        }
        return out;
    }

    /** One rule a line, {@code pattern = target}; blank lines are skipped. */
    private static Map<String, String> rules(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw ApiException.badRequest("downgrade.models: line " + (i + 1)
                        + " is not a rule \"pattern = target\" (e.g. claude-opus-* = claude-haiku-4-5): " + line);
            }
            String pattern = line.substring(0, eq).strip();
            if (out.containsKey(pattern)) {
                throw ApiException.badRequest(
                        "downgrade.models: " + pattern + " is listed twice; give each pattern one target");
            }
            out.put(pattern, line.substring(eq + 1).strip());
        }
        return out;
    }

    /** A whole number, in the words of the API's reader ({@link WholeNumber}); blank is null. */
    private static Integer whole(String field, String s) {
        String v = blankToNull(s);
        if (v == null) {
            return null;
        }
        try {
            return new BigDecimal(v).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.badRequest(field + ": must be a whole number; got " + v);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
