package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.identity.ResolvedKey;
import dev.tally.workload.WorkloadNames;
import dev.tally.workload.WorkloadRegistry;

/**
 * The call's workload (docs/workloads.md): the key's (a service key's is required), or
 * {@code x-tally-workload} where the key's policy allows the header and the name is allowed
 * (configured, or within the team's bound), else {@code interactive}. A header the key may not send,
 * or a name that is not allowed, is refused with 400 before the body is read. The run is
 * {@link RunIdCheck}'s.
 */
@Singleton
public class WorkloadCheck implements AdmissionCheck {

    static final String WORKLOAD_HEADER = "x-tally-workload";
    private static final CharSequence H_WORKLOAD = HttpHeaders.createOptimized(WORKLOAD_HEADER);

    private final WorkloadRegistry registry;

    public WorkloadCheck(WorkloadRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    /** After the key (100) and the run (160), before the body size (200) and the rate limit (300). */
    @Override
    public int order() {
        return 170;
    }

    @Override
    public Refusal check(PendingCall call) {
        ResolvedKey key = call.key();
        String asked = call.header(H_WORKLOAD);
        String workload = key.workload() != null ? key.workload() : WorkloadNames.INTERACTIVE;
        if (asked != null && !asked.equals(workload)) {
            if (!key.workloadHeader()) {
                return Refusal.of(
                        RefusalReason.WORKLOAD_NOT_ALLOWED,
                        "this key may not set " + WORKLOAD_HEADER
                                + " (its policy does not allow the header); its calls count under '" + workload + "'",
                        WORKLOAD_HEADER);
            }
            if (!WorkloadNames.validName(asked)) {
                return Refusal.of(
                        RefusalReason.WORKLOAD_NOT_ALLOWED,
                        WORKLOAD_HEADER + ": not a workload name (" + WorkloadNames.NAME_RULE + ")",
                        WORKLOAD_HEADER);
            }
            WorkloadRegistry.Refused refused = registry.admit(key.teamId(), asked);
            if (refused != null) {
                return Refusal.of(
                        RefusalReason.WORKLOAD_NOT_ALLOWED,
                        switch (refused) {
                            case NOT_CONFIGURED ->
                                WORKLOAD_HEADER + ": '" + asked + "' is not one of the configured workloads";
                            case TOO_MANY ->
                                WORKLOAD_HEADER + ": '" + asked + "' would be a new workload, and the team already"
                                        + " uses the most allowed (tally.workloads.max-per-team)";
                        },
                        WORKLOAD_HEADER);
            }
            workload = asked;
        }
        call.workload(workload);
        return PASS;
    }
}
