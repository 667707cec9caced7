package dev.tally.dashboard.page;

import java.time.LocalDate;
import java.util.List;

import io.quarkus.qute.TemplateData;

import dev.tally.access.page.Nav;
import dev.tally.dashboard.report.Period;
import dev.tally.platform.time.OrgCalendar;

/**
 * The frame every page shares: title, navigation (what the caller's role opens, see {@link Nav}), the
 * period picker and the demo banner.
 *
 * @param query the period as a query string ("?from=…&to=…"), appended to every link so navigating
 *              keeps the period
 * @param zone  the organisation's time zone (TALLY_TIMEZONE), whose days the period counts; null without a period
 */
@TemplateData
public record PageContext(
        String title,
        String active,
        Period period,
        Period previous,
        String preset,
        String query,
        boolean demo,
        String definitionsError,
        List<PresetLink> presets,
        String selfPath,
        Nav nav,
        String zone) {

    @TemplateData
    public record PresetLink(String key, String label, String href, boolean selected) {}

    public static PageContext of(
            String title,
            String active,
            String selfPath,
            Period period,
            OrgCalendar calendar,
            boolean demo,
            String definitionsError,
            Nav nav) {
        LocalDate today = calendar.today();
        String preset = period.preset(today);
        String query = "?from=" + period.from() + "&to=" + period.to();
        List<PresetLink> presets = List.of(
                link("7d", "Last 7 days", selfPath, preset), link("30d", "Last 30 days", selfPath, preset),
                link("90d", "Last 90 days", selfPath, preset), link("mtd", "Month to date", selfPath, preset));
        return new PageContext(
                title,
                active,
                period,
                period.previous(),
                preset,
                query,
                demo,
                definitionsError,
                presets,
                selfPath,
                nav,
                calendar.zone().getId());
    }

    /** The frame of a page without a period (sign-in, My usage's own picker aside, audit log). */
    public static PageContext plain(String title, String active, String selfPath, boolean demo, Nav nav) {
        return new PageContext(title, active, null, null, null, "", demo, null, List.of(), selfPath, nav, null);
    }

    private static PresetLink link(String key, String label, String path, String current) {
        return new PresetLink(key, label, path + "?preset=" + key, key.equals(current));
    }

    public boolean custom() {
        return "custom".equals(preset);
    }
}
