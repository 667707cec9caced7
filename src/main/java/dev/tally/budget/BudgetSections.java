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
        static native TemplateInstance team(List<BudgetRow> rows);
    }

    private final BudgetStatusService statuses;

    public BudgetSections(BudgetStatusService statuses) {
        this.statuses = statuses;
    }

    public String team(UUID teamId) {
        String link = "/teams/" + teamId;
        List<BudgetRow> rows = statuses.current().stream()
                .filter(s -> link.equals(s.link()))
                .map(BudgetRow::of)
                .toList();
        return Templates.team(rows).render();
    }
}
