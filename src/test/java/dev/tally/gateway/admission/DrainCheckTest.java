package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;

class DrainCheckTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final FakeCall call = new FakeCall(Api.CHAT_COMPLETIONS);

    @Test
    void admitsEveryCallUntilTheInstanceStops() {
        DrainCheck check = new DrainCheck(now::get, Optional.empty());
        now.addAndGet(Duration.ofDays(1).toNanos());
        assertThat(check.check(call)).isNull();
    }

    @Test
    void refusesWith503ShuttingDownOnceStoppingWithoutADelay() {
        DrainCheck check = new DrainCheck(now::get, Optional.empty());
        check.begin();
        Refusal r = check.check(call);
        assertThat(r).isNotNull();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.reason()).isEqualTo(RefusalReason.SHUTTING_DOWN);
        assertThat(r.reason().retryable).as("the SDKs may retry it elsewhere").isTrue();
        assertThat(r.message()).contains("stopping");
    }

    @Test
    void keepsAdmittingForTheShutdownDelayThenRefuses() {
        DrainCheck check = new DrainCheck(now::get, Optional.of(Duration.ofSeconds(5)));
        check.begin();
        now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertThat(check.check(call)).as("within the delay").isNull();
        now.addAndGet(1);
        assertThat(check.check(call)).isNotNull();
    }

    @Test
    void isAPreBodyCheckBetweenTheKeyAndTheRateLimit() {
        DrainCheck check = new DrainCheck(now::get, Optional.empty());
        assertThat(check.phase()).isEqualTo(AdmissionCheck.Phase.PRE_BODY);
        assertThat(check.order()).isGreaterThan(100).isLessThan(300);
    }
}
