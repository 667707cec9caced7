package dev.tally.budget.enforce;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tally.budget.BudgetConfig;
import dev.tally.platform.Ticker;
import dev.tally.platform.share.SharedLimits;

/**
 * This gateway's one identity in the exchange of shared limits: budget enforcement and the per-key
 * limits ({@code gateway/admission/SharedLimitShare}) exchange under it, so each gateway is counted
 * once among the live ones. Produced here because its timeout is the budgets' gateway timeout.
 */
@Singleton
public class SharedLimitsProducer {

    @Produces
    @Singleton
    SharedLimits sharedLimits(BudgetConfig config, Ticker ticker) {
        return new SharedLimits(config.gatewayTimeout(), ticker);
    }
}
