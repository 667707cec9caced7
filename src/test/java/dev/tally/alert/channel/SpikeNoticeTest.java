package dev.tally.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestStack;

/**
 * What people read of one key's spend spike: whose key it is and what it spent this hour against its
 * usual hour, not the budget's spend for the period as if the whole scope were spiking. Several keys
 * of one team spiking in one hour used to read as the same "Spend spike: Mobile" line again and again.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SpikeNoticeTest {

    @Inject
    Notices notices;

    static Alert keySpike(String employeeName) {
        String data = "{\"data\":{\"kind\":\"spike\",\"keyId\":\"" + UUID.randomUUID() + "\",\"employeeName\":"
                + (employeeName == null ? "null" : "\"" + employeeName + "\"")
                + ",\"spikeHourNanos\":42500000000,\"spikeBaselineNanos\":1200000000,\"keyPrefix\":\"tly_Ab12cD\"}}";
        return new Alert(
                "test:" + UUID.randomUUID(),
                AlertKind.SPIKE,
                "team",
                UUID.randomUUID().toString(),
                "Mobile",
                UUID.randomUUID(),
                null,
                944_460_000_000L,
                100_000_000_000_000L,
                null,
                null,
                Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"),
                "/teams/x",
                Instant.parse("2026-12-07T16:05:00Z"),
                data);
    }

    @Test
    void aPersonsKeySpikeNamesThePersonAndTheKeysHourNotTheBudgetsPeriod() {
        Notice n = notices.of(keySpike("Yara Park"));
        assertThat(n.title()).isEqualTo("Spend spike: Yara Park's key tly_Ab12cD…");
        assertThat(n.summary())
                .startsWith("Yara Park's key tly_Ab12cD… spent $42.50 this hour against a usual hour of $1.20")
                .contains("under the budget of Mobile (team), $944.46 spent of $100,000")
                .doesNotContain("Mobile (team) is spending");
    }

    @Test
    void aServiceKeysSpikeSaysItIsOneServiceKeyOfTheTeam() {
        Notice n = notices.of(keySpike(null));
        assertThat(n.title()).isEqualTo("Spend spike: a service key of Mobile tly_Ab12cD…");
        assertThat(n.summary()).startsWith("A service key of Mobile tly_Ab12cD… spent $42.50 this hour");
    }
}
