package dev.tally.outcomes.csv;

import java.util.List;

import dev.tally.platform.ApiException;

/** A CSV import refused as a whole: 400 whose detail lists every failing row and why. */
public class RowErrors extends ApiException {

    private final List<String> errors;

    public RowErrors(List<String> errors) {
        super(400, "nothing imported: " + String.join(" | ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
