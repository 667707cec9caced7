package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

/** A key restricted to some models ({@code allowedModels}) may call only those: 403 otherwise. */
@Singleton
public class ModelAllowedCheck implements AdmissionCheck {

    @Override
    public Phase phase() {
        return Phase.POST_BODY;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (!call.key().allowsModel(call.model())) {
            return Refusal.of(RefusalReason.MODEL_NOT_ALLOWED, "model " + call.model() + " is not allowed for this key",
                    "model");
        }
        return PASS;
    }
}
