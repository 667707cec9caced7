package dev.tally.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Something that came back from AI use (data of {@code dev.tally.outcome.v1}): a merged PR, a bug
 * flagged by automated review and (when fixed) caught, a security finding, a task automated. The envelope's {@code id} is a
 * stable natural id ({@code github:pr:org/repo#123}), so a repeat is counted once.
 * {@code attribution} lists the rules that fired when deciding {@code aiAssisted}; {@code pr} carries the
 * facts of a merged pull request (null for other kinds, and for PRs posted without them);
 * {@code workload} names the workload that produced it (a review bot's), or is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeData(
        String kind,
        String teamId,
        String employeeId,
        boolean aiAssisted,
        List<String> attribution,
        String source,
        String ref,
        Instant occurredAt,
        String severity,
        BigDecimal valueHours,
        PrFacts pr,
        String workload) {

    /** An outcome without pull request facts or workload. */
    public OutcomeData(
            String kind,
            String teamId,
            String employeeId,
            boolean aiAssisted,
            List<String> attribution,
            String source,
            String ref,
            Instant occurredAt,
            String severity,
            BigDecimal valueHours) {
        this(
                kind,
                teamId,
                employeeId,
                aiAssisted,
                attribution,
                source,
                ref,
                occurredAt,
                severity,
                valueHours,
                null,
                null);
    }

    /** A merged pull request that no workload is named for. */
    public OutcomeData(
            String kind,
            String teamId,
            String employeeId,
            boolean aiAssisted,
            List<String> attribution,
            String source,
            String ref,
            Instant occurredAt,
            String severity,
            BigDecimal valueHours,
            PrFacts pr) {
        this(
                kind,
                teamId,
                employeeId,
                aiAssisted,
                attribution,
                source,
                ref,
                occurredAt,
                severity,
                valueHours,
                pr,
                null);
    }

    public static final String PR_MERGED = "pr_merged";
    /** A bug an AI reviewer caught and that was then fixed (or any bug caught, when posted through the API). */
    public static final String BUG_CAUGHT = "bug_caught";
    /** A finding an AI reviewer raised; it becomes a {@link #BUG_CAUGHT} when fixed, and carries no ROI value itself. */
    public static final String BUG_FLAGGED = "bug_flagged";

    public static final String SECURITY_FINDING = "security_finding";
    public static final String TASK_AUTOMATED = "task_automated";
}
