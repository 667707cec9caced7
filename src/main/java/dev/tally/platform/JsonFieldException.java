package dev.tally.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A well-formed JSON body with a field whose value a deserializer refuses (its message starts with
 * the field's name): {@link ProblemMapper} answers it as a 400 with that message alone, like a
 * constraint violation, not as malformed JSON.
 */
public class JsonFieldException extends JsonMappingException {

    private static final long serialVersionUID = 1L;

    public JsonFieldException(JsonParser p, String message) {
        super(p, message);
    }
}
