package dev.tally.budget.enforce;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import jakarta.inject.Singleton;

import dev.tally.budget.BudgetConfig;
import dev.tally.budget.UnpricedPolicy;
import dev.tally.gateway.UsageParser;
import dev.tally.gateway.WarmUp;
import dev.tally.gateway.admission.AdmissionCheck;
import dev.tally.gateway.admission.PendingCall;
import dev.tally.gateway.admission.Refusal;
import dev.tally.gateway.admission.RefusalReason;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.pricing.Money;
import dev.tally.pricing.Price;
import dev.tally.pricing.PriceService;

/**
 * Every budget covering a call applies (key, employee, team, department, org); the strictest
 * decides. In order: a paused key is refused; a downgrade budget past its point routes a listed model
 * to its cheaper one (the narrowest budget with a rule for the model); a model without a price is
 * refused if any covering budget blocks unpriced calls; then the call's estimated cost is taken from
 * each budget's counter, and a spent {@code block} budget refuses the call (402, naming the budget
 * and when it resets). The estimate is the call's reservation, settled to its exact cost at the end.
 * A call the provider does not bill ({@code count_tokens}) passes the budgets (a paused key is still
 * refused). In memory only ({@link BudgetEnforcement} refreshes it): no database call here.
 */
@Singleton
public class BudgetCheck implements AdmissionCheck {

    private static final DateTimeFormatter RESET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");

    private final BudgetEnforcement enforcement;
    private final PriceService prices;
    private final BudgetConfig config;
    private final ZoneId zone;

    public BudgetCheck(BudgetEnforcement enforcement, PriceService prices, BudgetConfig config, OrgCalendar calendar) {
        this.enforcement = enforcement;
        this.prices = prices;
        this.config = config;
        this.zone = calendar.zone();
    }

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
        ResolvedKey key = call.key();
        Book book = enforcement.book();
        if (key == null || WarmUp.is(key)) {
            // the gateway's warm-up is nobody's spend
            return PASS;
        }
        if (book == Book.EMPTY) {
            // the first refresh has not read the budgets yet: admitting now would admit past a spent
            // block budget, so the call is refused as retryable (a block budget fails closed)
            return Refusal.retryAfter(
                    RefusalReason.STARTING,
                    "the Tally gateway is starting and has not read the budgets yet; retry in a second",
                    1);
        }
        if (book.paused(key.keyId())) {
            return Refusal.of(
                    RefusalReason.KEY_PAUSED,
                    "key " + key.prefix() + " is paused after a spend spike; "
                            + "an admin resumes it (POST /api/admin/keys/" + key.keyId() + "/resume)");
        }
        EnforcedBudget[] budgets = book.covering(key);
        if (budgets.length == 0) {
            return PASS;
        }
        for (EnforcedBudget b : budgets) {
            if (b.downgrading()) {
                String target = b.budget.downgradeTarget(call.model());
                if (target != null) {
                    call.rewriteModel(target);
                    break;
                }
            }
        }
        Price price = call.api().billed ? prices.price(call.model()) : null;
        if (price == null && call.api().billed) {
            for (EnforcedBudget b : budgets) {
                if (b.budget.unpriced() == UnpricedPolicy.BLOCK) {
                    return Refusal.of(
                            RefusalReason.UNPRICED_MODEL,
                            "model " + call.model() + " has no price, and budget " + b.budget.name()
                                    + " does not allow calls it cannot count",
                            "model");
                }
            }
        }
        if (!call.api().billed) {
            // count_tokens costs nothing at the provider: a money budget has nothing to hold it to (the
            // key's own limits, checked before this, still apply; a downgrade above still names the model)
            return PASS;
        }
        long estimate = price == null ? 0 : estimate(price, call);
        long now = enforcement.now();
        for (int i = 0; i < budgets.length; i++) {
            if (!budgets[i].counter.tryTake(estimate, now)) {
                for (int j = 0; j < i; j++) {
                    budgets[j].counter.add(-estimate);
                }
                return refusal(budgets[i]);
            }
        }
        call.reserve(new CallCharge(call.requestId(), budgets, price, estimate, enforcement.own()));
        return PASS;
    }

    /**
     * Input from the body's size, output from {@code max_tokens} (or the configured default), at list
     * price. The output is capped at {@link UsageParser#MAX_TOKENS}, the most a call's usage can count
     * (a larger reported count is refused and estimated), so the estimate stays an upper bound and a
     * caller's {@code max_tokens} past what a long can price does not break admission.
     */
    private long estimate(Price price, PendingCall call) {
        long input = call.requestBytes() / Math.max(1, config.bytesPerToken()) + 1;
        long output = call.maxTokens() > 0 ? call.maxTokens() : config.defaultOutputTokens();
        return price.cost(input, Math.min(output, UsageParser.MAX_TOKENS), 0, 0, 0);
    }

    private Refusal refusal(EnforcedBudget b) {
        return Refusal.of(
                RefusalReason.BUDGET_EXCEEDED,
                "budget " + b.budget.name() + " ($"
                        + Money.usd(b.budget.amountNanos()) + " per "
                        + b.budget.period().json()
                        + ") is spent; calls are refused until it resets at "
                        + RESET.format(b.span.end().atZone(zone))
                        + " (" + zone.getId() + ")");
    }
}
