package dev.tally.dashboard.definition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A YAML value that remembers the line it was written on, so a validation error can say
 * "org.yaml line 12: …" even for problems found after parsing (an unknown metric, say). Jackson's
 * tree model drops locations; this keeps the parser's.
 */
final class YamlNode {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    final Object value; // Map<String, YamlNode>, List<YamlNode>, String (scalars), or null
    final int line;
    final String file;

    private YamlNode(Object value, int line, String file) {
        this.value = value;
        this.line = line;
        this.file = file;
    }

    static YamlNode parse(String file, String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new DefinitionException(file, 1, "the file is empty");
            }
            return read(file, p);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new DefinitionException(file, l == null ? 0 : l.getLineNr(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new DefinitionException(file, 0, e.getMessage());
        }
    }

    private static YamlNode read(String file, JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, YamlNode> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (m.containsKey(key)) {
                    throw new DefinitionException(file, keyLine, "duplicate key '" + key + "'");
                }
                m.put(key, read(file, p));
            }
            return new YamlNode(m, line, file);
        }
        if (t == JsonToken.START_ARRAY) {
            List<YamlNode> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(read(file, p));
            }
            return new YamlNode(l, line, file);
        }
        if (t == JsonToken.VALUE_NULL) {
            return new YamlNode(null, line, file);
        }
        return new YamlNode(p.getText(), line, file);
    }

    DefinitionException error(String problem) {
        return new DefinitionException(file, line, problem);
    }

    @SuppressWarnings("unchecked")
    Map<String, YamlNode> map(String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, YamlNode>) m;
        }
        throw error(what + " must be a mapping (key: value lines)");
    }

    @SuppressWarnings("unchecked")
    List<YamlNode> list(String what) {
        if (value instanceof List<?> l) {
            return (List<YamlNode>) l;
        }
        throw error(what + " must be a list");
    }

    String text(String what) {
        if (value instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        throw error(what + " must be a non-empty text value");
    }

    /** Fails on keys outside {@code allowed}: a typo ("metirc") must not be silently ignored. */
    void onlyKeys(String what, String... allowed) {
        List<String> ok = List.of(allowed);
        for (Map.Entry<String, YamlNode> e : map(what).entrySet()) {
            if (!ok.contains(e.getKey())) {
                throw e.getValue()
                        .error("unknown key '" + e.getKey() + "' in " + what + " (allowed: " + String.join(", ", ok)
                                + ")");
            }
        }
    }
}
