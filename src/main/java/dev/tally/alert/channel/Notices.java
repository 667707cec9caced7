package dev.tally.alert.channel;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.dashboard.roi.Format;
import dev.tally.platform.time.OrgCalendar;

/** Turns an alert into the {@link Notice} people read: scope, figures, projection and a link to the page. */
@Singleton
public class Notices {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH);

    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    private final OrgCalendar calendar;
    private final ObjectMapper mapper;
    private final String publicUrl;

    public Notices(OrgCalendar calendar, AlertConfig config, ObjectMapper mapper) {
        this.calendar = calendar;
        this.mapper = mapper;
        this.publicUrl = config.publicUrl().replaceAll("/+$", "");
    }

    public Notice of(Alert a) {
        if (a.kind() == AlertKind.DIGEST) {
            // the digest's event carries the message it was composed with (dev.tally.alert.digest)
            try {
                // lenient: the event may come from a newer Tally, with a field this one lacks
                return mapper.readerFor(Notice.class)
                        .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(mapper.readTree(a.event()).path("data").path("message"));
            } catch (IOException e) {
                throw new IllegalStateException("digest " + a.id() + " has no readable message", e);
            }
        }
        String who = a.scopeName() != null ? a.scopeName() : a.scopeId() != null ? a.scopeId() : "the organisation";
        String scope = a.scope() == null ? who : who + " (" + a.scope() + ")";
        String spent = Format.money(a.spentNanos());
        String limit = Format.money(a.limitNanos());
        String title;
        String summary;
        // a $0 budget has no share to reach: it allows no spend (alert, block) or downgrades from the start
        boolean zero = a.limitNanos() != null && a.limitNanos() == 0;
        switch (a.kind()) {
            case THRESHOLD -> {
                title = zero ? "Spend under a $0 budget: " + who : "Budget " + a.threshold() + "% reached: " + who;
                summary = zero
                        ? scope + " has spent " + spent + period(a) + " under a budget of $0, which allows no spend."
                        : scope + " has spent " + spent + " of its " + limit + " budget" + period(a) + ".";
            }
            case PROJECTED -> {
                title = "Budget projected to run out: " + who;
                summary = "At its current rate " + scope + " will spend " + Format.money(a.projectedNanos())
                        + " by the end of the period, over its " + limit + " budget"
                        + (a.projectedExhaustedAt() == null
                                ? ""
                                : "; it runs out around " + date(a.projectedExhaustedAt()))
                        + ".";
            }
            case SPIKE -> {
                JsonNode d = data(a);
                String person = d.path("employeeName").asText(null);
                if (person != null && d.path("keyId").isNull()) {
                    // a person's keys together, each under the rule: name the person, not the budget's scope
                    title = "Spend spike: " + person;
                    summary = person + "'s keys together spent "
                            + Format.money(d.path("spikeHourNanos").asLong())
                            + " this hour, far above their usual hour (under the budget of " + scope
                            + "). An agent loop left running?";
                } else if (d.hasNonNull("spikeHourNanos")) {
                    // one key: whose it is, and its hour against its usual one (the budget's spend is
                    // the period's, shown apart, not what spiked)
                    String prefix = d.path("keyPrefix").asText(null);
                    String which = prefix == null ? "" : " " + prefix + "…";
                    String key = person != null ? person + "'s key" + which : "a service key of " + who + which;
                    title = "Spend spike: " + key;
                    summary = (person != null ? key : "A service key of " + who + which) + " spent "
                            + Format.money(d.path("spikeHourNanos").asLong()) + " this hour"
                            + (d.hasNonNull("spikeBaselineNanos")
                                    ? " against a usual hour of "
                                            + Format.money(
                                                    d.path("spikeBaselineNanos").asLong())
                                    : "")
                            + " (under the budget of " + scope + ", " + spent + " spent"
                            + (a.limitNanos() == null ? "" : " of " + limit) + period(a) + ")."
                            + " An agent loop left running?";
                } else {
                    title = "Spend spike: " + who;
                    summary = scope + " is spending far above its usual hourly rate: " + spent
                            + (a.limitNanos() == null ? "" : " against a limit of " + limit)
                            + ". An agent loop left running?";
                }
            }
            case BLOCKED -> {
                title = zero ? "Calls blocked by a $0 budget: " + who : "Budget exhausted, calls blocked: " + who;
                summary = (zero
                                ? scope + " has a budget of $0" + period(a) + ", which allows no spend"
                                : scope + " has spent " + spent + " of its " + limit + " budget" + period(a))
                        + "; the gateway refuses its new calls until the period resets"
                        + (a.periodEnd() == null ? "" : " on " + time(a.periodEnd())) + ".";
            }
            case DOWNGRADED -> {
                title = "Budget downgrade in effect: " + who;
                // a $0 amount or fromPercent 0: the point is $0, reached at the period's start
                boolean fromStart = zero || Integer.valueOf(0).equals(a.threshold());
                summary = (fromStart
                                ? scope + "'s budget downgrades from the period's start"
                                        + (a.periodStart() == null ? "" : ", " + date(a.periodStart()))
                                : scope + " has spent " + spent + " of its " + limit + " budget" + period(a))
                        + "; calls for the expensive models go to the cheaper ones the budget names.";
            }
            default -> throw new IllegalArgumentException("not an alert: " + a.kind());
        }
        List<Notice.Field> fields = new ArrayList<>();
        fields.add(new Notice.Field("Scope", scope));
        if (a.spentNanos() != null) {
            fields.add(new Notice.Field("Spent", spent + percent(a)));
        }
        if (a.limitNanos() != null) {
            fields.add(new Notice.Field("Budget", limit));
        }
        if (a.projectedNanos() != null) {
            fields.add(new Notice.Field("Projected for the period", Format.money(a.projectedNanos())));
        }
        if (a.projectedExhaustedAt() != null) {
            fields.add(new Notice.Field("Runs out", date(a.projectedExhaustedAt())));
        }
        if (a.periodStart() != null && a.periodEnd() != null) {
            fields.add(new Notice.Field(
                    "Period", date(a.periodStart()) + " – " + date(a.periodEnd().minusSeconds(1))));
        }
        return new Notice(
                title,
                summary,
                fields,
                List.of(),
                link(a.link()),
                "Open in Tally",
                "Tally budget alert · " + a.kind().apiName() + " · " + time(a.at()) + " · times in " + calendar.zone());
    }

    /** The alert event's data, as received (what the {@link Alert} row does not keep); empty when unreadable. */
    private JsonNode data(Alert a) {
        try {
            return a.event() == null
                    ? mapper.createObjectNode()
                    : mapper.readTree(a.event()).path("data");
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode();
        }
    }

    /** An absolute link from a page path; null when there is none. */
    public String link(String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        return path.startsWith("http://") || path.startsWith("https://")
                ? path
                : publicUrl + (path.startsWith("/") ? "" : "/") + path;
    }

    private String period(Alert a) {
        return a.periodStart() == null ? "" : " for the period from " + date(a.periodStart());
    }

    private static String percent(Alert a) {
        if (a.spentNanos() == null || a.limitNanos() == null || a.limitNanos() <= 0) {
            return "";
        }
        // BigInteger: spent × 100 overflows a long past $92M
        return " (" + BigInteger.valueOf(a.spentNanos()).multiply(HUNDRED).divide(BigInteger.valueOf(a.limitNanos()))
                + "%)";
    }

    public String date(Instant t) {
        return DATE.format(t.atZone(calendar.zone()));
    }

    public String time(Instant t) {
        return TIME.format(t.atZone(calendar.zone()));
    }
}
