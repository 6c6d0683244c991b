package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Tables line up; a progress line rewrites itself on a terminal and stays one line per update when captured. */
class OutputTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void aTableAlignsEachColumnToItsWidestCell() {
        new Table("NAME", "SIZE").row("orders", 5).row("a", 10).print(out);

        assertEquals("NAME    SIZE\norders  5\na       10\n", printed());
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }

    @Test
    void onATerminalTheProgressLineIsRewrittenInPlace() {
        ProgressLine progress = new ProgressLine(out, true);
        progress.update("tx 100000");
        progress.update("tx 2");
        progress.end();

        assertEquals("\rtx 100000\rtx 2     \n", printed(), "five spaces wipe the rest of the longer line");
    }

    @Test
    void capturedTheProgressIsOneLinePerUpdate() {
        ProgressLine progress = new ProgressLine(out, false);
        progress.update("tx 100000");
        progress.update("tx 2");
        progress.end();

        assertEquals("tx 100000\ntx 2\n", printed());
    }
}
