package dev.tally.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The README and every page under {@code docs/} link to each other by relative path and heading
 * anchor ({@code startup.md#huge-pages}); a renamed heading or a moved page would leave a link
 * that goes nowhere, with nothing else to notice it. This reads them as Markdown (commonmark-java,
 * so links inside code are not links) and checks that every relative link names a file or
 * directory of the repository and, where it has an anchor into a Markdown page, a heading of that
 * page, with the ids GitHub gives headings (lower case, punctuation dropped, spaces as hyphens,
 * "-1" after a repeated heading).
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Parser MARKDOWN = Parser.builder().build();

    /** A page as read once: its links and images, and its headings' ids. */
    private record Page(List<String> links, Set<String> anchors) {}

    private final Map<Path, Page> read = new HashMap<>();

    @Test
    void everyRelativeLinkOfTheReadmeAndTheDocsLeadsToAFileAndAHeadingThatExist() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).as("the README and docs/*.md").hasSizeGreaterThan(10);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String link : read(page).links()) {
                if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: and the like: not this repository's
                }
                checked++;
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                String anchor = hash < 0 ? null : link.substring(hash + 1);
                Path target =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!target.startsWith(ROOT) || !Files.exists(target)) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such file)");
                } else if (anchor != null
                        && target.toString().endsWith(".md")
                        && !read(target).anchors().contains(anchor)) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(100);
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void aHeadingsIdIsTheOneGitHubGivesIt() {
        IdGenerator ids = IdGenerator.builder().build();
        assertThat(ids.generateId("Start-up and memory (bench/startup.sh)"))
                .isEqualTo("start-up-and-memory-benchstartupsh");
        assertThat(ids.generateId("The JIT's priority: A/B")).isEqualTo("the-jits-priority-ab");
        assertThat(ids.generateId("The JIT's priority: A/B")).isEqualTo("the-jits-priority-ab-1");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Each page is parsed once, whether it links, is linked to, or both. */
    private Page read(Path page) {
        return read.computeIfAbsent(page, p -> {
            List<String> links = new ArrayList<>();
            Set<String> anchors = new HashSet<>();
            IdGenerator ids = IdGenerator.builder().build();
            try {
                MARKDOWN.parse(Files.readString(p)).accept(new AbstractVisitor() {
                    @Override
                    public void visit(Link link) {
                        links.add(link.getDestination());
                        visitChildren(link);
                    }

                    @Override
                    public void visit(Image image) {
                        links.add(image.getDestination());
                    }

                    @Override
                    public void visit(Heading heading) {
                        anchors.add(ids.generateId(text(heading)));
                        visitChildren(heading);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Page(links, anchors);
        });
    }

    /** A heading's text as GitHub renders it: code spans' and links' text, without their markup. */
    private static String text(Node node) {
        StringBuilder out = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                out.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                out.append(code.getLiteral());
            }
        });
        return out.toString();
    }
}
