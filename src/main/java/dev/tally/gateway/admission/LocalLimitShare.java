package dev.tally.gateway.admission;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/** Each instance on its own: the whole limit, whatever other instances hold (see {@link LimitShare}). */
@Singleton
@DefaultBean
public class LocalLimitShare implements LimitShare {

    @Override
    public long available(Kind kind, UUID keyId, long limit) {
        return limit;
    }
}
