package dev.tally.dashboard.definition;

/** A problem in a dashboards/*.yaml file, located by file and line. */
public class DefinitionException extends RuntimeException {

    private final String file;
    private final int line;
    private final String problem;

    public DefinitionException(String file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
