package dev.tally.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One model call through the gateway (data of {@code dev.tally.usage.v1}). Token counts are each
 * counted once: {@code inputTokens} excludes cache reads and writes (OpenAI's {@code cached_tokens}
 * are subtracted from {@code prompt_tokens}; Anthropic reports them apart already).
 * {@code costNanos} is USD × 10^9 and null when the model has no price ({@code priced=false}).
 *
 * <p>A call the gateway refused ({@code outcome=rejected}) names why in {@code refusal} (a
 * {@code RefusalReason} value such as {@code revoked}); it may have no provider (refused before it
 * was routed) and no model (refused before its body was read). {@code workload} is the service
 * key's, the {@code x-tally-workload} header's or {@code interactive}; {@code runId} groups the calls
 * of one run ({@code x-tally-run-id}, or Claude Code's session id); {@code client} names the tool
 * that made the call ({@code claude-code}, {@code anthropic-sdk-python}: docs/workloads.md).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UsageData(
        String requestId,
        String keyId,
        String employeeId,
        String teamId,
        String provider,
        String model,
        String api,
        boolean stream,
        int status,
        String outcome,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        Long costNanos,
        boolean priced,
        boolean estimated,
        long latencyMs,
        Long ttftMs,
        String downgradedFrom,
        String refusal,
        String workload,
        String runId,
        String client) {

    /** A call without refusal, workload, run or client (what producers that predate those fields write). */
    public UsageData(
            String requestId,
            String keyId,
            String employeeId,
            String teamId,
            String provider,
            String model,
            String api,
            boolean stream,
            int status,
            String outcome,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            long reasoningTokens,
            Long costNanos,
            boolean priced,
            boolean estimated,
            long latencyMs,
            Long ttftMs,
            String downgradedFrom) {
        this(
                requestId,
                keyId,
                employeeId,
                teamId,
                provider,
                model,
                api,
                stream,
                status,
                outcome,
                inputTokens,
                outputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                reasoningTokens,
                costNanos,
                priced,
                estimated,
                latencyMs,
                ttftMs,
                downgradedFrom,
                null,
                null,
                null,
                null);
    }

    /**
     * Longest {@code model} an event may carry; the gateway refuses longer names in requests
     * ({@code dev.tally.gateway.ModelNames}), so every event it writes passes the aggregator's check.
     */
    public static final int MAX_MODEL_LENGTH = 256;

    public static final String OUTCOME_OK = "ok";
    public static final String OUTCOME_UPSTREAM_ERROR = "upstream_error";
    public static final String OUTCOME_CLIENT_CANCELLED = "client_cancelled";
    public static final String OUTCOME_REJECTED = "rejected";
}
