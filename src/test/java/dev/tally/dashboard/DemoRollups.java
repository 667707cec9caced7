package dev.tally.dashboard;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.arc.Arc;

import dev.tally.demo.DemoHistory;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.demo.DemoOrg;
import dev.tally.events.CloudEvent;
import dev.tally.events.UsageData;
import dev.tally.events.UsageEventJson;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.EventDecoder;
import dev.tally.rollup.InvalidEventException;
import dev.tally.rollup.OutcomeEvent;
import dev.tally.rollup.RollupBatch;

/**
 * Realistic rollups for page tests and screenshots: the demo org's history (DemoHistory) for fresh
 * teams, as the events the gateway and the outcome sources would publish, decoded and rolled up
 * by the aggregator's own decoder and store (one batch).
 */
public final class DemoRollups {

    private DemoRollups() {}

    public static List<SeededTeam> load(DataSource ds, int days, boolean markDemo) {
        RollupFixture f = new RollupFixture(ds);
        List<SeededTeam> teams = new ArrayList<>();
        for (DemoOrg.TeamProfile p : DemoOrg.TEAMS) {
            UUID id = f.team(p.name(), p.department());
            teams.add(new SeededTeam(p, id, f.employees(id, p.people())));
            if (markDemo) {
                f.markDemo(id);
            }
        }
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        EventDecoder decoder = new EventDecoder();
        RollupBatch batch = new RollupBatch();
        LocalDate today = Arc.container().instance(OrgCalendar.class).get().today();
        for (int i = days - 1; i >= 0; i--) {
            DemoHistory.day(teams, today.minusDays(i), (double) (days - i) / days, e -> {
                try {
                    if (e.data() instanceof UsageData) {
                        @SuppressWarnings("unchecked")
                        CloudEvent<UsageData> u = (CloudEvent<UsageData>) e;
                        batch.add(decoder.usage(UsageEventJson.write(u), null));
                    } else {
                        // The history's outcome ids name the profile, not the team: made unique per load.
                        OutcomeEvent o = decoder.outcome(json.writeValueAsBytes(e));
                        batch.add(new OutcomeEvent(
                                o.id() + ":" + o.teamId(),
                                o.kind(),
                                o.teamId(),
                                o.employeeId(),
                                o.aiAssisted(),
                                o.attribution(),
                                o.source(),
                                o.ref(),
                                o.occurredAt(),
                                o.severity(),
                                o.valueHours()));
                    }
                } catch (InvalidEventException | JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
            });
        }
        f.apply(batch);
        return teams;
    }
}
