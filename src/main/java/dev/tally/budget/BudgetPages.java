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
import dev.tally.identity.IdentityService;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;

/**
 * The Budgets page: every budget with a bar against its limit, its state and its period; for admins
 * also the forms that create, edit and delete budgets. The forms post to this page (CSRF token,
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
     * The list; for an admin with the new-budget form, or with {@code ?edit=<id>} that budget's form
     * prefilled, or with {@code ?delete=<id>} the question before deleting it.
     */
    @GET
    public String budgets(
            @QueryParam("edit") String edit, @QueryParam("delete") String delete, @QueryParam("done") String done) {
        // Every budget of every team: the audience that sees all teams (team leads see theirs on the team page).
        Viewer v = viewers.current();
        v.requireAllTeams();
        List<BudgetRow> rows = rows();
        if (!v.isAdmin()) {
            return render(rows, null, null);
        }
        UUID editId = Ids.optional("edit", edit);
        UUID deleteId = Ids.optional("delete", delete);
        Budget editing = editId == null ? null : budgets.get(editId);
        BudgetForm form = editing == null ? BudgetForm.blank() : BudgetForm.of(editing);
        BudgetEditor.Confirm confirm = null;
        if (deleteId != null) {
            BudgetRow row = rows.stream()
                    .filter(r -> r.id().equals(deleteId))
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("no budget " + deleteId));
            confirm = new BudgetEditor.Confirm(
                    row.id(),
                    row.name(),
                    row.scopeName() + " (" + row.scopeLabel() + ")",
                    row.period(),
                    row.limit(),
                    row.mode());
        }
        return render(rows, notice(done), editor(form, editing, null, confirm));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@BeanParam Posted posted) {
        viewers.current().requireAdmin();
        BudgetForm form = posted.form();
        try {
            budgets.create(form.toInput());
            return Response.seeOther(URI.create("/budgets?done=created#budgets"))
                    .build();
        } catch (ApiException e) {
            return refused(form, null, e);
        }
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, @BeanParam Posted posted) {
        viewers.current().requireAdmin();
        UUID budgetId = Ids.required("id", id);
        BudgetForm form = posted.form();
        try {
            budgets.update(budgetId, form.toInput());
            return Response.seeOther(URI.create("/budgets?done=updated#budgets"))
                    .build();
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e; // no form to show again: the budget is gone
            }
            return refused(form, budgetId, e);
        }
    }

    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id) {
        viewers.current().requireAdmin();
        budgets.delete(Ids.required("id", id));
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
    private Response refused(BudgetForm form, UUID editing, ApiException e) {
        return Response.status(e.status())
                .entity(render(
                        rows(),
                        null,
                        editor(form, editing == null ? null : budgets.get(editing), e.getMessage(), null)))
                .build();
    }

    private List<BudgetRow> rows() {
        return statuses.current().stream().map(BudgetRow::of).toList();
    }

    /** {@code editing}: the stored budget an edit changes (its id and name), null for a new one. */
    private BudgetEditor editor(BudgetForm form, Budget editing, String error, BudgetEditor.Confirm confirm) {
        return BudgetEditor.of(
                form,
                editing == null ? null : editing.id(),
                editing == null ? null : editing.name(),
                error,
                identity.teams(),
                channels.list(),
                confirm,
                navs.csrfField(),
                navs.csrfToken());
    }

    private static String notice(String done) {
        return switch (done == null ? "" : done) {
            case "created" -> "Budget created. Every gateway enforces it within seconds.";
            case "updated" -> "Budget saved. Every gateway applies the change within seconds.";
            case "deleted" -> "Budget deleted. Gateways stop enforcing it within seconds.";
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
