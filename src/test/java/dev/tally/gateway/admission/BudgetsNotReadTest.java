package dev.tally.gateway.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.budget.BudgetConfig;
import dev.tally.budget.BudgetStore;
import dev.tally.budget.enforce.BudgetCheck;
import dev.tally.budget.enforce.BudgetEnforcement;
import dev.tally.budget.enforce.BudgetReadiness;
import dev.tally.events.EventPublisher;
import dev.tally.gateway.Api;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.Roles;
import dev.tally.platform.TestStack;
import dev.tally.platform.share.SharedLimits;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.pricing.PriceService;
import dev.tally.rollup.AggregatorConfig;

/**
 * A gateway that has started but not yet read the budgets (its first refresh has not run or has
 * failed) knows no budget: it refuses calls as retryable instead of admitting them unchecked past a
 * spent block budget, and is not ready. Shown on a second enforcement, built from the application's
 * beans and never started or refreshed; the application's own one has read them.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class BudgetsNotReadTest {

    @Inject
    DataSource dataSource;

    @Inject
    BudgetStore store;

    @Inject
    BudgetConfig config;

    @Inject
    OrgCalendar calendar;

    @Inject
    Clock clock;

    @Inject
    SharedLimits limits;

    @Inject
    Roles roles;

    @Inject
    EventPublisher publisher;

    @Inject
    AggregatorConfig aggregator;

    @Inject
    PriceService prices;

    @Inject
    BudgetEnforcement running;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Test
    void beforeTheFirstRefreshACallIsRefusedAsRetryableAndTheGatewayIsNotReady() {
        BudgetEnforcement unread =
                new BudgetEnforcement(dataSource, store, config, calendar, clock, limits, roles, publisher, aggregator);
        BudgetCheck check = new BudgetCheck(unread, prices, config, calendar);
        FakeCall call = new FakeCall(Api.CHAT_COMPLETIONS).key(key()).body(100, 10);

        Refusal r = check.check(call);

        assertThat(r).isNotNull();
        assertThat(r.reason()).isEqualTo(RefusalReason.STARTING);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.reason().retryable).isTrue();
        assertThat(r.retryAfterSeconds()).isEqualTo(1);
        assertThat(call.reservations).isEmpty();
        assertThat(new BudgetReadiness(unread).call().getStatus().name()).isEqualTo("DOWN");

        // the application's enforcement has read them: the same call passes, and readiness says so
        assertThat(running.loaded()).isTrue();
        assertThat(new BudgetCheck(running, prices, config, calendar).check(call))
                .isNull();
        JsonPath health = given().get(ready).jsonPath();
        assertThat(health.getString("checks.find { it.name == 'Budgets' }.status"))
                .isEqualTo("UP");
    }

    private static ResolvedKey key() {
        return new ResolvedKey(
                UUID.randomUUID(),
                "tly_unread",
                UUID.randomUUID(),
                UUID.randomUUID(),
                Set.of(),
                null,
                null,
                null,
                null);
    }
}
