package dev.tally.outcomes.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tally.access.Access;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.platform.OwnSettings;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * A reviewer's {@code workload:} in the review rules (docs/workloads.md, "Outcomes tied to workloads"):
 * the findings of its GitHub login, flagged and then caught, carry that workload on the outcome events,
 * in the stored outcomes and in the workloads report. The rules are a file of this test's own
 * ({@code tally.outcomes.reviews.rules-file}, written by {@link OwnSettings}), as an organisation would
 * configure its reviewer.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@TestProfile(OwnSettings.class)
class ReviewerWorkloadFlowTest {

    static final String LOGIN = OwnSettings.REVIEWER_LOGIN;
    static final String WORKLOAD = OwnSettings.REVIEWER_WORKLOAD;

    @Inject
    DataSource ds;

    @Test
    void theFindingsOfAReviewerWithAWorkloadCountForThatWorkload() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Review Workload Flow");
        OutcomeTestData.employee(ds, team, "rvw-wl-ada@example.com", "rvw-wl-ada");
        long id = 7_300_000_000L + (System.nanoTime() % 1_000_000) * 10;
        ObjectNode comment = OutcomeTestData.reviewComment(
                "acme-outcomes/workload-repo",
                7,
                id,
                LOGIN,
                "This dereferences a null session when the token expired: it will crash.",
                "src/Session.java",
                null,
                30,
                "c0ffee0000000000000000000000000000000003",
                "rvw-wl-ada");
        ReviewFindingsFlowTest.send("pull_request_review_comment", comment)
                .statusCode(202)
                .body("status", equalTo("accepted"));
        OutcomeTopic.Seen flagged = OutcomeTopic.await("github:review-comment:" + id);
        assertThat(flagged.event().at("/data/kind").asText()).isEqualTo("bug_flagged");
        assertThat(flagged.event().at("/data/workload").asText()).isEqualTo(WORKLOAD);

        ReviewFindingsFlowTest.send("pull_request_review_thread", OutcomeTestData.threadResolved(comment, "rvw-wl-ada"))
                .statusCode(202);
        OutcomeTopic.Seen fixed = OutcomeTopic.await("github:review-comment:" + id + ":fixed");
        assertThat(fixed.event().at("/data/kind").asText()).isEqualTo("bug_caught");
        assertThat(fixed.event().at("/data/workload").asText()).isEqualTo(WORKLOAD);

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> count(
                                "SELECT count(*) FROM outcome WHERE id LIKE ? AND workload = '" + WORKLOAD + "'",
                                "github:review-comment:" + id + "%")
                        == 2);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Access.admin()
                .get("/api/reports/workloads/" + WORKLOAD + "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1))
                .then()
                .statusCode(200)
                .body("workload.bugsCaught", equalTo(1))
                .body("workload.outcomes.bug_flagged", equalTo(1))
                .body("workload.outcomes.bug_caught", equalTo(1));
    }

    private long count(String sql, String arg) {
        return TestSql.count(ds, sql, arg);
    }
}
