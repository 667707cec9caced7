package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;
import dev.tally.gateway.CallsInFlight;

class DrainCheckTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CallsInFlight inFlight = new CallsInFlight();
    private final FakeCall call = new FakeCall(Api.CHAT_COMPLETIONS);

    private DrainCheck drain(Duration delay, Duration timeout) {
        return new DrainCheck(now::get, inFlight, delay, timeout);
    }

    @Test
    void admitsEveryCallAndIsReadyUntilTheInstanceStops() {
        DrainCheck check = drain(Duration.ZERO, Duration.ofSeconds(25));
        now.addAndGet(Duration.ofDays(1).toNanos());
        assertThat(check.check(call)).isNull();
        assertThat(check.readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void refusesWith503ShuttingDownAndIsNotReadyOnceStoppingWithoutADelay() {
        DrainCheck check = drain(Duration.ZERO, Duration.ofSeconds(25));
        check.begin();
        Refusal r = check.check(call);
        assertThat(r).isNotNull();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.reason()).isEqualTo(RefusalReason.SHUTTING_DOWN);
        assertThat(r.reason().retryable).as("the SDKs may retry it elsewhere").isTrue();
        assertThat(r.reason().closesConnection())
                .as("so the retry takes a new connection")
                .isTrue();
        assertThat(r.message()).contains("stopping");
        assertThat(check.readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void keepsAdmittingForTheDrainDelayThenRefuses() {
        DrainCheck check = drain(Duration.ofSeconds(5), Duration.ofSeconds(25));
        check.begin();
        assertThat(check.readiness().getStatus())
                .as("readiness DOWN at once")
                .isEqualTo(HealthCheckResponse.Status.DOWN);
        now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertThat(check.check(call)).as("within the delay").isNull();
        now.addAndGet(1);
        assertThat(check.check(call)).isNotNull();
    }

    @Test
    void returnsAtOnceWhenNoCallIsInFlight() {
        DrainCheck check = drain(Duration.ZERO, Duration.ofSeconds(25));
        check.begin();
        assertThat(check.awaitCallsInFlight()).isZero();
    }

    @Test
    void waitsUntilTheCallsInFlightHaveEnded() {
        inFlight.started();
        inFlight.started();
        // every look at the clock is 100 ms later; the calls end at the 5th and the 8th look
        AtomicLong looks = new AtomicLong();
        DrainCheck check = new DrainCheck(
                () -> {
                    long n = looks.incrementAndGet();
                    if (n == 5 || n == 8) {
                        inFlight.ended();
                    }
                    return now.addAndGet(Duration.ofMillis(100).toNanos());
                },
                inFlight,
                Duration.ZERO,
                Duration.ofSeconds(25));
        check.begin();
        assertThat(check.awaitCallsInFlight()).isZero();
        assertThat(inFlight.count()).isZero();
        assertThat(looks.get()).isLessThan(20);
    }

    @Test
    void givesUpAfterTheDrainTimeoutWithTheCallsStillInFlight() {
        inFlight.started();
        DrainCheck check = new DrainCheck(
                () -> now.addAndGet(Duration.ofMillis(100).toNanos()), inFlight, Duration.ZERO, Duration.ofSeconds(2));
        check.begin();
        assertThat(check.awaitCallsInFlight()).isEqualTo(1);
    }

    @Test
    void isAPreBodyCheckBetweenTheKeyAndTheRateLimit() {
        DrainCheck check = drain(Duration.ZERO, Duration.ofSeconds(25));
        assertThat(check.phase()).isEqualTo(AdmissionCheck.Phase.PRE_BODY);
        assertThat(check.order()).isGreaterThan(100).isLessThan(300);
    }
}
