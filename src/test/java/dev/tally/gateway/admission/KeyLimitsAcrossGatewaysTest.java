package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tally.platform.TestJvm;
import dev.tally.platform.share.ExchangeDatabase;

/**
 * Two gateways in two JVMs (this one and a child process) admitting calls of the same two keys as
 * fast as their callers can, sharing the keys' limits through the real PostgreSQL (a database of the
 * test's own, so they are the only live gateways): together they stay within the key's requests per
 * minute and its calls in flight, plus at most one call per gateway (the bound of docs/adr/0012), and
 * together they use the whole limits.
 */
class KeyLimitsAcrossGatewaysTest {

    static final int PER_MINUTE = 300;
    static final int IN_FLIGHT = 6;

    @Test
    void twoGatewaysInTwoJvmsTogetherStayWithinAKeysRequestsPerMinuteAndCallsInFlight() throws Exception {
        String url = ExchangeDatabase.fresh();
        UUID perMinuteKey = UUID.randomUUID();
        UUID inFlightKey = UUID.randomUUID();
        Process peer = TestJvm.start(
                KeyLimitsPeer.class,
                url,
                ExchangeDatabase.username(),
                ExchangeDatabase.password(),
                perMinuteKey.toString(),
                Integer.toString(PER_MINUTE),
                inFlightKey.toString(),
                Integer.toString(IN_FLIGHT));
        CompletableFuture<String> peerOut = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        KeyLimitsPeer.Admitted here = KeyLimitsPeer.run(
                url,
                ExchangeDatabase.username(),
                ExchangeDatabase.password(),
                perMinuteKey,
                PER_MINUTE,
                inFlightKey,
                IN_FLIGHT);
        assertThat(peer.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String out = peerOut.get(10, TimeUnit.SECONDS);
        assertThat(peer.exitValue()).as(out).isZero();
        String[] there = out.lines()
                .filter(l -> l.startsWith("admitted "))
                .findFirst()
                .orElseThrow()
                .split(" ");
        long requests = here.requests() + Long.parseLong(there[1]);
        long inFlight = here.inFlight() + Long.parseLong(there[2]);
        assertThat(requests)
                .as("requests admitted here %s, there %s", here.requests(), there[1])
                .isBetween((long) PER_MINUTE, PER_MINUTE + 2L);
        assertThat(inFlight)
                .as("calls in flight here %s, there %s", here.inFlight(), there[2])
                .isBetween((long) IN_FLIGHT, IN_FLIGHT + 2L);
        assertThat(here.requests()).isPositive();
        assertThat(Long.parseLong(there[1])).isPositive();
    }
}
