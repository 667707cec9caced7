package dev.tally.outcomes.review;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tally.outcomes.config.OutcomesConfig;

/** The AI reviewer rules, read once at start: a broken rules file stops the start with its problem. */
public class ReviewRulesProducer {

    @Produces
    @Singleton
    ReviewRules rules(OutcomesConfig config) {
        return ReviewRules.load(config.reviews().rulesFile());
    }
}
