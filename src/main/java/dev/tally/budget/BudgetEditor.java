package dev.tally.budget;

import java.util.List;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

import dev.tally.alert.channel.ChannelView;
import dev.tally.identity.TeamView;

/**
 * What the Budgets page shows an admin beside the list: the new-budget form, or one budget's form
 * prefilled for an edit, or the question before a delete; the choices as options with the form's
 * value selected, so a refused form shows what was submitted.
 *
 * @param action       where the form posts: {@code /budgets}, or {@code /budgets/<id>} for an edit
 * @param title        "New budget", or for an edit the budget's stored name (the form's may be refused)
 * @param error        the service's message for a refused form (it names the field), else null
 * @param confirmDelete the budget a delete asks about, else null
 * @param people       whom the employee field suggests: e-mail (value) and name; empty past
 *                     {@code BudgetPages.MAX_SUGGESTED}
 */
@TemplateData
public record BudgetEditor(
        BudgetForm form,
        String action,
        String title,
        String submitLabel,
        boolean editing,
        String error,
        List<Group> covers,
        List<Option> periods,
        List<Option> modes,
        List<Option> unpriced,
        List<Option> spikeActions,
        List<Option> channels,
        Confirm confirmDelete,
        String csrfField,
        String csrfToken,
        List<Option> people) {

    /** An e-mail channel's addresses a picker's line names before "and n more". */
    static final int PICKER_ADDRESSES = 3;

    /** One choice of a select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {}

    /** Choices under a heading ({@code <optgroup>}); {@code label} null: no heading. */
    @TemplateData
    public record Group(String label, List<Option> options) {}

    /** The budget a delete asks about, as the list shows it. */
    @TemplateData
    public record Confirm(UUID id, String name, String covers, String period, String limit, String mode) {}

    static BudgetEditor of(
            BudgetForm form,
            UUID editing,
            String editingName,
            String error,
            boolean everyScope,
            List<TeamView> teams,
            List<ChannelView> channelList,
            Confirm confirmDelete,
            String csrfField,
            String csrfToken,
            List<Option> people) {
        String covers = form.covers();
        List<Option> departments = teams.stream()
                .map(TeamView::department)
                .filter(d -> d != null && !d.isBlank())
                .distinct()
                .sorted(String.CASE_INSENSITIVE_ORDER)
                .map(d -> option("department:" + d, d, covers))
                .toList();
        List<Option> teamOptions = teams.stream()
                .map(t -> option(
                        "team:" + t.id(),
                        t.department() == null || t.department().isBlank()
                                ? t.name()
                                : t.name() + " (" + t.department() + ")",
                        covers))
                .toList();
        Group oneOf = new Group(
                everyScope ? "One person or key (named below)" : "One person or key of your teams (named below)",
                List.of(option("employee", "An employee", covers), option("key", "A key", covers)));
        // a team lead sets budgets for their own teams: neither the organisation nor a department is offered
        List<Group> groups = everyScope
                ? List.of(
                        new Group(null, List.of(option("org", "The whole organisation", covers))),
                        new Group("Departments", departments),
                        new Group("Teams", teamOptions),
                        oneOf)
                : List.of(new Group("Your teams", teamOptions), oneOf);
        return new BudgetEditor(
                form,
                editing == null ? "/budgets" : "/budgets/" + editing,
                editing == null ? "New budget" : "Edit budget “" + editingName + "”",
                editing == null ? "Create budget" : "Save changes",
                editing != null,
                error,
                groups,
                List.of(
                        option("day", "Day", form.period()),
                        option("week", "Week (from Monday)", form.period()),
                        option("month", "Month", form.period()),
                        option("quarter", "Quarter", form.period())),
                List.of(
                        option("alert", "alert — only alert, never stop a call", form.mode()),
                        option("block", "block — refuse calls once spent", form.mode()),
                        option("downgrade", "downgrade — call cheaper models from a point", form.mode())),
                List.of(
                        option("allow", "allow — let them through, counted apart", form.unpriced()),
                        option("block", "block — refuse them", form.unpriced())),
                List.of(
                        option("alert", "alert", form.spikeAction()),
                        option("pause_key", "alert and pause the key", form.spikeAction())),
                // where each delivers, as the Alerts page lists it (a URL's scheme and host only), so whoever
                // picks one sees whose inbox or which system it is; a long address list shortened
                channelList.stream()
                        .map(c -> new Option(
                                c.id().toString(),
                                c.name() + " — " + c.kind() + ", " + c.destination(PICKER_ADDRESSES),
                                form.channelIds().contains(c.id().toString())))
                        .toList(),
                confirmDelete,
                csrfField,
                csrfToken,
                people);
    }

    private static Option option(String value, String label, String current) {
        return new Option(value, label, value.equals(current));
    }
}
