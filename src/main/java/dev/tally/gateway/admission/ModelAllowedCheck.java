package dev.tally.gateway.admission;

import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import dev.tally.gateway.Api;

/**
 * A key restricted to some models ({@code allowedModels}) may call only those: 403 otherwise, with
 * the models it may call, so that the user can pick one instead of asking an admin.
 */
@Singleton
public class ModelAllowedCheck implements AdmissionCheck {

    /** Names listed in the message at most; the rest are counted. */
    static final int LISTED = 20;

    @Override
    public Phase phase() {
        return Phase.POST_BODY;
    }

    @Override
    public int order() {
        return 100;
    }

    /** The model list and the calls on a stored response or a conversation name no model: nothing to allow. */
    @Override
    public boolean appliesTo(Api api) {
        return api != Api.MODELS && !api.storedObject;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (!call.key().allowsModel(call.model())) {
            return Refusal.of(
                    RefusalReason.MODEL_NOT_ALLOWED,
                    "model " + call.model() + " is not allowed for this" + " key; allowed: "
                            + listed(call.key().allowedModels()),
                    "model");
        }
        return PASS;
    }

    static String listed(Set<String> models) {
        List<String> sorted = models.stream().sorted().toList();
        String shown = String.join(", ", sorted.subList(0, Math.min(LISTED, sorted.size())));
        return sorted.size() <= LISTED ? shown : shown + " and " + (sorted.size() - LISTED) + " more";
    }
}
