package dev.tally.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
        List<UsageData> usage = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            DemoHistory.day(teams(), LocalDate.of(2026, 3, 2).plusDays(d), 1.0, e -> {
                if (e.data() instanceof UsageData u) {
                    usage.add(u);
                }
            });
        }
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
