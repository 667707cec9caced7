package dev.tally.budget;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.alert.channel.AlertChannelService;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.Period;
import dev.tally.demo.DemoConfig;
import dev.tally.identity.EmployeeView;
import dev.tally.identity.IdentityService;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;

/**
 * The Budgets page: every budget with a bar against its limit, its state and its period, and the
 * forms that create, edit and delete budgets (DESIGN.md: finance and team leads set budgets). Admins
 * and leaders see and set every budget; a team lead sees and sets their own teams' (each team's own,
 * and its people's and keys': what their team pages show), as {@link BudgetService#requireMaySet}
 * checks for every change. The forms post to this page (CSRF token,
 * {@code PageForms}) and change budgets through {@link BudgetService}, as the admin API does: the same
 * checks, the same audit entries, the same reload on every gateway. A refused form comes back (400)
 * with the service's message and the values submitted; a change answers 303 back to the list. The
 * page is rendered at every request (no page cache), so the list after a change is the new one.
 */
@Path("/budgets")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class BudgetPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance budgets(
                PageContext page, List<BudgetRow> rows, String timezone, String notice, BudgetEditor editor);
    }

    private final BudgetStatusService statuses;
    private final BudgetService budgets;
    private final IdentityService identity;
    private final AlertChannelService channels;
    private final OrgCalendar calendar;
    private final DemoConfig demo;
    private final Viewers viewers;
    private final Navs navs;

    public BudgetPages(
            BudgetStatusService statuses,
            BudgetService budgets,
            IdentityService identity,
            AlertChannelService channels,
            OrgCalendar calendar,
            DemoConfig demo,
            Viewers viewers,
            Navs navs) {
        this.viewers = viewers;
        this.navs = navs;
        this.statuses = statuses;
        this.budgets = budgets;
        this.identity = identity;
        this.channels = channels;
        this.calendar = calendar;
        this.demo = demo;
    }

    /**
     * The list; for whoever sets budgets with the new-budget form, or with {@code ?edit=<id>} that
     * budget's form prefilled, or with {@code ?delete=<id>} the question before deleting it.
     */
    @GET
    public String budgets(
            @QueryParam("edit") String edit, @QueryParam("delete") String delete, @QueryParam("done") String done) {
        Viewer v = viewers.current();
        v.requireBudgetPages(); // a team lead: their own teams' budgets
        List<BudgetRow> rows = rows(v);
        if (!v.setsBudgets()) {
            return render(rows, notice(done), null); // a reports:read token reads the list
        }
        UUID editId = Ids.optional("edit", edit);
        UUID deleteId = Ids.optional("delete", delete);
        // only a budget of the list: a team lead learns nothing of another team's
        Budget editing =
                editId == null ? null : budgets.get(listed(rows, editId).id());
        BudgetForm form = editing == null ? BudgetForm.blank() : BudgetForm.of(editing, emailOf(editing));
        BudgetEditor.Confirm confirm = null;
        if (deleteId != null) {
            BudgetRow row = listed(rows, deleteId);
            confirm = new BudgetEditor.Confirm(
                    row.id(),
                    row.name(),
                    row.scopeName() + " (" + row.scopeLabel() + ")",
                    row.period(),
                    row.limit(),
                    row.mode());
        }
        return render(rows, notice(done), editor(v, form, editing, null, confirm));
    }

    /** The e-mail of the person an employee's budget covers; null for another scope or a person gone. */
    private String emailOf(Budget b) {
        if (b.scope() != Scope.EMPLOYEE) {
            return null;
        }
        try {
            return identity.employee(UUID.fromString(b.scopeId())).email();
        } catch (ApiException e) {
            return null; // the person is gone: the id is all there is
        }
    }

    private static BudgetRow listed(List<BudgetRow> rows, UUID id) {
        return rows.stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("no budget " + id));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@BeanParam Posted posted) {
        Viewer v = viewers.current();
        v.requireSetsBudgets();
        BudgetForm form = posted.form();
        try {
            budgets.create(form.toInput(), v);
            return Response.seeOther(URI.create("/budgets?done=created#budgets"))
                    .build();
        } catch (ApiException e) {
            return refused(v, form, null, e);
        }
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, @BeanParam Posted posted) {
        Viewer v = viewers.current();
        v.requireSetsBudgets();
        UUID budgetId = Ids.required("id", id);
        BudgetForm form = posted.form();
        try {
            budgets.update(budgetId, form.toInput(), v);
            return Response.seeOther(URI.create("/budgets?done=updated#budgets"))
                    .build();
        } catch (ApiException e) {
            if (e.status() == 404) {
                // deleted while it was being edited: nothing to save into, and the list says so
                return Response.seeOther(URI.create("/budgets?done=gone#budgets"))
                        .build();
            }
            return refused(v, form, budgetId, e);
        }
    }

    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id) {
        Viewer v = viewers.current();
        v.requireSetsBudgets();
        budgets.delete(Ids.required("id", id), v);
        return Response.seeOther(URI.create("/budgets?done=deleted#budgets")).build();
    }

    /** The form's fields as posted, for creating and for editing a budget. */
    public static class Posted {
        @FormParam("name")
        String name;

        @FormParam("covers")
        String covers;

        @FormParam("scopeId")
        String scopeId;

        @FormParam("period")
        String period;

        @FormParam("amountUsd")
        String amountUsd;

        @FormParam("mode")
        String mode;

        @FormParam("thresholds")
        String thresholds;

        @FormParam("fromPercent")
        String fromPercent;

        @FormParam("models")
        String models;

        @FormParam("unpriced")
        String unpriced;

        @FormParam("channelIds")
        List<String> channelIds;

        @FormParam("spikeFactor")
        String spikeFactor;

        @FormParam("spikePerHourUsd")
        String spikePerHourUsd;

        @FormParam("spikeAction")
        String spikeAction;

        BudgetForm form() {
            return new BudgetForm(
                    name,
                    covers,
                    scopeId,
                    period,
                    amountUsd,
                    mode,
                    thresholds,
                    fromPercent,
                    models,
                    unpriced,
                    channelIds,
                    spikeFactor,
                    spikePerHourUsd,
                    spikeAction);
        }
    }

    /** The page again with the submitted values and the service's message (it names the field). */
    private Response refused(Viewer v, BudgetForm form, UUID editing, ApiException e) {
        return Response.status(e.status())
                .entity(render(
                        rows(v),
                        null,
                        editor(v, form, editing == null ? null : budgets.get(editing), e.getMessage(), null)))
                .build();
    }

    /** The budgets {@code v} reads: every one, or a team lead's the report gives them. */
    private List<BudgetRow> rows(Viewer v) {
        return BudgetReportResource.readBy(v, statuses.current()).stream()
                .map(BudgetRow::of)
                .toList();
    }

    /**
     * {@code editing}: the stored budget an edit changes (its id and name), null for a new one. A
     * team lead's form offers their own teams, not the organisation or a department.
     */
    private BudgetEditor editor(Viewer v, BudgetForm form, Budget editing, String error, BudgetEditor.Confirm confirm) {
        return BudgetEditor.of(
                form,
                editing == null ? null : editing.id(),
                editing == null ? null : editing.name(),
                error,
                v.setsEveryBudget(),
                v.setsEveryBudget()
                        ? identity.teams()
                        : identity.teams().stream()
                                .filter(t -> v.teamIds().contains(t.id()))
                                .toList(),
                channels.list(),
                confirm,
                navs.csrfField(),
                navs.csrfToken(),
                people(v));
    }

    /** At most this many people are suggested as the employee field is typed (an e-mail is taken beyond). */
    static final int MAX_SUGGESTED = 1000;

    /** Whom {@code v} may set a person's budget for: everyone, or a team lead's own teams' people. */
    private List<BudgetEditor.Option> people(Viewer v) {
        // one more than is suggested: enough to know there are too many, without reading them all
        List<EmployeeView> who = identity.employees(v.setsEveryBudget() ? null : v.teamIds(), MAX_SUGGESTED + 1);
        if (who.size() > MAX_SUGGESTED) {
            return List.of();
        }
        return who.stream()
                .map(e -> new BudgetEditor.Option(e.email(), e.name(), false))
                .toList();
    }

    private static String notice(String done) {
        return switch (done == null ? "" : done) {
            case "created" -> "Budget created. Every gateway enforces it within seconds.";
            case "updated" -> "Budget saved. Every gateway applies the change within seconds.";
            case "deleted" -> "Budget deleted. Gateways stop enforcing it within seconds.";
            case "gone" -> "Not saved: that budget was deleted while you were editing it.";
            default -> null;
        };
    }

    private String render(List<BudgetRow> rows, String notice, BudgetEditor editor) {
        Period month = Period.parse("mtd", null, null, calendar.today());
        PageContext page =
                PageContext.of("Budgets", "budgets", "/budgets", month, calendar, demo.enabled(), null, navs.current());
        return Templates.budgets(page, rows, calendar.zone().getId(), notice, editor)
                .render();
    }
}
