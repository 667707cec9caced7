package dev.tally.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.admission.AdmissionCheck;
import dev.tally.gateway.admission.PendingCall;
import dev.tally.gateway.admission.Refusal;

/**
 * A post-body admission check that exists only in tests, written the way a budget check would be:
 * for a model named {@code probe-…} it reserves something and writes down every settlement, and for
 * {@code probe-to-<model>} it also rewrites the model to {@code <model>} (a downgrade); for
 * {@code probe-throws} it throws after reserving, as a check with a bug would. Every other call passes
 * untouched, so it changes nothing for the other tests.
 */
@Singleton
public class ProbeCheck implements AdmissionCheck {

    /** One settlement: the tokens the call used and how it ended. */
    public record Settled(long tokens, CallOutcome outcome) {}

    /** Settlements by request id. */
    public static final Map<String, List<Settled>> SETTLED = new ConcurrentHashMap<>();

    @Override
    public Phase phase() {
        return Phase.POST_BODY;
    }

    @Override
    public int order() {
        return 500;
    }

    @Override
    public Refusal check(PendingCall call) {
        String model = call.model();
        if (model == null || !model.startsWith("probe-")) {
            return PASS;
        }
        String requestId = call.requestId();
        call.reserve((usage, outcome) -> SETTLED.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>())
                .add(new Settled(usage.total(), outcome)));
        if (model.equals("probe-throws")) {
            throw new IllegalStateException("a check's bug, with the caller's words in its message: " + model);
        }
        if (model.startsWith("probe-to-")) {
            call.rewriteModel(model.substring("probe-to-".length()));
        }
        return PASS;
    }
}
