package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.identity.ResolvedKey;
import dev.tally.workload.WorkloadNames;
import dev.tally.workload.WorkloadRegistry;

/**
 * The call's workload and run (docs/workloads.md). The workload is the key's (a service key's is
 * required), or {@code x-tally-workload} where the key's policy allows the header and the name is
 * allowed (configured, or within the team's bound), else {@code interactive}. {@code x-tally-run-id}
 * names the run. A header the key may not send, or a name or run id that is not allowed, is
 * refused with 400 before the body is read.
 */
@Singleton
public class WorkloadCheck implements AdmissionCheck {

    static final String WORKLOAD_HEADER = "x-tally-workload";
    static final String RUN_ID_HEADER = "x-tally-run-id";
    private static final CharSequence H_WORKLOAD = HttpHeaders.createOptimized(WORKLOAD_HEADER);
    private static final CharSequence H_RUN_ID = HttpHeaders.createOptimized(RUN_ID_HEADER);

    private final WorkloadRegistry registry;

    public WorkloadCheck(WorkloadRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    /** After the key (100), before the body size (200): refused before the rate limit counts it. */
    @Override
    public int order() {
        return 150;
    }

    @Override
    public Refusal check(PendingCall call) {
        ResolvedKey key = call.key();
        String asked = call.header(H_WORKLOAD);
        String workload = key.workload() != null ? key.workload() : WorkloadNames.INTERACTIVE;
        if (asked != null && !asked.equals(workload)) {
            if (!key.workloadHeader()) {
                return Refusal.of(RefusalReason.WORKLOAD_NOT_ALLOWED, "this key may not set " + WORKLOAD_HEADER
                        + " (its policy does not allow the header); its calls count under '" + workload + "'",
                        WORKLOAD_HEADER);
            }
            if (!WorkloadNames.validName(asked)) {
                return Refusal.of(RefusalReason.WORKLOAD_NOT_ALLOWED, WORKLOAD_HEADER + ": not a workload name ("
                        + WorkloadNames.NAME_RULE + ")", WORKLOAD_HEADER);
            }
            WorkloadRegistry.Refused refused = registry.admit(key.teamId(), asked);
            if (refused != null) {
                return Refusal.of(RefusalReason.WORKLOAD_NOT_ALLOWED, switch (refused) {
                    case NOT_CONFIGURED -> WORKLOAD_HEADER + ": '" + asked + "' is not one of the configured workloads";
                    case TOO_MANY -> WORKLOAD_HEADER + ": '" + asked + "' would be a new workload, and the team already"
                            + " uses the most allowed (tally.workloads.max-per-team)";
                }, WORKLOAD_HEADER);
            }
            workload = asked;
        }
        String runId = call.header(H_RUN_ID);
        if (runId != null && !WorkloadNames.validRunId(runId)) {
            return Refusal.of(RefusalReason.INVALID_RUN_ID, RUN_ID_HEADER + ": not a run id (" + WorkloadNames.RUN_ID_RULE
                    + ")", RUN_ID_HEADER);
        }
        call.label(workload, runId);
        return PASS;
    }
}
