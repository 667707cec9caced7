package dev.tally.alert.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
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
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.budget.Budget;
import dev.tally.budget.BudgetReportResource;
import dev.tally.budget.BudgetService;
import dev.tally.budget.BudgetStatus;
import dev.tally.budget.BudgetStatusService;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.roi.Format;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.ProblemMapper;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * The Alerts page: the latest budget alerts and, for each, where it went and whether it arrived; the
 * alert channels, where each delivers (never its URL or secret), the budgets that use each and how its
 * latest delivery went, for everyone who picks channels on a budget's form; for admins also the forms
 * that add, edit, test and delete channels. The forms post to this page (CSRF token,
 * {@code PageForms}) and go through the admin API's own calls: {@link NewChannel} validated as the API
 * validates it, then {@link AlertChannelService} (the same checks and audit entries; an edit is its
 * {@link AlertChannelService#update}, as the API's PATCH) and {@link ChannelTest}. A refused form comes
 * back (400) with the API's message and the values submitted; a change answers 303 back to the list,
 * except a webhook created without a secret: its generated secret is shown on the answer itself, this
 * once (never in a URL, and not stored by the browser's cache).
 */
@Path("/alerts")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AlertPages {

    static final int SHOWN = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alerts(
                PageContext page,
                List<Row> alerts,
                DeliveryViews.Log log,
                String zone,
                List<ChannelRow> channels,
                String notice,
                String failure,
                CreatedSecret secret,
                ChannelEditor editor);
    }

    /** One alert as the page shows it. */
    @TemplateData
    public record Row(
            String at,
            String kind,
            String title,
            String scope,
            String link,
            String spent,
            String limit,
            String projected,
            List<DeliveryViews.Delivery> deliveries) {}

    /** A webhook's generated secret, shown on the answer to its create only (as the API returns it once). */
    @TemplateData
    public record CreatedSecret(String channel, String secret) {}

    private final DeliveryLog log;
    private final DeliveryViews views;
    private final Notices notices;
    private final ReportService reports;
    private final OrgCalendar calendar;
    private final Roles roles;
    private final AlertChannelService channels;
    private final ChannelTest test;
    private final BudgetService budgets;
    private final BudgetStatusService statuses;
    private final Validator validator;
    private final Viewers viewers;
    private final Navs navs;

    public AlertPages(
            DeliveryLog log,
            DeliveryViews views,
            Notices notices,
            ReportService reports,
            OrgCalendar calendar,
            Roles roles,
            AlertChannelService channels,
            ChannelTest test,
            BudgetService budgets,
            BudgetStatusService statuses,
            Validator validator,
            Viewers viewers,
            Navs navs) {
        this.log = log;
        this.viewers = viewers;
        this.navs = navs;
        this.views = views;
        this.reports = reports;
        this.notices = notices;
        this.calendar = calendar;
        this.roles = roles;
        this.channels = channels;
        this.test = test;
        this.budgets = budgets;
        this.statuses = statuses;
        this.validator = validator;
    }

    /**
     * The alerts and the channels; for an admin with the new-channel form, or with {@code ?edit=<id>}
     * that channel's form prefilled, or with {@code ?delete=<id>} the question before deleting it.
     */
    @GET
    public TemplateInstance alerts(
            @QueryParam("edit") String edit,
            @QueryParam("delete") String delete,
            @QueryParam("done") String done,
            @QueryParam("channel") String channel) {
        Viewer v = viewer();
        // every channel a budget's form offers, with where it delivers (never the URL or secret); a team
        // lead sees the budgets naming it among their own only, and the alerts of their own budgets
        List<ChannelRow> rows = channelRows(v);
        if (!v.isAdmin()) {
            return render(rows, null, null, null, null); // leaders and team leads: the list, no forms
        }
        ChannelRow confirm = null;
        UUID deleteId = Ids.optional("delete", delete);
        if (deleteId != null) {
            confirm = find(rows, deleteId).orElseThrow(() -> ApiException.notFound("no alert channel " + deleteId));
        }
        ChannelRow editing = null;
        ChannelForm form = ChannelForm.blank();
        UUID editId = Ids.optional("edit", edit);
        if (editId != null) {
            editing = find(rows, editId).orElseThrow(() -> ApiException.notFound("no alert channel " + editId));
            form = ChannelForm.of(
                    channels.view(editId).orElseThrow(() -> ApiException.notFound("no alert channel " + editId)));
        }
        String notice =
                notice(done, find(rows, Ids.optional("channel", channel)).orElse(null));
        return render(rows, notice, null, null, editor(form, editing, null, confirm));
    }

    @POST
    @Path("channels")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@BeanParam Posted posted) {
        requireAdmin();
        ChannelForm form = posted.form();
        try {
            NewChannel req = form.toNewChannel();
            // The API's @Valid on its body, in its words ("name: must not be blank"), then the service's checks.
            Set<ConstraintViolation<NewChannel>> invalid = validator.validate(req);
            if (!invalid.isEmpty()) {
                throw ApiException.badRequest(ProblemMapper.detail(invalid));
            }
            ChannelView created = channels.create(req);
            if (created.secret() != null) {
                CreatedSecret secret = new CreatedSecret(created.name(), created.secret());
                return Response.ok(render(
                                channelRows(),
                                null, // the secret's notice says it was created
                                null,
                                secret,
                                editor(ChannelForm.blank(), null, null, null)))
                        .header("Cache-Control", "no-store")
                        .build();
            }
            return Response.seeOther(URI.create("/alerts?done=created&channel=" + created.id() + "#channels"))
                    .build();
        } catch (ApiException e) {
            // the form again as typed: a Slack URL or a secret in it is a credential, kept out of caches
            return Response.status(e.status())
                    .entity(render(channelRows(), null, null, null, editor(form, null, e.getMessage(), null)))
                    .header("Cache-Control", "no-store")
                    .build();
        }
    }

    /**
     * Sends the API's test message. Delivered: 303 back with a notice. Not delivered: the page with the
     * receiver's answer (200 — the page did its work; a 502 could be swapped by a proxy for its own
     * error page, and the admin would not see the answer).
     */
    @POST
    @Path("channels/{id}/test")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response test(@PathParam("id") String id) {
        requireAdmin();
        UUID channelId = Ids.required("id", id);
        try {
            test.send(channelId);
            return Response.seeOther(URI.create("/alerts?done=tested&channel=" + channelId + "#channels"))
                    .build();
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e; // nothing to report on: the channel is gone
            }
            List<ChannelRow> rows = channelRows();
            String name = find(rows, channelId).map(ChannelRow::name).orElse("the channel");
            return Response.ok(render(
                            rows,
                            null,
                            "Test of “" + name + "” failed: " + e.getMessage()
                                    + ". Check the URL or the addresses; to change them, edit the channel.",
                            null,
                            editor(ChannelForm.blank(), null, null, null)))
                    .build();
        }
    }

    /**
     * An edit: the form becomes the API's PATCH body ({@link ChannelForm#toChange()}) for the stored
     * channel's type and goes through {@link AlertChannelService#update}. Saved: 303 back to the list.
     * Refused: the form again (400) as typed, not cached. Deleted meanwhile: back to the list, which
     * says so (as the Budgets page does for a deleted budget).
     */
    @POST
    @Path("channels/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, @BeanParam Posted posted) {
        requireAdmin();
        UUID channelId = Ids.required("id", id);
        URI gone = URI.create("/alerts?done=gone#channels");
        Optional<ChannelView> stored = channels.view(channelId);
        if (stored.isEmpty()) {
            return Response.seeOther(gone).build();
        }
        ChannelForm form = posted.form().withType(stored.get().type());
        try {
            channels.update(channelId, form.toChange());
            return Response.seeOther(URI.create("/alerts?done=updated&channel=" + channelId + "#channels"))
                    .build();
        } catch (ApiException e) {
            List<ChannelRow> rows = channelRows();
            Optional<ChannelRow> editing = find(rows, channelId);
            if (e.status() == 404 || editing.isEmpty()) {
                return Response.seeOther(gone).build();
            }
            // the form again as typed: a URL or a secret in it is a credential, kept out of caches
            return Response.status(e.status())
                    .entity(render(rows, null, null, null, editor(form, editing.get(), e.getMessage(), null)))
                    .header("Cache-Control", "no-store")
                    .build();
        }
    }

    @POST
    @Path("channels/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id) {
        requireAdmin();
        channels.delete(Ids.required("id", id));
        return Response.seeOther(URI.create("/alerts?done=deleted#channels")).build();
    }

    /** A channel form's fields as posted (an edit's has no type: the stored one stays). */
    public static class Posted {
        @FormParam("name")
        String name;

        @FormParam("type")
        String type;

        @FormParam("url")
        String url;

        @FormParam("secret")
        String secret;

        @FormParam("to")
        String to;

        @FormParam("digest")
        String digest;

        ChannelForm form() {
            return new ChannelForm(name, type, url, secret, to, digest);
        }
    }

    /** The Budgets page's audience: leaders and admins, and team leads (their own teams' budgets). */
    private Viewer viewer() {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
        Viewer v = viewers.current();
        v.requireBudgetPages();
        return v;
    }

    private void requireAdmin() {
        viewer().requireAdmin();
    }

    /** Every live channel, with the budgets naming it, for an admin (the forms' answers). */
    private List<ChannelRow> channelRows() {
        return channelRows(viewers.current());
    }

    /**
     * Every live channel, with the budgets naming it (budgets are few: one read of them all): every one
     * for leaders and admins; for a team lead those they read, since another team's budgets are not
     * theirs to see.
     */
    private List<ChannelRow> channelRows(Viewer v) {
        Set<UUID> readable = v.seesAllTeams() ? null : budgetsReadBy(v);
        Map<UUID, List<String>> users = new HashMap<>();
        for (Budget b : budgets.all()) {
            if (readable != null && !readable.contains(b.id())) {
                continue;
            }
            for (UUID c : b.channelIds()) {
                users.computeIfAbsent(c, k -> new ArrayList<>()).add(b.name());
            }
        }
        return channels.list().stream()
                .map(c -> ChannelRow.of(
                        c,
                        users.getOrDefault(c.id(), List.of()).stream()
                                .sorted(String.CASE_INSENSITIVE_ORDER)
                                .toList()))
                .toList();
    }

    private static Optional<ChannelRow> find(List<ChannelRow> rows, UUID id) {
        return rows.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private static String notice(String done, ChannelRow channel) {
        String name = channel == null ? "" : " “" + channel.name() + "”";
        return switch (done == null ? "" : done) {
            case "created" ->
                "Channel" + name + " created. Send it a test from the list, and pick it in a budget's"
                        + " alert channels on the Budgets page.";
            case "tested" ->
                "Test message sent: the channel" + name + " took it. Check that it arrived where you" + " expect.";
            case "updated" ->
                "Channel" + name + " saved. Alerts not yet sent go to it as it is now, and the budgets that"
                        + " use it keep it.";
            case "gone" -> "Not saved: that channel was deleted while you were editing it.";
            case "deleted" -> "Channel deleted. Alerts no longer go to it; the delivery log keeps its name.";
            default -> null;
        };
    }

    private ChannelEditor editor(ChannelForm form, ChannelRow editing, String error, ChannelRow confirm) {
        return ChannelEditor.of(form, editing, error, confirm, navs.csrfField(), navs.csrfToken());
    }

    private TemplateInstance render(
            List<ChannelRow> channelRows, String notice, String failure, CreatedSecret secret, ChannelEditor editor) {
        // No period picker here: the frame without one (as the audit log and My usage use).
        PageContext page = PageContext.plain("Alerts", "alerts", "/alerts", reports.demoData(), navs.current());
        List<DeliveryLog.AlertEntry> shown = log.recentAlerts(SHOWN).stream()
                .filter(readable(viewers.current()))
                .toList();
        // each channel's latest delivery among the alerts listed (newest first): no read beyond the list's,
        // and nothing of an alert the viewer may not read
        Map<UUID, DeliveryViews.Delivery> last = new HashMap<>();
        for (DeliveryLog.AlertEntry e : shown) {
            for (DeliveryLog.Entry d : e.deliveries()) {
                last.computeIfAbsent(d.channelId(), k -> views.delivery(d));
            }
        }
        return Templates.alerts(
                page,
                shown.stream().map(this::row).toList(),
                viewers.current().seesAllTeams()
                        ? views.log(0)
                        : views.counted(shown.stream()
                                .flatMap(e -> e.deliveries().stream())
                                .toList()),
                calendar.zone().getId(),
                channelRows.stream().map(c -> c.withLast(last.get(c.id()))).toList(),
                notice,
                failure,
                secret,
                editor);
    }

    /**
     * The alerts {@code v} may read: every one for leaders and admins; for a team lead those of the
     * budgets they read (their teams' own, and their people's and keys'), as the Budgets page lists.
     */
    private java.util.function.Predicate<DeliveryLog.AlertEntry> readable(Viewer v) {
        if (v.seesAllTeams()) {
            return e -> true;
        }
        Set<UUID> budgetIds = budgetsReadBy(v);
        return e -> e.alert().budgetId() != null && budgetIds.contains(e.alert().budgetId());
    }

    /** The ids of the budgets {@code v} reads, as the Budgets page lists them. */
    private Set<UUID> budgetsReadBy(Viewer v) {
        Set<UUID> budgetIds = new java.util.HashSet<>();
        for (BudgetStatus s : BudgetReportResource.readBy(v, statuses.current())) {
            budgetIds.add(s.budgetId());
        }
        return budgetIds;
    }

    private Row row(DeliveryLog.AlertEntry e) {
        Alert a = e.alert();
        String scope = a.scopeName() != null ? a.scopeName() : a.scopeId() != null ? a.scopeId() : "organisation";
        return new Row(
                notices.time(a.at()),
                a.kind().apiName(),
                notices.of(a).title(),
                a.scope() == null ? scope : scope + " (" + a.scope() + ")",
                a.link(),
                a.spentNanos() == null ? "–" : Format.money(a.spentNanos()),
                a.limitNanos() == null ? "–" : Format.money(a.limitNanos()),
                a.projectedNanos() == null ? "–" : Format.money(a.projectedNanos()),
                e.deliveries().stream().map(views::delivery).toList());
    }
}
