package dev.tally.alert.digest;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/** The {@link BudgetLines} used where no budgets feature provides one: none. */
@Singleton
@DefaultBean
public class NoBudgetLines implements BudgetLines {

    @Override
    public List<BudgetLine> at(Instant now) {
        return List.of();
    }
}
