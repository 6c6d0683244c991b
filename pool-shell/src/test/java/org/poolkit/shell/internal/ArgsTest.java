package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument checks name what was expected and what was typed. */
class ArgsTest {

    @Test
    void theWordNullComesBackAsTyped() {
        assertArrayEquals(new String[] {"sample", "null"}, Args.words(new String[] {"sample", null}));
    }

    @Test
    void aWrongCountSaysHowManyWereExpected() {
        Args.count(new String[] {"a"}, 1, 1);
        assertEquals("expected 1 argument, got 0", usage(() -> Args.count(new String[0], 1, 1)));
        assertEquals("expected 1 to 2 arguments, got 3",
                usage(() -> Args.count(new String[] {"a", "b", "c"}, 1, 2)));
        assertEquals("expected 2 or more arguments, got 1",
                usage(() -> Args.count(new String[] {"a"}, 2, Integer.MAX_VALUE)));
        assertEquals("expected 0 arguments, got 1", usage(() -> Args.count(new String[] {"a"}, 0, 0)));
    }

    @Test
    void aNumberOutOfRangeOrNotANumberIsNamed() {
        assertEquals(8, Args.number("THREADS", " 8 ", 1, 256));
        assertEquals("THREADS must be a whole number from 1 to 256; was 'eight'",
                usage(() -> Args.number("THREADS", "eight", 1, 256)));
        assertEquals("THREADS must be a whole number from 1 to 256; was '0'",
                usage(() -> Args.number("THREADS", "0", 1, 256)));
    }

    @Test
    void aNewNameIsOneWord() {
        assertEquals("orders-2", Args.name("orders-2"));
        assertEquals("NAME must be one word, without spaces; was 'my orders'", usage(() -> Args.name("my orders")));
        assertEquals("NAME must be one word, without spaces; was ' '", usage(() -> Args.name(" ")));
        assertEquals("NAME must be one word, without spaces; was ''", usage(() -> Args.name("")));
    }

    private static String usage(Runnable check) {
        CommandError error = assertThrows(CommandError.class, check::run);
        assertTrue(error.showsUsage(), "an argument error prints the usage line");
        return error.getMessage();
    }
}
