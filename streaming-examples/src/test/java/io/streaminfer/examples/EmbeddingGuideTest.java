package io.streaminfer.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/embedding.md shows the examples' code exactly: each {@code // region example} of an
 * example is one of the guide's Java blocks, so the guide's code is the code the other tests
 * compile and run.
 */
class EmbeddingGuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "embedding.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JettyHosting", "TomcatHosting", "SpringBootHosting", "NettyHosting", "LengthPrefixedTcpTransport", "AverageColorStepFactory", "ArrivalOrderPolicy"})
    void guideShowsTheExample(String example) throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/streaminfer/examples", example + ".java"));
        int start = source.indexOf("// region example\n");
        int end = source.indexOf("// endregion");
        assertThat(start).as("%s has a region", example).isNotNegative();
        String region = dedent(source.substring(start + "// region example\n".length(), source.lastIndexOf('\n', end) + 1));

        assertThat(javaBlocks()).as("a Java block of docs/embedding.md is the region of %s", example).contains(region);
    }

    private static List<String> javaBlocks() throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(GUIDE));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static String dedent(String text) {
        int indent = text.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        text.lines().forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return out.toString();
    }
}
