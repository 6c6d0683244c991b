package org.poolkit.shell.internal;

/** Checks of a command's arguments; each failure is a {@link CommandError#usage usage error}. Stateless. */
final class Args {

    private Args() {
    }

    /**
     * @return the arguments as the user typed them: Gogo hands over the word {@code null} (the null strategy's name)
     *         as a {@code null}, which is turned back into the word here
     */
    static String[] words(String[] typed) {
        String[] words = typed.clone();
        for (int i = 0; i < words.length; i++) {
            if (words[i] == null) {
                words[i] = "null";
            }
        }
        return words;
    }

    /** @throws CommandError unless there are {@code min} to {@code max} arguments */
    static void count(String[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            String expected = min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? min + " or more"
                    : min + " to " + max;
            throw CommandError.usage("expected " + expected + " argument" + (expected.equals("1") ? "" : "s")
                    + ", got " + args.length);
        }
    }

    /**
     * @return the name of a data source to create
     * @throws CommandError when it is blank or has white space: every command would need it quoted, and
     *                      {@code pool:list} could not show it in a column
     */
    static String name(String name) {
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw CommandError.usage("NAME must be one word, without spaces; was '" + name + "'");
        }
        return name;
    }

    /**
     * @param what the argument's name in the usage line, such as {@code THREADS}
     * @return the argument as a whole number
     * @throws CommandError naming the argument, the range and the value, when it is not a number in range
     */
    static int number(String what, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw CommandError.usage(what + " must be a whole number from " + min + " to " + max + "; was '" + text + "'");
    }
}
