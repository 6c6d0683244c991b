package org.poolkit.datasource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's configuration reference is the metatype, rendered: this test renders the metatype bnd generated from
 * {@link DataSourceConfig} and requires the README's table to be exactly that, so the two cannot drift. On a mismatch
 * its message is the table to paste.
 */
class ConfigurationReferenceTest {

    private static final String METATYPE = "OSGI-INF/metatype/" + DataSourceComponent.PID + ".xml";
    private static final Path README = Path.of("..", "README.md");
    private static final String HEADING = "## Configuration reference";

    @Test
    void readmeTableIsTheMetatypeRendered() throws Exception {
        String expected = render(attributes());
        String actual = readmeTable();
        assertEquals(expected, actual, "README.md's '" + HEADING + "' table differs from the metatype of "
                + DataSourceConfig.class.getSimpleName() + "; the table the metatype gives is:\n" + expected);
    }

    @Test
    void everyAttributeIsDescribed() throws Exception {
        for (Element attribute : attributes()) {
            assertTrue(!attribute.getAttribute("description").isBlank(),
                    "metatype attribute " + attribute.getAttribute("id") + " has no description");
        }
    }

    private static List<Element> attributes() throws Exception {
        try (InputStream in = ConfigurationReferenceTest.class.getClassLoader().getResourceAsStream(METATYPE)) {
            if (in == null) {
                throw new AssertionError(METATYPE + " is missing from the build output: bnd writes it from "
                        + "DataSourceConfig's annotations");
            }
            NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
                    .getElementsByTagName("AD");
            List<Element> attributes = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                attributes.add((Element) nodes.item(i));
            }
            return attributes;
        }
    }

    private static String render(List<Element> attributes) {
        StringBuilder table = new StringBuilder("| property | type | default | meaning |\n|---|---|---|---|\n");
        for (Element attribute : attributes) {
            table.append("| `").append(attribute.getAttribute("id")).append("` | ")
                    .append(attribute.getAttribute("type").toLowerCase()).append(" | ")
                    .append(defaultOf(attribute)).append(" | ")
                    .append(meaningOf(attribute)).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultOf(Element attribute) {
        String value = attribute.getAttribute("default");
        if (value.isEmpty()) {
            return "false".equals(attribute.getAttribute("required")) ? "—" : "required";
        }
        return "`" + value.replaceAll("\\.0$", "") + "`";
    }

    private static String meaningOf(Element attribute) {
        String meaning = attribute.getAttribute("description");
        NodeList options = attribute.getElementsByTagName("Option");
        if (options.getLength() > 0) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < options.getLength(); i++) {
                values.add("`" + ((Element) options.item(i)).getAttribute("value") + "`");
            }
            meaning += " One of " + String.join(", ", values) + ".";
        }
        return meaning;
    }

    private static String readmeTable() throws Exception {
        List<String> lines = Files.readAllLines(README);
        int heading = lines.indexOf(HEADING);
        assertTrue(heading >= 0, "README.md has no '" + HEADING + "' section");
        return lines.stream().skip(heading + 1).dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|")).map(line -> line + "\n").collect(Collectors.joining());
    }
}
