package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.platform.OwnSettings;
import dev.tally.platform.TestStack;

/**
 * Rollups and reports in an organisation whose days are New York's (TALLY_TIMEZONE): calls near
 * midnight and across the March DST change land on the local day and month, in every rollup table
 * and every report figure alike. The zone is {@link OwnSettings#ZONE}.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@TestProfile(OwnSettings.class)
class ZoneReportsTest {

    @Inject
    DataSource dataSource;

    @Test
    void callsNearMidnightAndAcrossTheDstChangeCountOnTheirLocalDay() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("Zone", "Engineering");
        UUID person = f.employees(team, 1).get(0);
        // 23:30 on 31 March in New York (EDT): already 1 April in UTC, but March's.
        f.call(Instant.parse("2026-04-01T03:30:00Z"), team, person, "gpt-4o", 1_000);
        // 23:30 on 28 February (EST): 1 March in UTC, but February's (the previous period).
        f.call(Instant.parse("2026-03-01T04:30:00Z"), team, person, "gpt-4o", 20_000);
        // 8 March, clocks go forward at 02:00: 01:30 EST and 03:30 EDT are the same local day.
        f.call(Instant.parse("2026-03-08T06:30:00Z"), team, person, "gpt-4o", 300);
        f.call(Instant.parse("2026-03-08T07:30:00Z"), team, person, "gpt-4o", 4_000);
        // 00:30 on 1 April (EDT): April's, outside the period.
        f.call(Instant.parse("2026-04-01T04:30:00Z"), team, person, "gpt-4o", 500_000);

        JsonPath r = Access.leader()
                .get("/api/reports/teams/" + team + "?from=2026-03-01&to=2026-03-31")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(r.getLong("totals.spend_nanos")).isEqualTo(1_000 + 300 + 4_000);
        assertThat(r.getLong("previousTotals.spend_nanos")).isEqualTo(20_000);
        assertThat(r.getLong("daily.find { it.day == '2026-03-31' }.metrics.spend_nanos"))
                .isEqualTo(1_000);
        assertThat(r.getLong("daily.find { it.day == '2026-03-08' }.metrics.requests"))
                .isEqualTo(2);
        assertThat(r.getLong("daily.find { it.day == '2026-03-01' }.metrics.requests"))
                .isZero();
        // The org report reads March from usage_team_month; the same figure.
        JsonPath org = Access.leader()
                .get("/api/reports/org?from=2026-03-01&to=2026-03-31")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(org.getLong("teams.find { it.id == '" + team + "' }.metrics.spend_nanos"))
                .isEqualTo(5_300);
        List<Long> april = Access.leader()
                .get("/api/reports/teams/" + team + "?from=2026-04-01&to=2026-04-30")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("daily.metrics.spend_nanos", Long.class);
        assertThat(april.get(0)).isEqualTo(500_000);
        assertThat(LocalDate.parse("2026-04-01").lengthOfMonth()).isEqualTo(april.size());
    }

    @Test
    void thePeriodPickerAndMyUsageNameTheOrganisationsZoneNotUtc() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("Zone label", "Engineering");
        UUID person = f.employees(team, 1).get(0);
        // 23:30 on 31 March in New York: 1 April in UTC, but filed under 31 March, the day the picker names.
        f.call(Instant.parse("2026-04-01T03:30:00Z"), team, person, "gpt-4o", 7_000);
        String org = Access.leader()
                .get("/?from=2026-03-31&to=2026-03-31")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(org)
                .contains("1 days, both ends included (" + OwnSettings.ZONE + ")")
                .doesNotContain("(UTC)");
        String me = Access.employee(person + "@example.test")
                .get("/me?from=2026-03-31&to=2026-03-31")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(me)
                .contains("2026-03-31 to 2026-03-31 (days of " + OwnSettings.ZONE + ")")
                .doesNotContain("UTC days")
                .contains("id=\"my-calls\">1<");
    }
}
