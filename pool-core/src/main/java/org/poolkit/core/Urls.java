package org.poolkit.core;

import java.util.regex.Pattern;

/**
 * JDBC urls fit for a log line or a shell's output. Some drivers take the password in the url; the data source bundle
 * and the shell commands both show urls, and both through here. Stateless.
 */
public final class Urls {

    /** {@code ;password=...}, {@code ?password=...}, {@code &pwd=...}. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)((?:password|pwd)=)[^;&]*");
    /** {@code //user:password@host}. */
    private static final Pattern PASSWORD_IN_USER_INFO = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

    private Urls() {
    }

    /**
     * @param url      a JDBC url
     * @param password the configured password, or null: it is replaced wherever it appears too (Oracle's
     *                 {@code user/password@})
     * @return the url with every password in it replaced by {@code ***}
     */
    public static String shown(String url, String password) {
        String shown = password == null || password.isEmpty() ? url : url.replace(password, "***");
        shown = PASSWORD_IN_USER_INFO.matcher(shown).replaceAll("$1***@");
        return PASSWORD_IN_URL.matcher(shown).replaceAll("$1***");
    }
}
