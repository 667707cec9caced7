package dev.tally.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.tally.budget.Budget;
import dev.tally.budget.BudgetInput;
import dev.tally.budget.BudgetService;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.platform.time.OrgCalendar;

/**
 * The demo's budgets, created once (found by name after a restart): a team past its soft budget, a
 * downgrade in effect, and a team whose keys are watched for spend spikes. Amounts follow the team's
 * simulated spend so far this month, so each is in its state from the first minutes of live traffic
 * even on the first day of a month.
 */
@Singleton
public class DemoBudgets {

    private static final Logger LOG = Logger.getLogger(DemoBudgets.class);

    public static final String SOFT = "Demo: Data Science soft monthly";
    public static final String ADVISOR = "Demo: Payments advisor (cheaper models past 10 %)";
    public static final String SPIKES = "Demo: Mobile runaway keys";

    private final BudgetService budgets;
    private final OrgCalendar calendar;

    public DemoBudgets(BudgetService budgets, OrgCalendar calendar) {
        this.budgets = budgets;
        this.calendar = calendar;
    }

    void seed(List<SeededTeam> teams) {
        Set<String> existing = budgets.all().stream().map(Budget::name).collect(Collectors.toSet());
        Map<String, SeededTeam> byName =
                teams.stream().collect(Collectors.toMap(t -> t.profile().name(), t -> t));
        LocalDate today = calendar.today();
        int daysBefore = today.getDayOfMonth() - 1;
        create(
                existing,
                byName.get("Data Science"),
                SOFT,
                "alert",
                usd(Math.max(
                        0.05, daysBefore * byName.get("Data Science").profile().spendPerActiveDay() * 0.5)),
                null,
                null);
        create(
                existing,
                byName.get("Payments"),
                ADVISOR,
                "downgrade",
                usd(Math.max(
                        0.10,
                        daysBefore
                                * byName.get("Payments").profile().spendPerActiveDay()
                                * byName.get("Payments").profile().people()
                                * 2)),
                new BudgetInput.DowngradeInput(
                        10, Map.of("claude-sonnet-*", "claude-haiku-4-5", "gpt-5*", "gpt-5-mini")),
                null);
        create(
                existing,
                byName.get("Mobile"),
                SPIKES,
                "alert",
                "100000",
                null,
                new BudgetInput.SpikeInput(5, "0.02", "alert"));
    }

    private void create(
            Set<String> existing,
            SeededTeam team,
            String name,
            String mode,
            String amount,
            BudgetInput.DowngradeInput downgrade,
            BudgetInput.SpikeInput spike) {
        if (team == null || existing.contains(name)) {
            return;
        }
        try {
            budgets.create(new BudgetInput(
                    name,
                    "team",
                    team.id().toString(),
                    "month",
                    amount,
                    mode,
                    null,
                    downgrade,
                    null,
                    List.of(),
                    spike,
                    null));
        } catch (RuntimeException e) {
            LOG.warnf("demo: budget %s not created: %s", name, e.getMessage());
        }
    }

    private static String usd(double amount) {
        return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
