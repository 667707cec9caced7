package dev.tally.gateway.admission;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * Each instance on its own: the whole limit, whatever other instances hold (see {@link LimitShare}).
 * What {@link SharedLimitShare} falls back to; the bean only where that one is not deployed.
 */
@Singleton
@DefaultBean
public class LocalLimitShare implements LimitShare {

    @Override
    public long available(Kind kind, UUID keyId, long limit) {
        return limit;
    }
}
