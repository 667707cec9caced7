package dev.tally.budget;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import dev.tally.platform.JsonFieldException;

/**
 * A whole number of a budget's input (a threshold or a downgrade point in percent, a spike factor):
 * {@code 50.5} is a 400 naming the field, where Jackson's default would truncate it to 50 and store
 * a budget other than the one asked for. {@code 50.0} is 50; everything else as Jackson reads an
 * {@link Integer}.
 */
public final class WholeNumber extends StdDeserializer<Integer> {

    private static final NumberDeserializers.IntegerDeserializer INTEGER =
            new NumberDeserializers.IntegerDeserializer(Integer.class, null);

    public WholeNumber() {
        super(Integer.class);
    }

    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_FLOAT) {
            return INTEGER.deserialize(p, ctxt);
        }
        BigDecimal d = p.getDecimalValue();
        try {
            return d.intValueExact();
        } catch (ArithmeticException e) {
            // not a MismatchedInputException, which Quarkus answers itself without the detail
            throw new JsonFieldException(
                    p, field(p.getParsingContext()) + ": must be a whole number; got " + p.getText());
        }
    }

    /** The field's path, {@code downgrade.fromPercent}, {@code thresholds} for an element of that list. */
    private static String field(JsonStreamContext c) {
        StringBuilder path = new StringBuilder();
        for (; c != null; c = c.getParent()) {
            if (c.getCurrentName() != null) {
                path.insert(0, path.length() == 0 ? c.getCurrentName() : c.getCurrentName() + ".");
            }
        }
        return path.toString();
    }
}
