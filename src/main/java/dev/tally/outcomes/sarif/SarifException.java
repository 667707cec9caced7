package dev.tally.outcomes.sarif;

/** A SARIF document that lacks something Tally needs; the message starts with the JSON path. */
public class SarifException extends Exception {

    public SarifException(String path, String problem) {
        super(path + ": " + problem);
    }
}
