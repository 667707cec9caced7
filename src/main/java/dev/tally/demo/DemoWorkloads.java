package dev.tally.demo;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.UsageData;
import dev.tally.identity.IdentityService;
import dev.tally.identity.KeyView;
import dev.tally.identity.NewKey;

/**
 * The demo org's automated workloads (docs/workloads.md), each on a team's service key: a code-review
 * bot (a run per pull request, bugs caught), a nightly flaky-test loop (one long run a night, tests
 * fixed during it) and finance spreadsheet automation (tasks automated). Deterministic per day, with
 * stable ids, like {@link DemoHistory}.
 */
final class DemoWorkloads {

    /**
     * @param runsPerDay weekday runs (PR reviews, nightly loops); 0: calls in no run
     * @param callsPerRun calls of one run (or of the day, without runs)
     * @param outcomeShare outcomes per run (or per call without runs)
     */
    record Workload(
            String team,
            String name,
            String client,
            int runsPerDay,
            int callsPerRun,
            double usdPerCall,
            String outcomeKind,
            double outcomeShare,
            double valueHours) {}

    static final List<Workload> ALL = List.of(
            new Workload(
                    "Platform", "code-review", "anthropic-sdk-python", 8, 4, 0.18, OutcomeData.BUG_CAUGHT, 0.35, 0),
            new Workload("Payments", "flaky-tests", "claude-code", 1, 40, 0.09, OutcomeData.TASK_AUTOMATED, 2.5, 1.5),
            new Workload(
                    "Finance",
                    "finance-spreadsheets",
                    "openai-sdk-python",
                    0,
                    14,
                    0.02,
                    OutcomeData.TASK_AUTOMATED,
                    0.4,
                    0.5));

    private static final String KEY_PREFIX = "demo-";

    private DemoWorkloads() {}

    /** A fresh service key per workload (a restarted demo cannot reuse keys shown once), previous ones revoked. */
    static void seedKeys(IdentityService identity, List<SeededTeam> teams, Map<String, String> keys) {
        for (Workload w : ALL) {
            SeededTeam t = team(teams, w);
            if (t == null) {
                continue;
            }
            for (KeyView k : identity.keys(null)) {
                if (t.id().equals(k.teamId()) && (KEY_PREFIX + w.name()).equals(k.name()) && k.revokedAt() == null) {
                    identity.revokeKey(k.id());
                }
            }
            keys.put(
                    w.name(),
                    identity.createKey(NewKey.service(t.id(), KEY_PREFIX + w.name(), w.name()))
                            .key());
        }
    }

    /** The model a workload's calls use, as in its history: its team's first ({@code otherwise} without the team). */
    static String model(List<SeededTeam> teams, Workload w, String otherwise) {
        SeededTeam t = team(teams, w);
        return t == null ? otherwise : model(t);
    }

    /** A workload's model: its team's most used. */
    private static String model(SeededTeam team) {
        return team.profile().models().get(0);
    }

    private static SeededTeam team(List<SeededTeam> teams, Workload w) {
        return teams.stream()
                .filter(t -> t.profile().name().equals(w.team()))
                .findFirst()
                .orElse(null);
    }

    /** One past day of every workload: its calls (no employee: service keys) and its outcomes. */
    static void day(List<SeededTeam> teams, LocalDate day, Consumer<CloudEvent<?>> sink) {
        boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
        for (Workload w : ALL) {
            SeededTeam t = team(teams, w);
            if (t == null) {
                continue;
            }
            Random rnd = new Random((w.name() + day).hashCode());
            String model = model(t);
            Instant midnight = day.atStartOfDay().toInstant(ZoneOffset.UTC);
            int runs = w.runsPerDay() == 0 ? 1 : weekend && !w.name().equals("flaky-tests") ? 1 : w.runsPerDay();
            for (int r = 0; r < runs; r++) {
                boolean nightly = w.name().equals("flaky-tests");
                String runId = w.runsPerDay() == 0 ? null : nightly ? "nightly-" + day : "pr-" + day + "-" + r;
                // the nightly loop starts at 01:00 and runs 1-5 hours; reviews and finance work in office hours
                Instant start = midnight.plusSeconds(nightly ? 3600 : 9 * 3600 + rnd.nextInt(8 * 3600));
                long span = nightly ? 3600 + rnd.nextInt(4 * 3600) : 60 + rnd.nextInt(600);
                int calls = Math.max(1, (int) Math.round(w.callsPerRun() * (0.6 + 0.8 * rnd.nextDouble())));
                for (int c = 0; c < calls; c++) {
                    Instant at = start.plusSeconds(span * c / calls);
                    sink.accept(usage(t, w, model, runId, at, rnd, "wl:" + w.name() + ":" + day + ":" + r + ":" + c));
                }
                double expected = w.runsPerDay() == 0 ? w.outcomeShare() * calls : w.outcomeShare();
                int outcomes =
                        (int) Math.floor(expected) + (rnd.nextDouble() < expected - Math.floor(expected) ? 1 : 0);
                for (int o = 0; o < outcomes; o++) {
                    sink.accept(outcome(t, w, start.plusSeconds(span * (o + 1) / (outcomes + 1)), runId, day, r, o));
                }
            }
        }
    }

    private static CloudEvent<UsageData> usage(
            SeededTeam t, Workload w, String model, String runId, Instant at, Random rnd, String seed) {
        // the same session shape and prices as people's calls, then made a service key's call
        CloudEvent<UsageData> e = DemoHistory.usage(t.id(), t.id(), w.client(), model, w.usdPerCall(), at, rnd, seed);
        UsageData d = e.data();
        UsageData data = new UsageData(
                d.requestId(),
                d.keyId(),
                null,
                d.teamId(),
                d.provider(),
                d.model(),
                d.api(),
                d.stream(),
                d.status(),
                d.outcome(),
                d.inputTokens(),
                d.outputTokens(),
                d.cacheReadTokens(),
                d.cacheWriteTokens(),
                d.reasoningTokens(),
                d.costNanos(),
                d.priced(),
                d.estimated(),
                d.latencyMs(),
                d.ttftMs(),
                d.downgradedFrom(),
                null,
                w.name(),
                runId,
                w.client());
        return CloudEvent.of(e.id(), e.source(), e.type(), e.subject(), e.time(), data);
    }

    private static CloudEvent<OutcomeData> outcome(
            SeededTeam t, Workload w, Instant at, String runId, LocalDate day, int run, int n) {
        String id = "demo:workload:" + w.name() + ":" + day + ":" + run + ":" + n;
        String ref = switch (w.name()) {
            case "code-review" -> "acme/platform#" + (2000 + Math.floorMod((day.toString() + run).hashCode(), 7000));
            case "flaky-tests" -> "fixed flaky test in " + runId;
            default -> "spreadsheet reconciled";
        };
        OutcomeData data = new OutcomeData(
                w.outcomeKind(),
                t.id().toString(),
                null,
                true,
                List.of("workload:" + w.name()),
                "demo",
                ref,
                at,
                null,
                w.valueHours() > 0 ? BigDecimal.valueOf(w.valueHours()) : null,
                null,
                w.name());
        return CloudEvent.of(id, DemoHistory.SOURCE, CloudEvent.OUTCOME_TYPE, t.id().toString(), at, data);
    }
}
