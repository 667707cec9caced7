package dev.tally.budget;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.Period;
import dev.tally.demo.DemoConfig;
import dev.tally.platform.time.OrgCalendar;

/** The Budgets page: every budget with a bar against its limit, its state and its period. */
@Path("/budgets")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class BudgetPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance budgets(PageContext page, List<BudgetRow> rows, String timezone);
    }

    private final BudgetStatusService statuses;
    private final OrgCalendar calendar;
    private final DemoConfig demo;
    private final Viewers viewers;
    private final Navs navs;

    public BudgetPages(
            BudgetStatusService statuses, OrgCalendar calendar, DemoConfig demo, Viewers viewers, Navs navs) {
        this.viewers = viewers;
        this.navs = navs;
        this.statuses = statuses;
        this.calendar = calendar;
        this.demo = demo;
    }

    @GET
    public String budgets() {
        // Every budget of every team: the audience that sees all teams (team leads see theirs on the team page).
        viewers.current().requireAllTeams();
        Period month = Period.parse("mtd", null, null, calendar.today());
        PageContext page =
                PageContext.of("Budgets", "budgets", "/budgets", month, calendar, demo.enabled(), null, navs.current());
        List<BudgetRow> rows = statuses.current().stream().map(BudgetRow::of).toList();
        return Templates.budgets(page, rows, calendar.zone().getId()).render();
    }
}
