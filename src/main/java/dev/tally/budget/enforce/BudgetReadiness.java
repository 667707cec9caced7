package dev.tally.budget.enforce;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness "Budgets": on a gateway, DOWN until the first refresh has read the budgets (calls are
 * refused with 503 until then, so that no call passes a spent block budget unchecked), UP after;
 * always UP on an instance without the gateway role.
 */
@Readiness
@ApplicationScoped
public class BudgetReadiness implements HealthCheck {

    private final BudgetEnforcement enforcement;

    public BudgetReadiness(BudgetEnforcement enforcement) {
        this.enforcement = enforcement;
    }

    @Override
    public HealthCheckResponse call() {
        var r = HealthCheckResponse.named("Budgets");
        if (!enforcement.enforcing()) {
            return r.up().withData("enforced", false).build();
        }
        return enforcement.loaded()
                ? r.up().withData("enforced", true).build()
                : r.down()
                        .withData("budgets", "not read yet: calls are refused (503) until the first refresh")
                        .build();
    }
}
