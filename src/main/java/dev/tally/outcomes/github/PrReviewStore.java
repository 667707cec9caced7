package dev.tally.outcomes.github;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The {@code pr_review} table: reviews delivered by {@code pull_request_review} webhooks, recorded when
 * the delivery arrives (in its transaction, before the answer), so they are known by the time the PR's
 * merge is processed — GitHub sends a review's delivery before the merge that follows it.
 */
@ApplicationScoped
public class PrReviewStore {

    private final EntityManager em;

    public PrReviewStore(EntityManager em) {
        this.em = em;
    }

    /** Records a submitted review once; a later delivery of the same review changes nothing. */
    @Transactional
    public void submitted(String repository, int number, PrReview review) {
        em.createNativeQuery("INSERT INTO pr_review (review_id, repository, pr_number, login, state, submitted_at)"
                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (review_id) DO NOTHING")
                .setParameter(1, review.id())
                .setParameter(2, repository.toLowerCase(Locale.ROOT))
                .setParameter(3, number)
                .setParameter(4, review.login())
                .setParameter(5, review.state().key())
                .setParameter(6, review.submittedAt().atOffset(ZoneOffset.UTC))
                .executeUpdate();
    }

    /** A dismissal keeps the review (it happened) and notes when it was dismissed. */
    @Transactional
    public void dismissed(String repository, int number, PrReview review, Instant at) {
        submitted(repository, number, review);
        em.createNativeQuery("UPDATE pr_review SET dismissed_at = coalesce(dismissed_at, ?2) WHERE review_id = ?1")
                .setParameter(1, review.id())
                .setParameter(2, at.atOffset(ZoneOffset.UTC))
                .executeUpdate();
    }

    @Transactional
    public List<PrReview> reviews(String repository, int number) {
        List<PrReview> out = new ArrayList<>();
        for (Object o : em.createNativeQuery("SELECT review_id, login, state, submitted_at FROM pr_review"
                        + " WHERE repository = ?1 AND pr_number = ?2 ORDER BY submitted_at, review_id")
                .setParameter(1, repository.toLowerCase(Locale.ROOT))
                .setParameter(2, number)
                .getResultList()) {
            Object[] r = (Object[]) o;
            out.add(new PrReview(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    PrReview.State.of((String) r[2]).orElseThrow(),
                    instant(r[3])));
        }
        return out;
    }

    private static Instant instant(Object o) {
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (o instanceof Instant i) {
            return i;
        }
        return ((Timestamp) o).toInstant();
    }
}
