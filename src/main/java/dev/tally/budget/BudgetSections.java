package dev.tally.budget;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The budgets section of a team's page: the team's own budgets and those of its people and keys. */
@Singleton
public class BudgetSections {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance team(List<BudgetRow> rows, boolean budgetsPage, boolean allBudgets);
    }

    private final BudgetStatusService statuses;

    public BudgetSections(BudgetStatusService statuses) {
        this.statuses = statuses;
    }

    /**
     * {@code budgetsPage}: whether the viewer may open the Budgets page, so it is linked;
     * {@code allBudgets}: whether it lists every budget (leaders and admins) or a team lead's own.
     */
    public String team(UUID teamId, boolean budgetsPage, boolean allBudgets) {
        String link = "/teams/" + teamId;
        List<BudgetRow> rows = statuses.current().stream()
                .filter(s -> link.equals(s.link()))
                .map(BudgetRow::of)
                .toList();
        return Templates.team(rows, budgetsPage, allBudgets).render();
    }
}
