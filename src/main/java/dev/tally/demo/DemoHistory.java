package dev.tally.demo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.PrFacts;
import dev.tally.events.UsageData;
import dev.tally.gateway.Api;
import dev.tally.workload.ClientDetector;
import dev.tally.workload.WorkloadNames;

/**
 * Generates the demo's past: usage events (one per AI session, with past timestamps, priced with
 * list prices) and outcome events per team and day. Deterministic for a given seed and day, and
 * outcome ids are stable, so publishing a day twice never counts its outcomes twice.
 */
public final class DemoHistory {

    public static final String SOURCE = "tally-demo";

    /**
     * The provider name the gateway records for every live demo call (its simulated provider):
     * history uses it too, so the models page shows one row per model, honestly labelled simulated.
     */
    public static final String SIMULATED_PROVIDER = "simulated";

    /** A seeded team: its profile and its members' ids (and key ids, may be empty). */
    public record SeededTeam(DemoOrg.TeamProfile profile, UUID id, List<UUID> employees) {}

    private DemoHistory() {}

    /** Events of one past day for all teams; {@code ramp} 0..1 scales adoption up over the history. */
    public static void day(List<SeededTeam> teams, LocalDate day, double ramp, Consumer<CloudEvent<?>> sink) {
        boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
        double workload = weekend ? 0.15 : 1.0;
        for (SeededTeam t : teams) {
            Random rnd = new Random((t.profile().name() + day).hashCode());
            DemoOrg.TeamProfile p = t.profile();
            List<String> models = p.models();
            double adoption = p.adoption() * (0.55 + 0.45 * ramp);
            List<UUID> people = t.employees();
            for (int i = 0; i < people.size(); i++) {
                UUID employee = people.get(i);
                // Some people never use AI (the adoption gap); adopters use it on most working days. Who
                // adopts follows each person's place in the team, not their random id, so that every load
                // of the demo has as many adopters (and the same verdicts) as the profile says.
                double who = (i + 0.5) / people.size();
                if (who >= adoption || rnd.nextDouble() >= 0.85 * workload) {
                    continue;
                }
                String client = clientOf(t, i);
                List<String> mine = modelsOf(client, models);
                double spend = p.spendPerActiveDay() * (0.6 + 0.8 * rnd.nextDouble());
                // Enough sessions that none exceeds MAX_SESSION_INPUT fresh tokens, even on the team's cheapest
                // model (the models are the catalog's current ones, so their prices are not known here in advance).
                int sessions = (int) Math.min(
                        60,
                        Math.max(3 + rnd.nextInt(5), Math.ceil(spend * 1e9 / (MAX_SESSION_INPUT * cheapest(mine)))));
                for (int s = 0; s < sessions; s++) {
                    String model = pickModel(mine, rnd);
                    Instant at =
                            day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(8 * 3600 + rnd.nextInt(10 * 3600));
                    sink.accept(usage(
                            t.id(),
                            employee,
                            client,
                            model,
                            spend / sessions,
                            at,
                            rnd,
                            "hist:" + employee + ":" + day + ":" + s));
                }
            }
            outcomes(t, day, workload, rnd, sink, "hist", 1.0);
        }
    }

    /** Outcomes of a team for a day (history) or a slice of today (live; {@code scale} = share of a day). */
    static void outcomes(
            SeededTeam t,
            LocalDate day,
            double workload,
            Random rnd,
            Consumer<CloudEvent<?>> sink,
            String idPrefix,
            double scale) {
        DemoOrg.TeamProfile p = t.profile();
        int n = 0;
        for (int i = 0; i < count(p.aiPrs() * workload * scale, rnd); i++) {
            mergedPr(outcome(t, day, rnd, OutcomeData.PR_MERGED, true, idPrefix, n++), sink);
        }
        for (int i = 0; i < count(p.otherPrs() * workload * scale, rnd); i++) {
            mergedPr(outcome(t, day, rnd, OutcomeData.PR_MERGED, false, idPrefix, n++), sink);
        }
        // Each bug caught is a finding an AI reviewer flagged and that was then fixed; about one more
        // finding in three stays flagged without a fix (no ROI value), as on the pages of a real org.
        for (int i = 0; i < count(p.bugs() * workload * scale, rnd); i++) {
            String[] reviewer = REVIEWERS[rnd.nextInt(REVIEWERS.length)];
            sink.accept(review(outcome(t, day, rnd, OutcomeData.BUG_FLAGGED, true, idPrefix, n), reviewer, false));
            sink.accept(review(outcome(t, day, rnd, OutcomeData.BUG_CAUGHT, true, idPrefix, n++), reviewer, true));
        }
        for (int i = 0; i < count(p.bugs() * workload * scale * 0.5, rnd); i++) {
            String[] reviewer = REVIEWERS[rnd.nextInt(REVIEWERS.length)];
            sink.accept(review(outcome(t, day, rnd, OutcomeData.BUG_FLAGGED, true, idPrefix, n++), reviewer, false));
        }
        for (int i = 0; i < count(p.findings() * workload * scale, rnd); i++) {
            sink.accept(outcome(t, day, rnd, OutcomeData.SECURITY_FINDING, true, idPrefix, n++));
        }
        for (int i = 0; i < count(p.tasks() * workload * scale, rnd); i++) {
            sink.accept(outcome(t, day, rnd, OutcomeData.TASK_AUTOMATED, true, idPrefix, n++));
        }
    }

    /** A merged PR, and the PR that reverts it two hours later when it is one of the few reverted. */
    private static void mergedPr(CloudEvent<OutcomeData> pr, Consumer<CloudEvent<?>> sink) {
        sink.accept(pr);
        if (DemoPrs.reverted(pr.id())) {
            OutcomeData d = pr.data();
            PrFacts facts = DemoPrs.revert(d.pr(), d.pr().number() + 1, Duration.ofHours(2), d.pr().author());
            OutcomeData revert = new OutcomeData(
                    OutcomeData.PR_MERGED,
                    d.teamId(),
                    d.employeeId(),
                    false,
                    List.of(),
                    d.source(),
                    facts.repository() + "#" + facts.number(),
                    facts.mergedAt(),
                    null,
                    null,
                    facts);
            sink.accept(CloudEvent.of(
                    pr.id() + ":revert", SOURCE, CloudEvent.OUTCOME_TYPE, pr.subject(), facts.mergedAt(), revert));
        }
    }

    private static int count(double rate, Random rnd) {
        int whole = (int) Math.floor(rate);
        return whole + (rnd.nextDouble() < rate - whole ? 1 : 0);
    }

    private static String pickModel(List<String> models, Random rnd) {
        double r = rnd.nextDouble();
        if (models.size() == 1 || r < 0.6) {
            return models.get(0);
        }
        if (models.size() == 2 || r < 0.9) {
            return models.get(1);
        }
        return models.get(2);
    }

    static final long MAX_SESSION_INPUT = 400_000;

    /** The lowest {@link #perInput} of the models. */
    static double cheapest(List<String> models) {
        return models.stream().mapToDouble(DemoHistory::perInput).min().orElse(2_000);
    }

    /** Nano-dollars per fresh input token of a session, its output (1/8) and cache reads (2×) included. */
    static double perInput(String model) {
        DemoOrg.Price price = DemoOrg.price(model);
        return price == null ? 2_000 : price.input() + price.output() / 8.0 + 2.0 * price.cacheRead();
    }

    /** One session's usage event of {@code employee} (a team's id for a service key) through {@code client}. */
    static CloudEvent<UsageData> usage(
            UUID team, UUID employee, String client, String model, double usd, Instant at, Random rnd, String idSeed) {
        DemoOrg.Price price = DemoOrg.price(model);
        long input;
        long output;
        long cacheRead;
        Long cost;
        if (price == null) {
            input = 8_000 + rnd.nextInt(20_000);
            output = input / 6;
            cacheRead = 0;
            cost = null;
        } else {
            // A session: cached context read twice the size of fresh input, output an eighth of it.
            double perInput = perInput(model);
            // Capped: a cheap side model then costs less than the session's share, as it does.
            input = Math.max(50, Math.min(MAX_SESSION_INPUT, Math.round(usd * 1e9 / perInput)));
            output = input / 8;
            cacheRead = 2 * input;
            cost = input * price.input() + output * price.output() + cacheRead * price.cacheRead();
        }
        UUID id = UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8));
        String api = api(client, model).eventName;
        UsageData data = new UsageData(
                "req_" + id.toString().replace("-", ""),
                null,
                employee.toString(),
                team.toString(),
                SIMULATED_PROVIDER,
                model,
                api,
                false,
                200,
                UsageData.OUTCOME_OK,
                input,
                output,
                cacheRead,
                0,
                0,
                cost,
                price != null,
                false,
                400 + rnd.nextInt(4000),
                null,
                null,
                null,
                WorkloadNames.INTERACTIVE,
                null,
                client);
        return CloudEvent.of(id.toString(), SOURCE, CloudEvent.USAGE_TYPE, team.toString(), at, data);
    }

    /** The tools the demo's people work with (ClientDetector's names), one per person: adoption by tool. */
    private static final String[] CLIENTS = {
        ClientDetector.CLAUDE_CODE,
        ClientDetector.CLAUDE_CODE,
        ClientDetector.CODEX,
        "anthropic-sdk-python",
        "openai-sdk-python",
        "openai-sdk-js",
        ClientDetector.CURL
    };

    /** A User-Agent each tool sends, from which ClientDetector names it (docs/workloads.md). */
    private static final Map<String, String> USER_AGENTS = Map.of(
            ClientDetector.CLAUDE_CODE,
            "claude-cli/2.0.14 (external, cli)",
            ClientDetector.CODEX,
            "codex_exec/0.171.0 (Debian 12.0.0; x86_64)",
            "anthropic-sdk-python",
            "Anthropic/Python 0.71.0",
            "openai-sdk-python",
            "OpenAI/Python 2.8.1",
            "openai-sdk-js",
            "OpenAI/JS 6.49.0",
            ClientDetector.CURL,
            "curl/8.14.1");

    /**
     * The tool the team's {@code index}-th person works with: the same in the history and in the live
     * calls, and by the person's place in the team, not their random id, so that every load of the
     * demo has the tools in the same shares.
     */
    static String clientOf(SeededTeam team, int index) {
        List<String> providers = team.profile().families().stream()
                .map(f -> f.provider == null ? "internal" : f.provider)
                .toList();
        // only tools that can call one of the team's models: no Claude Code in a team without Claude
        List<String> fit = Arrays.stream(CLIENTS)
                .filter(c -> providers.stream().anyMatch(p -> callsProvider(c, p)))
                .toList();
        return fit.get(Math.floorMod(index + team.profile().name().hashCode(), fit.size()));
    }

    /**
     * Whether {@code client} calls models of {@code provider}: each tool speaks its provider's API
     * (Claude Code and Anthropic's SDK Anthropic's, Codex OpenAI's Responses API), OpenAI's SDKs also
     * an in-house OpenAI-compatible model, curl anything.
     */
    static boolean callsProvider(String client, String provider) {
        return switch (client) {
            case ClientDetector.CLAUDE_CODE, "anthropic-sdk-python" -> provider.equals("anthropic");
            case ClientDetector.CODEX -> provider.equals("openai");
            case "openai-sdk-python", "openai-sdk-js" -> !provider.equals("anthropic");
            default -> true;
        };
    }

    /** The team's models {@code client} calls, most used first (all of them, should it call none). */
    static List<String> modelsOf(String client, List<String> models) {
        List<String> mine = models.stream()
                .filter(m -> callsProvider(client, DemoOrg.provider(m)))
                .toList();
        return mine.isEmpty() ? models : mine;
    }

    /** The User-Agent a live call of {@code client} sends. */
    static String userAgent(String client) {
        return USER_AGENTS.get(client);
    }

    /**
     * The API {@code client} calls {@code model} through: Codex speaks OpenAI's Responses API, the
     * others the provider's chat completions or messages API.
     */
    static Api api(String client, String model) {
        String provider = DemoOrg.provider(model);
        if (provider.equals("anthropic")) {
            return Api.MESSAGES;
        }
        return provider.equals("openai") && client.equals(ClientDetector.CODEX) ? Api.RESPONSES : Api.CHAT_COMPLETIONS;
    }

    private static final String[] SEVERITIES = {"critical", "high", "high", "medium", "medium", "medium", "low", "low"};

    /** AI reviewers of the demo org: key in outcomes/reviewers.yaml, login. */
    private static final String[][] REVIEWERS = {
        {"coderabbit", "coderabbitai[bot]"},
        {"copilot", "Copilot"},
        {"claude", "claude[bot]"},
        {"bugbot", "cursor[bot]"}
    };

    /** The attribution a review finding carries (see ReviewRules and ReviewFindings), on a demo outcome. */
    private static CloudEvent<OutcomeData> review(CloudEvent<OutcomeData> e, String[] reviewer, boolean fixed) {
        OutcomeData d = e.data();
        List<String> attribution = new ArrayList<>(
                List.of("ai-reviewer:" + reviewer[1], "reviewer:" + reviewer[0], "finding:inline comment"));
        if (fixed) {
            attribution.add("fixed:thread_resolved");
        }
        OutcomeData data = new OutcomeData(
                d.kind(),
                d.teamId(),
                d.employeeId(),
                d.aiAssisted(),
                attribution,
                "github",
                d.ref(),
                d.occurredAt(),
                d.severity(),
                d.valueHours());
        return CloudEvent.of(e.id(), e.source(), e.type(), e.subject(), e.time(), data);
    }

    static CloudEvent<OutcomeData> outcome(
            SeededTeam t, LocalDate day, Random rnd, String kind, boolean ai, String prefix, int n) {
        UUID employee = t.employees().isEmpty()
                ? null
                : t.employees().get(rnd.nextInt(t.employees().size()));
        Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(9 * 3600 + rnd.nextInt(9 * 3600));
        String slug = t.profile().name().toLowerCase().replace(' ', '-');
        String id = "demo:" + prefix + ":" + kind + ":" + slug + ":" + day + ":" + n;
        List<String> attribution = new ArrayList<>();
        String ref = null;
        String severity = null;
        BigDecimal hours = null;
        String source = "demo";
        PrFacts pr = null;
        switch (kind) {
            case OutcomeData.PR_MERGED -> {
                int number = 1000 + Math.floorMod((day.toString() + n + prefix).hashCode(), 9000);
                ref = "acme/" + slug + "#" + number;
                source = "github";
                pr = DemoPrs.facts(
                        id,
                        t.profile(),
                        "acme/" + slug,
                        number,
                        ai,
                        at,
                        employee == null
                                ? "demo-bot"
                                : "dev-" + employee.toString().substring(0, 8));
                if (ai) {
                    attribution.add("commit-trailer:Co-authored-by Claude");
                    if (rnd.nextBoolean()) {
                        attribution.add("gateway-session:author used the gateway within 2h before the commits");
                    }
                    if (rnd.nextDouble() < 0.3) {
                        attribution.add("label:ai-assisted");
                    }
                }
            }
            case OutcomeData.BUG_CAUGHT, OutcomeData.BUG_FLAGGED -> {
                source = "ai-review";
                ref = "acme/" + slug + "#" + (1000 + Math.floorMod((day.toString() + n + prefix).hashCode(), 9000));
            }
            case OutcomeData.SECURITY_FINDING -> {
                source = "sarif";
                severity = SEVERITIES[rnd.nextInt(SEVERITIES.length)];
                attribution.add("sarif:ai-scanner");
            }
            case OutcomeData.TASK_AUTOMATED -> {
                source = "workflow";
                hours = BigDecimal.valueOf(t.profile().taskHours());
                attribution.add("automation-run");
            }
            default -> {}
        }
        OutcomeData data = new OutcomeData(
                kind,
                t.id().toString(),
                employee == null ? null : employee.toString(),
                ai,
                attribution,
                source,
                ref,
                at,
                severity,
                hours,
                pr);
        return CloudEvent.of(id, SOURCE, CloudEvent.OUTCOME_TYPE, t.id().toString(), at, data);
    }
}
