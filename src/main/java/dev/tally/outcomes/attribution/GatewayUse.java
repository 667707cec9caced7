package dev.tally.outcomes.attribution;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.tally.platform.time.OrgCalendar;

/**
 * Gateway requests made with an employee's keys in a window before a moment, read from the
 * {@code usage_daily} rollup. The rollup is per day of the organisation's calendar, so the window is widened to whole days:
 * from the day of {@code before - window} through the day of {@code before}.
 */
@ApplicationScoped
public class GatewayUse {

    private final EntityManager em;
    private final OrgCalendar calendar;

    public GatewayUse(EntityManager em, OrgCalendar calendar) {
        this.em = em;
        this.calendar = calendar;
    }

    @Transactional
    public long requests(UUID employeeId, Instant before, Duration window) {
        LocalDate to = calendar.date(before);
        LocalDate from = calendar.date(before.minus(window));
        Number n = (Number) em.createNativeQuery(
                        "SELECT coalesce(sum(requests), 0) FROM usage_daily WHERE employee_id = ?1 AND day BETWEEN ?2 AND ?3")
                .setParameter(1, employeeId)
                .setParameter(2, from)
                .setParameter(3, to)
                .getSingleResult();
        return n.longValue();
    }
}
