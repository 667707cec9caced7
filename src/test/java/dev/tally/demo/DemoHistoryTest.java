package dev.tally.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.UsageData;
import dev.tally.workload.ClientDetector;

class DemoHistoryTest {

    static List<SeededTeam> teams() {
        List<SeededTeam> out = new ArrayList<>();
        for (DemoOrg.TeamProfile p : DemoOrg.TEAMS) {
            out.add(new SeededTeam(
                    p,
                    UUID.nameUUIDFromBytes(p.name().getBytes()),
                    IntStream.range(0, p.people())
                            .mapToObj(i -> UUID.nameUUIDFromBytes((p.name() + i).getBytes()))
                            .toList()));
        }
        return out;
    }

    /** The usage of ten days of history: people's calls and the service keys' (the workloads'). */
    static List<UsageData> tenDaysOfCalls() {
        List<UsageData> usage = new ArrayList<>();
        Consumer<CloudEvent<?>> sink = e -> {
            if (e.data() instanceof UsageData u) {
                usage.add(u);
            }
        };
        for (int d = 0; d < 10; d++) {
            DemoHistory.day(teams(), LocalDate.of(2026, 3, 2).plusDays(d), 1.0, sink);
            DemoWorkloads.day(teams(), LocalDate.of(2026, 3, 2).plusDays(d), sink);
        }
        return usage;
    }

    @Test
    void aDayIsTheSameEveryTimeSoRepublishingCountsNothingTwice() {
        LocalDate day = LocalDate.of(2026, 3, 4);
        List<CloudEvent<?>> a = new ArrayList<>();
        List<CloudEvent<?>> b = new ArrayList<>();
        DemoHistory.day(teams(), day, 0.5, a::add);
        DemoHistory.day(teams(), day, 0.5, b::add);
        assertThat(a).isNotEmpty();
        assertThat(a.stream().map(CloudEvent::id).toList())
                .isEqualTo(b.stream().map(CloudEvent::id).toList());
        assertThat(a.stream().map(CloudEvent::id).distinct().count()).isEqualTo(a.size());
    }

    @Test
    void usageIsPricedExactlyAndTheInternalModelIsUnpriced() {
        List<CloudEvent<?>> events = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            DemoHistory.day(teams(), LocalDate.of(2026, 3, 2).plusDays(d), 1.0, events::add);
        }
        List<UsageData> usage = events.stream()
                .filter(e -> e.data() instanceof UsageData)
                .map(e -> (UsageData) e.data())
                .toList();
        assertThat(usage).anySatisfy(u -> assertThat(u.priced()).isFalse());
        for (UsageData u : usage) {
            DemoOrg.Price p = DemoOrg.price(u.model());
            if (p == null) {
                assertThat(u.costNanos()).isNull();
                assertThat(u.priced()).isFalse();
            } else {
                assertThat(u.costNanos())
                        .isEqualTo(u.inputTokens() * p.input()
                                + u.outputTokens() * p.output()
                                + u.cacheReadTokens() * p.cacheRead());
            }
        }
        assertThat(events)
                .anySatisfy(e -> assertThat(e.data())
                        .isInstanceOfSatisfying(
                                OutcomeData.class,
                                o -> assertThat(o.attribution()).isNotEmpty()));
    }

    @Test
    void codexUsersCallOpenAiModelsThroughTheResponsesApiAndNobodyElseDoes() {
        // people's calls and the service keys' (whose tools are the workloads')
        List<UsageData> usage = tenDaysOfCalls();
        assertThat(usage)
                .anySatisfy(u -> {
                    assertThat(u.client()).isEqualTo(ClientDetector.CODEX);
                    assertThat(u.api()).isEqualTo("responses");
                })
                .anySatisfy(u -> assertThat(u.client()).isEqualTo(ClientDetector.CLAUDE_CODE));
        for (UsageData u : usage) {
            boolean codexOnOpenAi = u.client().equals(ClientDetector.CODEX)
                    && DemoOrg.provider(u.model()).equals("openai");
            assertThat(u.api().equals("responses"))
                    .as("%s calling %s through %s", u.client(), u.model(), u.api())
                    .isEqualTo(codexOnOpenAi);
        }
    }

    @Test
    void eachToolCallsOnlyModelsOfTheProviderItSpeaks() {
        // people's calls and the service keys', as the pages show them by tool and by model
        List<UsageData> usage = tenDaysOfCalls();
        Map<String, List<String>> providers = Map.of(
                ClientDetector.CLAUDE_CODE,
                List.of("anthropic"),
                "anthropic-sdk-python",
                List.of("anthropic"),
                ClientDetector.CODEX,
                List.of("openai"),
                "openai-sdk-python",
                List.of("openai", "internal"),
                "openai-sdk-js",
                List.of("openai", "internal"),
                ClientDetector.CURL,
                List.of("anthropic", "openai", "internal"));
        assertThat(usage.stream().map(UsageData::client).distinct())
                .containsExactlyInAnyOrderElementsOf(providers.keySet());
        for (UsageData u : usage) {
            assertThat(DemoOrg.provider(u.model()))
                    .as("%s calling %s", u.client(), u.model())
                    .isIn(providers.get(u.client()));
        }
        // a team without Anthropic's models has no Claude Code user, whose tool could not call them
        UUID marketing = UUID.nameUUIDFromBytes("Marketing".getBytes());
        assertThat(usage.stream().filter(u -> u.teamId().equals(marketing.toString())))
                .isNotEmpty()
                .noneMatch(u -> u.client().equals(ClientDetector.CLAUDE_CODE));
    }

    @Test
    void everyLoadOfTheDemoHasTheSameToolsInTheSameSharesWhateverThePeoplesIds() {
        Map<String, Long> named = toolsOfPeople(teams());
        List<SeededTeam> random = teams().stream()
                .map(t -> new SeededTeam(
                        t.profile(),
                        UUID.randomUUID(),
                        t.employees().stream().map(e -> UUID.randomUUID()).toList()))
                .toList();
        assertThat(toolsOfPeople(random)).isEqualTo(named);
        long mostUsed = named.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(named.get(ClientDetector.CLAUDE_CODE)).isEqualTo(mostUsed);
        assertThat(named).containsKey(ClientDetector.CODEX).doesNotContainKey(ClientDetector.OTHER);
    }

    /** How many of the people who used AI in a fortnight of history used each tool. */
    private static Map<String, Long> toolsOfPeople(List<SeededTeam> teams) {
        Map<String, String> toolOf = new HashMap<>();
        for (int d = 0; d < 14; d++) {
            DemoHistory.day(teams, LocalDate.of(2026, 3, 2).plusDays(d), 1.0, e -> {
                if (e.data() instanceof UsageData u) {
                    assertThat(toolOf.put(u.employeeId(), u.client()))
                            .as("a person uses one tool")
                            .isIn(null, u.client());
                }
            });
        }
        Map<String, Long> counts = new TreeMap<>();
        toolOf.values().forEach(c -> counts.merge(c, 1L, Long::sum));
        return counts;
    }

    @Test
    void teamEconomicsDifferSoSomeTeamsPayOffAndSomeDoNot() {
        // value per working day at the default ROI model vs the spend the profile aims at
        long paying = DemoOrg.TEAMS.stream().filter(t -> value(t) > spend(t)).count();
        assertThat(paying).isBetween(2L, (long) DemoOrg.TEAMS.size() - 2);
    }

    static double value(DemoOrg.TeamProfile t) {
        return 100 * (2 * t.aiPrs() + 3 * t.bugs() + 6 * t.findings() + t.tasks() * t.taskHours());
    }

    static double spend(DemoOrg.TeamProfile t) {
        return t.people() * t.adoption() * 0.85 * t.spendPerActiveDay();
    }
}
